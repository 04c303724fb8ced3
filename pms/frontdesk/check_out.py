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
    (the nights not stayed go back on sale; the nights stayed keep their price)."""
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
