"""Re-pricing a stay on purpose: the one way a booked stay's prices follow a new rate sheet.

Prices a guest accepted are never recomputed behind their back (DESIGN.md, "Pricing"); when a
clerk agrees a new price with the guest — a rate change in their favour, a corrected plan —
this service prices every night again from today's sheet, records before and after in the
audit log, and says what changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from pms.inventory.nights import stay_nights
from pms.kernel.audit import record
from pms.kernel.errors import InvalidTransition
from pms.rates.pricing import Party, stay_total
from pms.rates.ratesheet import RateSheet
from pms.reservations.selling import priced, store_prices
from pms.stays.reservation_views import (
    CHANGEABLE,
    ReservationView,
    check_version,
    load_reservation,
    reservation_view,
    snapshot,
    stored_quotes,
)
from pms.stays.rooms import touch


@dataclass(frozen=True)
class Repriced:
    """The stay after re-pricing, and its total before, so the clerk can tell the guest."""

    reservation: ReservationView
    old_total: int

    @property
    def difference(self) -> int:
        """New total minus old total (negative when the guest pays less)."""
        return self.reservation.total - self.old_total


def reprice(session: Session, confirmation: str, expected_version: int | None = None) -> Repriced:
    """Price every night of a stay that has not arrived again from today's rate sheet."""
    reservation = load_reservation(session, confirmation)
    check_version(reservation, expected_version)
    if reservation.status not in CHANGEABLE:
        raise InvalidTransition(
            f"reservation {reservation.confirmation} is {reservation.status}; "
            "only stays that have not arrived are re-priced"
        )
    old_total = stay_total(stored_quotes(reservation))
    prop = reservation.room_type.property
    sheet = RateSheet.load(session, prop, reservation.arrival, reservation.departure)
    quotes = priced(
        sheet,
        reservation.rate_plan,
        reservation.room_type,
        stay_nights(reservation.arrival, reservation.departure),
        Party(reservation.adults, reservation.children),
    )
    before = snapshot(reservation)
    touch(session, reservation)
    store_prices(reservation, quotes)
    session.flush()
    record(
        session, "reprice", "reservation", reservation.id,
        before=before, after=snapshot(reservation),
    )  # fmt: skip
    return Repriced(reservation_view(session, reservation), old_total)
