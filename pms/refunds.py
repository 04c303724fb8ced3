"""Refunds: money taken, given back — cash and terminal refunds handed over at the desk, card
ones through the processor — each posted once as REFUND +amount.

Refunds are bounded by us, not by the processor: under the payment's row lock the amount is
checked against captured − refunded and reserved (`refunded` grows, and the database's CHECK
refunded <= captured backs the check) before the processor is called. A refund reserved but not
yet posted is "in flight"; its ticket (key, amount, reason) is the `refund_start` audit row.

`refund` takes a `Desk` like the other money services (see pms.payments); the step functions
are its units of work. `reconcile` finishes a refund left in flight with `open_ticket`,
`reached`, `settle_refund` and `release_refund`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.folios import Folio, Payment, Posting
from db.models import AuditLog, Role
from pms.audit import record
from pms.desk import Desk, require_role
from pms.errors import InvalidInput, InvalidTransition
from pms.folios import post
from pms.gateways import GatewayError, GatewayRejected, GatewayUnreachable, PaymentGateway
from pms.money import format_money
from pms.payment_rows import (
    AUTHORISED,
    CAPTURED,
    REFUNDED,
    check_reference,
    folio_of,
    lock_payment,
    new_key,
    positive,
    posted_refunds,
    require_open,
    snapshot,
)
from pms.payment_views import PaymentView, view_of

REFUND_UNCONFIRMED = (
    "could not reach the card processor — the refund is not confirmed; try again "
    "(it will not be refunded twice)"
)


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


def _let_go(session: Session, ticket: RefundTicket, error: str) -> None:
    """Mark the refund as sent but unconfirmed, so the clerk's next try may pick it up."""
    payment = lock_payment(session, ticket.payment_id)
    payment.error = error[:200]
    session.flush()
    record(session, "refund_unconfirmed", "payment", payment.id, after={"key": ticket.key})


def _begin_refund(
    session: Session,
    payment_id: int,
    amount: int,
    reason: str,
    reference: str,
    gateway_name: str,
) -> RefundTicket | PaymentView:
    """Check and reserve the refund under the row lock. Cash and terminal refunds are done
    here and then (the money is handed over at the desk); card ones return their ticket."""
    require_role(session, Role.SUPERVISOR, "refunding a payment")
    positive(amount)
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput("reason", "a refund needs a reason")
    payment = lock_payment(session, payment_id)
    if payment.gateway == "stripe" and gateway_name != "stripe":
        raise InvalidInput("gateway", "a card payment is refunded through the card processor")
    money = payment.currency
    in_flight = payment.refunded - posted_refunds(session, payment.id)
    if in_flight > 0:
        ticket = open_ticket(session, payment.id)
        if ticket is not None and ticket.claimed:
            raise InvalidTransition(
                f"a refund of {format_money(in_flight, money)} on payment {payment.id} is on its "
                "way to the card processor — look again in a moment (`pms payments reconcile` "
                "settles one left behind)"
            )
        if ticket is not None and ticket.amount == amount:
            # This very refund, tried again after an unconfirmed answer: claim it and finish.
            payment.updated_at = dt.datetime.now(dt.UTC)  # keeps reconcile off it meanwhile
            session.flush()
            record(session, "refund_retry", "payment", payment.id, after={"key": ticket.key})
            return ticket
        raise InvalidTransition(
            f"a refund of {format_money(in_flight, money)} on payment {payment.id} is not "
            "confirmed yet — retry that refund or run `pms payments reconcile`"
        )
    if payment.state not in (CAPTURED, REFUNDED):
        raise InvalidTransition(
            f"payment {payment.id} is {payment.state}; only money taken can be refunded"
            + (" — void the hold instead" if payment.state == AUTHORISED else "")
        )
    left = payment.captured - payment.refunded
    if amount > left:
        raise InvalidInput(
            "amount",
            f"cannot refund {format_money(amount, money)}: only {format_money(left, money)} of "
            f"payment {payment.id} is left to refund",
        )
    folio = require_open(session, payment, "the refund")
    before = snapshot(payment)
    payment.refunded += amount
    try:
        session.flush()
    except IntegrityError as exc:  # the CHECK refunded <= captured: the last line of defence
        raise InvalidInput("amount", "that would refund more than was taken") from exc
    key = new_key("refund")
    if payment.gateway != "stripe":
        terminal_ref = check_reference(reference) if payment.gateway == "terminal" else ""
        _post_refund(session, payment, folio, key, amount, reason, terminal_ref)
        record(session, "refund", "payment", payment.id, before=before, after=snapshot(payment))
        return view_of(session, payment)
    record(
        session,
        "refund_start",
        "payment",
        payment.id,
        before=before,
        after=snapshot(payment) | {"key": key, "amount": amount, "reason": reason},
    )
    return RefundTicket(payment.id, payment.intent_id, key, amount, reason, False, True)


def _post_refund(
    session: Session,
    payment: Payment,
    folio: Folio,
    key: str,
    amount: int,
    reason: str,
    reference: str = "",
) -> None:
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
        _post_refund(
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


def refund(
    desk: Desk,
    payment_id: int,
    amount: int,
    reason: str,
    gateway: PaymentGateway | None = None,
    *,
    reference: str = "",
) -> PaymentView:
    """Give back `amount` of a payment (supervisor), posting REFUND +amount, never more than
    was captured minus what was refunded already.

    Takes a `Desk`. The amount is checked and reserved under the payment's row lock before
    the processor is called (the database's CHECK refunded <= captured backs it), so two desks
    can never refund the same money twice, whatever the processor allows. Card payments need
    the card `gateway`; cash and terminal refunds are handed over at the desk (a terminal
    refund takes the terminal's `reference`). A refund the processor could not be asked about
    stays reserved: calling again with the same amount finishes it.
    """
    ticket = desk.run(
        _begin_refund, payment_id, amount, reason, reference, gateway.name if gateway else ""
    )
    if isinstance(ticket, PaymentView):
        return ticket
    assert gateway is not None and ticket.intent_id is not None
    try:
        if not (ticket.resumed and reached(gateway, ticket)):
            gateway.refund(ticket.intent_id, ticket.amount, key=ticket.key, payment_id=payment_id)
    except GatewayUnreachable as exc:
        desk.run(_let_go, ticket, str(exc))
        raise GatewayUnreachable(REFUND_UNCONFIRMED) from exc
    except GatewayError as exc:
        desk.run(release_refund, ticket, str(exc))
        raise GatewayRejected(f"the card processor refused the refund: {exc}") from exc
    return desk.run(settle_refund, ticket)
