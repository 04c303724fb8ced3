"""Checking a guest out: a stay leaves only with every folio at zero, and each folio it used is
closed into an invoice with the property's next gap-free number; a folio never used is closed
without one, so nothing more is posted to a stay that has left. One transaction with its audit
row; a stay leaving early is first shortened to the business date, and its room is left dirty."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from db.folios import Folio, Posting
from db.models import Reservation, ReservationStatus
from pms.billing.folios import close_folio, close_unused_folio
from pms.billing.invoice_views import InvoiceView
from pms.billing.room_charges import post_nights_stayed
from pms.frontdesk.stay_changes import cut_stay, last_room
from pms.housekeeping.room_status import mark_dirty
from pms.kernel.audit import record
from pms.kernel.errors import InvalidTransition
from pms.loyalty.earning import earn_points
from pms.stays.reservation_views import (
    ReservationView,
    check_version,
    load_reservation,
    reservation_view,
    snapshot,
)
from pms.stays.rooms import touch


@dataclass(frozen=True)
class CheckOutView:
    """A stay that has left: its closed folios as invoices, and the room to clean."""

    reservation: ReservationView
    room: str
    checked_out_at: dt.datetime
    early_departure: bool
    invoices: list[InvoiceView]


def _folios_to_bill(session: Session, reservation: Reservation) -> Sequence[int]:
    """The stay's open folios that have postings, oldest first. A folio nothing was ever posted
    to has nothing to invoice: it is left as it is."""
    return session.scalars(
        select(Folio.id)
        .where(
            Folio.reservation_id == reservation.id,
            Folio.status == "open",
            exists().where(Posting.folio_id == Folio.id),
        )
        .order_by(Folio.id)
    ).all()


@dataclass(frozen=True)
class ChargesDue:
    """What a stay leaving now owed for its room that no audit had charged, now posted."""

    amount: int
    currency: str
    postings: int


def post_charges_due(session: Session, confirmation: str) -> ChargesDue:
    """Post, before the guest settles, the room and tax of every night stayed that no audit has
    charged yet, and the day use of a guest who leaves on the day they came: the check-out
    starts with it, so the folio the guest pays is the one the invoice will show. Each line
    has the night's unique key, so posting it again (a check-out tried twice, the audit later)
    adds nothing."""
    reservation = load_reservation(session, confirmation)
    currency = reservation.room_type.property.currency
    if reservation.status != ReservationStatus.CHECKED_IN:
        return ChargesDue(0, currency, 0)
    posted = post_nights_stayed(session, reservation)
    return ChargesDue(sum(p.amount for p in posted), currency, len(posted))


def check_out(
    session: Session,
    confirmation: str,
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> CheckOutView:
    """Check an in-house guest out: every folio of the stay must be settled (balance zero);
    each is closed into an invoice with the property's next number, and the room is left
    dirty. Leaving before the departure date first shortens the stay to the business date
    (the nights not stayed go back on sale; the nights stayed keep their price). Nights stayed
    that no audit has charged yet, and a day use, are posted first: no invoice misses room
    revenue (and the folio must then be settled for them too)."""
    reservation = load_reservation(session, confirmation)
    check_version(reservation, expected_version)
    if reservation.status != ReservationStatus.CHECKED_IN:
        raise InvalidTransition(
            f"reservation {reservation.confirmation} is {reservation.status}; "
            "only in-house guests can check out"
        )
    prop = reservation.room_type.property
    today = prop.business_date
    before = snapshot(reservation)
    touch(session, reservation)
    leaving = max(today, reservation.arrival + dt.timedelta(days=1))
    early = reservation.departure > leaving
    if early:
        cut_stay(session, reservation, leaving)
    post_nights_stayed(session, reservation)  # nights the audit has not charged, or day use
    invoices = [
        close_folio(session, folio_id) for folio_id in _folios_to_bill(session, reservation)
    ]
    for folio in session.scalars(
        select(Folio).where(Folio.reservation_id == reservation.id, Folio.status == "open")
    ):
        close_unused_folio(session, folio)
    room = last_room(session, reservation)
    moment = now or dt.datetime.now(dt.UTC)
    reservation.status = ReservationStatus.CHECKED_OUT
    reservation.checked_out_at = moment
    session.flush()
    earn_points(session, reservation)  # from the ROOM postings now on the closed folios
    if room is not None:
        mark_dirty(session, room, f"{reservation.confirmation} checked out")
    record(
        session, "check_out", "reservation", reservation.id,
        before=before,
        after=snapshot(reservation) | {"invoices": [i.number for i in invoices],
                                       "early_departure": early},
    )  # fmt: skip
    return CheckOutView(
        reservation=reservation_view(session, reservation),
        room=room.number if room else "",
        checked_out_at=moment,
        early_departure=early,
        invoices=invoices,
    )
