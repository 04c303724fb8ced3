"""Reading payments: the plain views the desk, the CLI and `reconcile`'s report show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.folios import Folio, Payment
from db.models import Reservation
from pms.kernel.errors import NotFound
from pms.kernel.money import format_money
from pms.payments.rows import CAPTURED, PENDING, REFUNDED, posted_refunds, unsettled_refunds
from pms.stays.reservation_views import load_reservation


@dataclass(frozen=True)
class PaymentView:
    """A payment as the desk shows it (minor units).

    `refunded` includes refunds reserved but not yet confirmed (`refund_in_flight` of it);
    a `pending` row with `captured` > 0 is a capture on its way to the processor.
    """

    id: int
    folio_id: int
    confirmation: str | None
    gateway: str
    state: str
    currency: str
    amount: int
    captured: int
    refunded: int
    refund_in_flight: int
    intent_id: str | None
    reference: str
    error: str
    username: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def refundable(self) -> int:
        """What can still be refunded."""
        return self.captured - self.refunded if self.state in (CAPTURED, REFUNDED) else 0

    @property
    def amount_text(self) -> str:
        """The authorised or taken amount as money, for people."""
        return format_money(self.amount, self.currency)


@dataclass(frozen=True)
class ReconcileResult:
    """What `reconcile` did to one unsettled payment (`was` → `now`, with a note)."""

    payment_id: int
    was: str
    now: str
    note: str


def view_of(session: Session, payment: Payment) -> PaymentView:
    """The view of a payment row already loaded."""
    confirmation = session.scalar(
        select(Reservation.confirmation)
        .join(Folio, Folio.reservation_id == Reservation.id)
        .where(Folio.id == payment.folio_id)
    )
    return PaymentView(
        id=payment.id,
        folio_id=payment.folio_id,
        confirmation=confirmation,
        gateway=payment.gateway,
        state=payment.state,
        currency=payment.currency,
        amount=payment.amount,
        captured=payment.captured,
        refunded=payment.refunded,
        refund_in_flight=payment.refunded - posted_refunds(session, payment.id),
        intent_id=payment.intent_id,
        reference=payment.reference,
        error=payment.error,
        username=payment.username,
        created_at=payment.created_at,
        updated_at=payment.updated_at,
    )


def payment_view(session: Session, payment_id: int) -> PaymentView:
    """One payment."""
    payment = session.get(Payment, payment_id)
    if payment is None:
        raise NotFound(f"there is no payment {payment_id}")
    return view_of(session, payment)


def payments_of(session: Session, confirmation: str) -> list[PaymentView]:
    """Every payment attempt on any folio of the stay, oldest first (failed ones included)."""
    reservation = load_reservation(session, confirmation)
    payments = session.scalars(
        select(Payment)
        .join(Folio, Folio.id == Payment.folio_id)
        .where(Folio.reservation_id == reservation.id)
        .order_by(Payment.id)
    )
    return [view_of(session, p) for p in payments]


def pending_payments(session: Session) -> list[PaymentView]:
    """Payments not settled yet: `pending` rows and captured ones with a refund in flight.
    Old ones are what `reconcile` settles."""
    payments = session.scalars(
        select(Payment).where((Payment.state == PENDING) | unsettled_refunds()).order_by(Payment.id)
    )
    return [view_of(session, p) for p in payments]
