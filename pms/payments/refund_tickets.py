"""Card refunds in flight: a refund reserved on a payment and on its way to the processor, and
the steps that finish it — posting it once the processor made it, or giving the reservation back
when the processor refused it. Its ticket (key, amount, reason) is the `refund_start` audit row,
so a desk trying again, or `reconcile` after a crash, finds the very refund that was sent."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.folios import Folio, Payment, Posting
from db.models import AuditLog
from pms.billing.folios import post
from pms.kernel.audit import record
from pms.kernel.errors import InvalidTransition
from pms.kernel.money import format_money
from pms.payments.gateways.interface import PaymentGateway
from pms.payments.rows import REFUNDED, folio_of, lock_payment, posted_refunds, snapshot
from pms.payments.views import PaymentView, view_of

#: Audit actions that follow a card refund in flight: reserved and claimed by a desk
#: (`refund_start`, `refund_retry`), or let go after the processor could not be asked
#: (`refund_unconfirmed`), so the next try may claim it.
_TICKET_ACTIONS = ("refund_start", "refund_retry", "refund_unconfirmed")


@dataclass(frozen=True)
class RefundTicket:
    """A card refund reserved on a payment, on its way to the processor. `claimed` is True
    while a desk is calling the processor about it; only an unclaimed one may be retried, so
    two desks never send the same refund at once."""

    payment_id: int
    intent_id: str | None
    key: str
    amount: int
    reason: str
    resumed: bool
    claimed: bool


def open_ticket(session: Session, payment_id: int) -> RefundTicket | None:
    """The refund in flight on the payment, if any. A new refund is refused while one is in
    flight, so it is the newest one reserved; its ticket is its `refund_start` audit row."""
    payment = session.get(Payment, payment_id)
    if payment is None or payment.refunded <= posted_refunds(session, payment_id):
        return None
    rows = session.scalars(
        select(AuditLog)
        .where(
            AuditLog.entity == "payment",
            AuditLog.entity_id == payment_id,
            AuditLog.action.in_(_TICKET_ACTIONS),
        )
        .order_by(AuditLog.id.desc())
        .limit(50)
    ).all()
    start = next((row for row in rows if row.action == "refund_start"), None)
    ticket = (start.after or {}) if start is not None else {}
    key = str(ticket.get("key", ""))
    if not key or session.scalar(select(Posting.id).where(Posting.unique_key == key)):
        return None
    return RefundTicket(
        payment_id,
        payment.intent_id,
        key,
        int(ticket["amount"]),
        str(ticket["reason"]),
        resumed=True,
        claimed=rows[0].action != "refund_unconfirmed",
    )


def let_go(session: Session, ticket: RefundTicket, error: str) -> None:
    """Mark the refund as sent but unconfirmed, so the clerk's next try may pick it up."""
    payment = lock_payment(session, ticket.payment_id)
    payment.error = error[:200]
    session.flush()
    record(session, "refund_unconfirmed", "payment", payment.id, after={"key": ticket.key})


def post_refund(
    session: Session,
    payment: Payment,
    folio: Folio,
    key: str,
    amount: int,
    reason: str,
    reference: str = "",
) -> None:
    """Post the refund (REFUND +amount) under its key, once; the payment is refunded in full
    when every penny captured is posted back."""
    ref = f", ref {reference}" if reference else ""
    post(
        session,
        folio,
        code="REFUND",
        amount=amount,
        description=f"Refund of payment {payment.id}{ref}",
        unique_key=key,
        payment_id=payment.id,
        reason=reason,
    )
    if payment.refunded == payment.captured and posted_refunds(session, payment.id) == (
        payment.refunded
    ):
        payment.state = REFUNDED
    session.flush()


def settle_refund(session: Session, ticket: RefundTicket) -> PaymentView:
    """Post the refund the processor made, once (its key is the posting's unique key)."""
    payment = lock_payment(session, ticket.payment_id)
    if session.scalar(select(Posting.id).where(Posting.unique_key == ticket.key)) is None:
        before = snapshot(payment)
        posted = posted_refunds(session, payment.id)
        if payment.refunded < posted + ticket.amount:
            # Released meanwhile (reconcile found nothing at the processor, then this desk's
            # long-stalled call landed): the money went back, so it counts again.
            payment.refunded = posted + ticket.amount
            try:
                session.flush()
            except IntegrityError as exc:
                raise InvalidTransition(
                    f"the card processor refunded {format_money(ticket.amount, payment.currency)} "
                    f"on payment {payment.id} beyond what is left — check it with the processor"
                ) from exc
        post_refund(
            session, payment, folio_of(session, payment), ticket.key, ticket.amount, ticket.reason
        )
        record(
            session,
            "refund",
            "payment",
            payment.id,
            before=before,
            after=snapshot(payment) | {"key": ticket.key, "amount": ticket.amount},
        )
    return view_of(session, payment)


def release_refund(session: Session, ticket: RefundTicket, error: str) -> PaymentView:
    """Give back a reservation the processor refused (unless it was posted after all)."""
    payment = lock_payment(session, ticket.payment_id)
    if session.scalar(select(Posting.id).where(Posting.unique_key == ticket.key)) is None:
        before = snapshot(payment)
        payment.refunded -= ticket.amount
        payment.error = error[:200]
        session.flush()
        record(
            session,
            "refund_fail",
            "payment",
            payment.id,
            before=before,
            after=snapshot(payment) | {"key": ticket.key, "amount": ticket.amount},
        )
    return view_of(session, payment)


def reached(gateway: PaymentGateway, ticket: RefundTicket) -> bool:
    """True when the processor holds this very refund (found by the key in its metadata)."""
    assert ticket.intent_id is not None
    return any(
        made.key == ticket.key and made.status not in ("failed", "canceled")
        for made in gateway.refunds_of(ticket.intent_id)
    )
