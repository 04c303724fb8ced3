"""No-shows: every arrival of the business date still not checked in when the day closes.

The rate plan's guarantee decides the fee: a plan that holds no guarantee charges nothing; a
guaranteed one (card or deposit) charges per its penalty (first night, a percentage, the full
stay; a non-refundable plan the full stay). The fee is posted once on the guest folio (UNIQUE
key `noshow-fee:<stay>`) and, when a card is held on the stay, charged to it through the payment
service (the audit's `card_charges` step); else it stays on the folio for the morning desk. The
stay's inventory and room are released. A supervisor can reinstate a no-show on the next
business date: the stay keeps the nights still ahead, takes inventory for them again (refused
when the type is sold out), and the fee is reversed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import String, cast, literal, select
from sqlalchemy.orm import Session

from db.folios import Folio, Payment, Posting
from db.models import Property, Reservation, ReservationStatus
from pms.billing.folios import post_no_show_fee, reverse_posting
from pms.inventory.nights import release, stay_nights, take
from pms.kernel.audit import record
from pms.kernel.errors import InvalidInput, InvalidTransition
from pms.kernel.permissions import require
from pms.night_audit.prechecks import arrivals_left
from pms.rates.pricing import BASIS, round_half_up, stay_total
from pms.stays.reservation_views import (
    ReservationView,
    load_reservation,
    reservation_view,
    snapshot,
    stored_quotes,
)
from pms.stays.rooms import drop_room_nights, touch


@dataclass(frozen=True)
class NoShowCounts:
    """What the no-show step did: stays marked, fees posted and their total."""

    no_shows: int
    fees: int
    fee_total: int


def no_show_fee(reservation: Reservation) -> int:
    """The fee the stay's guarantee policy charges when the guest does not come."""
    plan = reservation.rate_plan
    if plan.guarantee == "none":
        return 0
    nights = stored_quotes(reservation)
    total = stay_total(nights)
    if plan.non_refundable or plan.cancel_penalty == "full_stay":
        return total
    if plan.cancel_penalty == "percent":
        return round_half_up(Decimal(total) * plan.cancel_penalty_bp / BASIS)
    return nights[0].total if nights else 0


def mark_no_shows(session: Session, prop: Property, day: dt.date) -> NoShowCounts:
    """Mark every arrival of `day` not checked in a no-show, with its fee, and free its room."""
    fees = fee_total = 0
    arrivals = arrivals_left(session, prop, day)
    for reservation in arrivals:
        before = snapshot(reservation)
        touch(session, reservation)
        fee = no_show_fee(reservation)
        if post_no_show_fee(session, reservation, fee) is not None:
            fees, fee_total = fees + 1, fee_total + fee
        reservation.status = ReservationStatus.NO_SHOW
        release(session, reservation.room_type_id, [n.night for n in reservation.nights])
        drop_room_nights(session, reservation)
        session.flush()
        after = snapshot(reservation) | {"fee": fee, "business_date": day.isoformat()}
        record(session, "no_show", "reservation", reservation.id, before=before, after=after)
    return NoShowCounts(len(arrivals), fees, fee_total)


def fees_to_charge(session: Session, prop: Property, day: dt.date) -> list[tuple[int, int]]:
    """The no-show fees of `day` a card held on the stay can pay: (payment id, amount), the
    amount at most what the card holds."""
    rows = session.execute(
        select(Payment.id, Payment.amount, Posting.amount)
        .join(Folio, Folio.id == Payment.folio_id)
        .join(Reservation, Reservation.id == Folio.reservation_id)
        .join(Posting, Posting.unique_key == literal("noshow-fee:") + cast(Reservation.id, String))
        .where(
            Reservation.property_id == prop.id,
            Reservation.arrival == day,
            Reservation.status == ReservationStatus.NO_SHOW,
            Payment.state == "authorised",
        )
        .order_by(Payment.id)
    ).all()
    return [(payment_id, min(held, fee)) for payment_id, held, fee in rows]


def reinstate_no_show(session: Session, confirmation: str, reason: str) -> ReservationView:
    """Bring a no-show of the day just closed back as a confirmed arrival of today (the guest
    came after all): the nights still ahead are sold again and the no-show fee is reversed."""
    require(session, "no_show.reinstate")
    if not reason.strip():
        raise InvalidInput("reason", "reinstating a no-show needs a reason")
    reservation = load_reservation(session, confirmation)
    if reservation.status != ReservationStatus.NO_SHOW:
        raise InvalidTransition(f"reservation {reservation.confirmation} is not a no-show")
    today = reservation.room_type.property.business_date
    if reservation.arrival != today - dt.timedelta(days=1):
        raise InvalidTransition(
            f"{reservation.confirmation} was due on {reservation.arrival:%a %Y-%m-%d}: only a "
            "no-show of the day just closed can be reinstated — book the guest again"
        )
    if reservation.departure <= today:
        raise InvalidTransition(f"{reservation.confirmation} has no night left to reinstate")
    before = snapshot(reservation)
    touch(session, reservation)
    ahead = stay_nights(today, reservation.departure)
    take(session, reservation.room_type, ahead)
    reservation.nights = [n for n in reservation.nights if n.night >= today]
    reservation.taxes = [t for t in reservation.taxes if t.night >= today]
    reservation.arrival = today
    reservation.status = ReservationStatus.CONFIRMED
    session.flush()
    fee = session.scalar(
        select(Posting).where(Posting.unique_key == f"noshow-fee:{reservation.id}")
    )
    if fee is not None:
        reverse_posting(session, fee.id, reason.strip())
    after = snapshot(reservation) | {"reason": reason.strip()}
    record(session, "reinstate_no_show", "reservation", reservation.id, before=before, after=after)
    return reservation_view(session, reservation)
