"""Stays already lived, in bulk: a year of another system's history comes in at once.

A stay in house or past is not sold, priced or checked in at our desk: it is a fact to put on
record, and there may be tens of thousands. So these rows are checked in memory against what the
file and the database hold (room types and plans that exist, parties that fit, rooms of the
stay's type that no other stay holds on its nights: the rooms' nights on file are read once),
then written with one statement per table for all of them, their audit rows in one call. The
same invariants hold as for a stay booked here: every night is counted sold in the inventory,
every room-night goes in under UNIQUE(room_id, night), every stay has its audit row. Nights from
the business date on of a stay in house are sold with the guarded update of any booking. The
past days the stays touch then get their statistics, as the audit would have stored them, and
a past stay its guest folio with its nights on their dates, settled and invoiced in the previous
system (`pms.billing.imported_history`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import (
    Inventory,
    Property,
    RatePlan,
    Reservation,
    ReservationNight,
    ReservationStatus,
    ReservationTax,
    Room,
    RoomNight,
    RoomType,
)
from pms.billing.folios import guest_folio
from pms.billing.imported_history import BilledElsewhere, post_billed_elsewhere
from pms.hotel.properties import resolve_room_type
from pms.imports.problems import RowProblem, problem_of
from pms.imports.rows import ReservationRow
from pms.inventory.nights import open_nights, stay_nights
from pms.kernel.audit import record_many
from pms.kernel.errors import (
    InvalidInput,
    NotFound,
    PmsError,
    RetryableConflict,
    RoomUnavailable,
)
from pms.kernel.money import to_minor
from pms.night_audit.statistics import store_statistics
from pms.rates.plans import resolve_plan
from pms.rates.pricing import NightQuote, Party
from pms.rates.ratesheet import RateSheet
from pms.reservations.booking import new_confirmation
from pms.reservations.selling import price_lines, priced, sell_nights
from pms.stays.reservation_views import stay_snapshot
from pms.stays.stay_rules import check_party


@dataclass(frozen=True)
class LivedStay:
    """A row of the file that is in house or past, with the guest it is for."""

    line: int
    row: ReservationRow
    guest_id: int
    status: ReservationStatus


@dataclass
class House:
    """What the checks need, read once: room types, plans, rooms and their taken nights."""

    types: dict[str, RoomType]
    plans: dict[str, RatePlan]
    rooms: dict[str, Room]
    taken: set[tuple[int, dt.date]]
    sheet: RateSheet


def load_house(session: Session, prop: Property, rows: list[ReservationRow]) -> House:
    """The property's room types, plans, rooms and the rooms' nights taken from the first
    arrival of the rows to their last departure, and its rate sheet over those nights."""
    first = min(row.arrival for row in rows)
    last = max(row.departure for row in rows)
    types = session.scalars(
        select(RoomType).where(RoomType.property_id == prop.id, RoomType.retired_on.is_(None))
    )
    plans = session.scalars(select(RatePlan).where(RatePlan.property_id == prop.id))
    rooms = session.scalars(select(Room).where(Room.property_id == prop.id))
    taken = session.execute(
        select(RoomNight.room_id, RoomNight.night)
        .join(Room, Room.id == RoomNight.room_id)
        .where(Room.property_id == prop.id, RoomNight.night >= first, RoomNight.night < last)
    )
    return House(
        types={t.code: t for t in types},
        plans={p.code: p for p in plans},
        rooms={r.number: r for r in rooms},
        taken={(room_id, night) for room_id, night in taken},
        sheet=RateSheet.load(session, prop, first, last),
    )


def room_for(house: House, number: str, room_type: RoomType, nights: list[dt.date]) -> Room:
    """The file's room (of the stay's type, in service and free on its nights), else the first
    free room of its type; the room's nights are then taken."""
    if number:
        room = house.rooms.get(number)
        if room is None:
            raise InvalidInput("room", f"there is no room {number!r}")
        if room.room_type_id != room_type.id:
            raise InvalidInput("room", f"room {number} is not a {room_type.code} room")
        if room.retired_on is not None and nights[-1] >= room.retired_on:
            raise InvalidInput("room", f"room {number} is retired from {room.retired_on}")
        if busy := next((n for n in nights if (room.id, n) in house.taken), None):
            raise InvalidInput("room", f"room {number} is taken on {busy:%a %Y-%m-%d}")
    else:
        free = [
            r for r in house.rooms.values()
            if r.room_type_id == room_type.id and r.retired_on is None
            and not any((r.id, n) in house.taken for n in nights)
        ]  # fmt: skip
        if not free:
            raise RoomUnavailable(f"no {room_type.code} room is free for the stay")
        room = min(free, key=lambda r: (r.floor, r.number))
    house.taken.update((room.id, n) for n in nights)
    return room


def _quotes(prop: Property, house: House, stay: LivedStay, room_type: RoomType,
            plan: RatePlan, nights: list[dt.date]) -> list[NightQuote]:  # fmt: skip
    """The nights as the guest accepted them: the file's total spread evenly (the cents left
    over on the first nights), else the rate sheet's prices."""
    row = stay.row
    if row.total is None:
        return priced(house.sheet, plan, room_type, nights, Party(row.adults, row.children))
    total = to_minor(row.total, prop.currency, field="total")
    share, left = divmod(total, len(nights))
    return [NightQuote(n, share + (1 if i < left else 0)) for i, n in enumerate(nights)]


#: A stay checked and ready to write: its reservation row, its nights priced, its room (if any).
Checked = tuple[dict[str, Any], list[NightQuote], int | None]


def _checked(
    session: Session, prop: Property, house: House, stay: LivedStay, allow_overbook: bool
) -> Checked:
    """The stay's reservation row, its nights priced and its room, each checked."""
    row = stay.row
    # A code not on file is looked up again by the resolvers, which refuse it in their words.
    room_type = house.types.get(row.room_type) or resolve_room_type(session, prop, row.room_type)
    check_party(room_type, row.adults, row.children)
    try:
        plan = house.plans.get(row.rate_plan) or resolve_plan(session, prop, row.rate_plan)
    except NotFound as error:
        raise InvalidInput("rate_plan", str(error)) from None
    nights = stay_nights(row.arrival, row.departure)
    quotes = _quotes(prop, house, stay, room_type, plan, nights)
    in_house = stay.status == ReservationStatus.CHECKED_IN
    room = room_for(house, row.room, room_type, nights) if row.room or in_house else None
    coming = [n for n in nights if n >= prop.business_date]
    overbooked = bool(coming) and sell_nights(session, room_type, coming, allow_overbook)
    check_in = dt.datetime.combine(row.arrival, dt.time(prop.check_in_hour), dt.UTC)
    check_out = dt.datetime.combine(row.departure, dt.time(prop.check_out_hour), dt.UTC)
    reservation = {
        "property_id": prop.id, "confirmation": new_confirmation(), "guest_id": stay.guest_id,
        "room_type_id": room_type.id, "rate_plan_id": plan.id, "arrival": row.arrival,
        "departure": row.departure, "adults": row.adults, "children": row.children,
        "status": stay.status, "source": row.source, "overbooked": overbooked,
        "external_ref": row.external_ref, "company": row.company or None,
        "checked_in_at": check_in,
        "checked_out_at": None if in_house else check_out, "version": 1,
    }  # fmt: skip
    return reservation, quotes, room.id if room else None


def import_lived_stays(
    session: Session,
    prop: Property,
    house: House,
    stays: list[LivedStay],
    allow_overbook: bool,
    problems: list[RowProblem],
) -> int:
    """Check every stay, then (when none is refused) write them all; returns how many."""
    if not stays:
        return 0
    checked = []
    for stay in stays:
        try:
            checked.append(_checked(session, prop, house, stay, allow_overbook))
        except PmsError as error:
            problems.append(problem_of(stay.line, error, "room_type"))
    if problems:
        return 0
    ids = _insert(session, checked)
    _count_sold(session, prop, stays, house)
    past = []
    for reservation_id, (reservation, quotes, _) in zip(ids, checked, strict=True):
        if reservation["status"] == ReservationStatus.CHECKED_IN:
            guest_folio(session, session.get_one(Reservation, reservation_id))
        else:
            past.append(BilledElsewhere(reservation_id, reservation["external_ref"], quotes))
    post_billed_elsewhere(session, prop, past)
    _store_past_days(session, prop, stays)
    return len(ids)


def _store_past_days(session: Session, prop: Property, stays: list[LivedStay]) -> None:
    """The statistics of every day before the business date the stays touch (arrival to
    departure) that has none yet, from the stays' nights, so history and last year's figures
    of the reports start with the file. A day the audit closed keeps the figures it stored;
    two imports storing one day at once meet on the key (property, date, room type)."""
    yesterday = prop.business_date - dt.timedelta(days=1)
    days: set[dt.date] = set()
    for stay in stays:
        last = min(stay.row.departure, yesterday)
        span = (last - stay.row.arrival).days + 1
        days.update(stay.row.arrival + dt.timedelta(days=k) for k in range(span))
    try:
        for day in sorted(days):
            store_statistics(session, prop, day, tonight=False)
    except IntegrityError as exc:
        raise RetryableConflict("the statistics of an imported day were stored meanwhile") from exc


def _insert(session: Session, checked: list[Checked]) -> list[int]:
    """The reservations, their nights and tax lines, their room-nights and audit rows."""
    try:
        statement = insert(Reservation).returning(Reservation.id, sort_by_parameter_order=True)
        ids = list(session.scalars(statement, [r for r, _, _ in checked]))
    except IntegrityError as exc:  # two new confirmation numbers met: run the import again
        raise RetryableConflict("an imported stay drew a confirmation number in use") from exc
    nights, taxes, room_nights, audit = [], [], [], []
    for reservation_id, (reservation, quotes, room_id) in zip(ids, checked, strict=True):
        own = {"reservation_id": reservation_id}
        stay_rows, tax_rows = price_lines(quotes)
        nights += [night | own for night in stay_rows]
        taxes += [tax | own for tax in tax_rows]
        if room_id is not None:
            room_nights += [{"room_id": room_id, "night": n["night"]} | own for n in stay_rows]
        total = sum(q.total for q in quotes)
        audit.append((reservation_id, stay_snapshot(
            status=reservation["status"], arrival=reservation["arrival"],
            departure=reservation["departure"], room_type_id=reservation["room_type_id"],
            adults=reservation["adults"], children=reservation["children"], total=total,
        )))  # fmt: skip
    for model, rows in ((ReservationNight, nights), (ReservationTax, taxes),
                        (RoomNight, room_nights)):  # fmt: skip
        if rows:
            session.execute(insert(model), rows)
    record_many(session, "import", "reservation", audit)
    return ids


def _count_sold(session: Session, prop: Property, stays: list[LivedStay], house: House) -> None:
    """Count the nights before the business date sold, per room type and night, beyond the
    limit if need be: what was sold then is a fact (the nights to come were sold with the
    guarded update already)."""
    sold: Counter[tuple[int, dt.date]] = Counter()
    for stay in stays:
        type_id = house.types[stay.row.room_type].id
        nights = stay_nights(stay.row.arrival, min(stay.row.departure, prop.business_date))
        sold.update((type_id, night) for night in nights)
    by_type: dict[int, set[dt.date]] = {}
    for type_id, night in sold:
        by_type.setdefault(type_id, set()).add(night)
    types = {t.id: t for t in house.types.values()}
    for type_id, nights in by_type.items():
        open_nights(session, types[type_id], sorted(nights))
    if not sold:
        return
    table = Inventory.__table__
    count_up = (
        update(table)
        .where(table.c.room_type_id == bindparam("type_id"), table.c.night == bindparam("day"))
        .values(sold=table.c.sold + bindparam("count"))
    )
    session.connection().execute(
        count_up, [{"type_id": t, "day": n, "count": c} for (t, n), c in sold.items()]
    )
