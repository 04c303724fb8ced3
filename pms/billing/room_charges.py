"""The room nights a leaving guest has not been charged yet, so that no invoice misses room revenue.

The night audit posts each in-house night when it closes the day; a guest who leaves before the
audit of a night they stayed (an early departure the morning after a missed audit, or a day use:
arrived and left on one business date) is charged here, at check-out, under the same unique keys
(`night:<stay>:<night>:<code>`), so the audit and the check-out can never both charge one night.
The audit itself posts its nights here in bulk (`post_nights_in_bulk`): the same lines and keys,
one statement per batch of stays instead of one flush per line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from db.folios import Folio, Posting, RoutingRule
from db.models import Reservation, Tax
from pms.billing.codes import ALL_TAXES, TAX_PREFIX
from pms.billing.folios import post_room_night
from pms.billing.ledger import lock_folio, property_of
from pms.billing.ledger_views import GUEST_FOLIO
from pms.billing.stay_folios import guest_folio
from pms.hotel.property_settings import settings_of
from pms.inventory.nights import stay_nights
from pms.kernel.audit import record_many
from pms.kernel.desk import actor_of
from pms.kernel.errors import RetryableConflict
from pms.rates.pricing import NightQuote
from pms.stays.reservation_views import stored_quotes

#: What the `day_use_charge` setting charges of the night a day-use stay holds.
DAY_USE_SHARE = {"none": Decimal(0), "half": Decimal("0.5"), "full": Decimal(1)}


def post_nights_stayed(session: Session, reservation: Reservation) -> list[Posting]:
    """Post every night of the stay before the business date that has no room posting yet, and
    the day-use charge (per the property's `day_use_charge`) when the guest arrived today."""
    prop = reservation.room_type.property
    today = prop.business_date
    nights = stay_nights(reservation.arrival, min(reservation.departure, today))
    keys = {f"night:{reservation.id}:{night.isoformat()}:ROOM": night for night in nights}
    posted = set(session.scalars(select(Posting.unique_key).where(Posting.unique_key.in_(keys))))
    postings: list[Posting] = []
    for key, night in keys.items():
        if key not in posted:
            postings += post_room_night(session, reservation, night)
    if reservation.arrival == today:
        share = DAY_USE_SHARE[settings_of(prop).day_use_charge]
        if share:
            postings += post_room_night(session, reservation, today, share)
    return postings


def _night_lines(
    reservation: Reservation, night: dt.date, tax_names: dict[str, str]
) -> list[tuple[str, str, int, str]]:
    """The night's (code, kind, amount, description) lines as the guest accepted them."""
    quote = next((q for q in stored_quotes(reservation) if q.night == night), None)
    return [] if quote is None else night_lines(quote, tax_names)


def night_lines(quote: NightQuote, tax_names: dict[str, str]) -> list[tuple[str, str, int, str]]:
    """A night's (code, kind, amount, description) lines: the room, and each tax added to it
    (a tax inside the price is no line of its own). The audit and imported history post these."""
    night = quote.night
    lines = (
        [("ROOM", "charge", quote.room, f"Room, night of {night:%d %b %Y}")] if quote.room else []
    )
    lines += [
        (f"{TAX_PREFIX}{tax.code}", "tax", tax.amount,
         f"{tax_names.get(tax.code, tax.code)}, night of {night:%d %b %Y}")
        for tax in quote.taxes
        if not tax.included and tax.amount
    ]  # fmt: skip
    return lines


def _folios_for(
    session: Session, reservations: Sequence[Reservation], codes: set[str]
) -> dict[tuple[int, str], Folio]:
    """The folio each (stay, code) posts to: its routing, else its guest folio."""
    ids = [r.id for r in reservations]
    rules = session.execute(
        select(RoutingRule.reservation_id, RoutingRule.code, RoutingRule.folio_id).where(
            RoutingRule.reservation_id.in_(ids)
        )
    ).all()
    guests = {
        f.reservation_id: f
        for f in session.scalars(
            select(Folio).where(Folio.reservation_id.in_(ids), Folio.name == GUEST_FOLIO)
        )
    }
    routed_ids = {folio_id for _, _, folio_id in rules}
    routed = {f.id: f for f in session.scalars(select(Folio).where(Folio.id.in_(routed_ids)))}
    by_stay: dict[int, dict[str, int]] = {}
    for stay_id, code, folio_id in rules:
        by_stay.setdefault(stay_id, {})[code] = folio_id
    chosen: dict[tuple[int, str], Folio] = {}
    for reservation in reservations:
        rule = by_stay.get(reservation.id, {})
        for code in codes:
            folio_id = rule.get(code) or (
                rule.get(ALL_TAXES) if code.startswith(TAX_PREFIX) else None
            )
            if folio_id is not None:
                chosen[(reservation.id, code)] = routed[folio_id]
            else:
                if reservation.id not in guests:
                    guests[reservation.id] = guest_folio(session, reservation)
                chosen[(reservation.id, code)] = guests[reservation.id]
    return chosen


def post_nights_in_bulk(
    session: Session, reservations: Sequence[Reservation], night: dt.date
) -> tuple[int, int]:
    """The night audit's room and tax for many stays at once: the same lines and unique keys
    as `post_room_night`, each folio locked once, the postings inserted in one statement and
    each written to the audit log. Lines already posted (a rerun) are left out; a second
    process racing on a key makes the whole batch run again (and then leave them out).

    Returns:
        the number of lines posted and their sum.
    """
    if not reservations:
        return 0, 0
    prop_id = reservations[0].property_id
    tax_names = dict(
        session.execute(select(Tax.code, Tax.name).where(Tax.property_id == prop_id)).all()
    )
    planned = {
        (r.id, code): (r, kind, amount, text)
        for r in reservations
        for code, kind, amount, text in _night_lines(r, night, tax_names)
    }
    keys = {f"night:{stay}:{night.isoformat()}:{code}": (stay, code) for stay, code in planned}
    done = set(session.scalars(select(Posting.unique_key).where(Posting.unique_key.in_(keys))))
    wanted = {key: line for key, line in keys.items() if key not in done}
    if not wanted:
        return 0, 0
    folios = _folios_for(session, [planned[line][0] for line in wanted.values()],
                         {code for _, code in wanted.values()})  # fmt: skip
    _lock_all(session, list({f.id: f for f in folios.values()}.values()))
    business_date = property_of(session, next(iter(folios.values()))).business_date
    username = actor_of(session).username
    rows = []
    for key, (stay, code) in wanted.items():
        _, kind, amount, text = planned[(stay, code)]
        rows.append({"folio_id": folios[(stay, code)].id, "business_date": business_date,
                     "kind": kind, "code": code, "description": text[:200], "amount": amount,
                     "username": username, "reason": "", "unique_key": key})  # fmt: skip
    try:
        made = session.execute(
            insert(Posting).returning(Posting.id, Posting.unique_key), rows
        ).all()
    except IntegrityError as exc:
        raise RetryableConflict("room night posted at once by two processes") from exc
    ids = dict((key, posting_id) for posting_id, key in made)
    record_many(session, "post", "folio", [
        (row["folio_id"], {"posting_id": ids[row["unique_key"]], "kind": row["kind"],
                           "code": row["code"], "amount": row["amount"],
                           "business_date": business_date.isoformat(), "reverses_id": None,
                           "transfer_group": None, "reason": ""})
        for row in rows
    ])  # fmt: skip
    return len(rows), sum(row["amount"] for row in rows)


def _lock_all(session: Session, folios: list[Folio]) -> None:
    """`lock_folio` for many folios in one UPDATE; when one is closed (or gone), each is locked
    on its own, so the clerk's message names the folio."""
    table = Folio.__table__
    bumped = dict(
        session.execute(
            update(table)
            .where(table.c.id.in_([f.id for f in folios]), table.c.status == "open")
            .values(version=table.c.version + 1)
            .returning(table.c.id, table.c.version)
        ).all()
    )
    for folio in folios:
        if folio.id in bumped:
            set_committed_value(folio, "version", bumped[folio.id])
        else:
            lock_folio(session, folio)
