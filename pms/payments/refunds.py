"""Refunds: money taken, given back — cash and terminal refunds handed over at the desk, card
ones through the processor — each posted once as REFUND +amount.

Refunds are bounded by us, not by the processor: under the payment's row lock the amount is
checked against captured − refunded and reserved (`refunded` grows, and the database's CHECK
refunded <= captured backs the check) before the processor is called. A refund reserved but not
yet posted is "in flight"; its ticket (key, amount, reason) is the `refund_start` audit row.

`refund` takes a `Desk` like the other money services (see pms.payments.take); the step functions
are its units of work. A refund in flight is finished by the steps of pms.payments.refund_tickets,
which `reconcile` uses too for one left behind.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.folios import Payment
from pms.kernel.audit import record
from pms.kernel.desk import Desk
from pms.kernel.errors import InvalidInput, InvalidTransition
from pms.kernel.money import format_money
from pms.kernel.permissions import require
from pms.payments.gateways.interface import (
    GatewayError,
    GatewayRejected,
    GatewayUnreachable,
    PaymentGateway,
)
from pms.payments.refund_tickets import (
    RefundTicket,
    let_go,
    open_ticket,
    post_refund,
    reached,
    release_refund,
    settle_refund,
)
from pms.payments.rows import (
    AUTHORISED,
    CAPTURED,
    REFUNDED,
    check_reference,
    lock_payment,
    new_key,
    positive,
    posted_refunds,
    require_open,
    snapshot,
)
from pms.payments.views import PaymentView, view_of

REFUND_UNCONFIRMED = (
    "could not reach the card processor — the refund is not confirmed; try again "
    "(it will not be refunded twice)"
)


def _resume_in_flight(
    session: Session, payment: Payment, amount: int, in_flight: int
) -> RefundTicket:
    """The refund in flight on the payment, claimed again when this is that very refund tried
    again after an unconfirmed answer; any other refund waits until it is settled."""
    money = payment.currency
    ticket = open_ticket(session, payment.id)
    if ticket is not None and ticket.claimed:
        raise InvalidTransition(
            f"a refund of {format_money(in_flight, money)} on payment {payment.id} is on its "
            "way to the card processor — look again in a moment (`pms payments reconcile` "
            "settles one left behind)"
        )
    if ticket is not None and ticket.amount == amount:
        payment.updated_at = dt.datetime.now(dt.UTC)  # keeps reconcile off it meanwhile
        session.flush()
        record(session, "refund_retry", "payment", payment.id, after={"key": ticket.key})
        return ticket
    raise InvalidTransition(
        f"a refund of {format_money(in_flight, money)} on payment {payment.id} is not "
        "confirmed yet — retry that refund or run `pms payments reconcile`"
    )


def _check_refundable(payment: Payment, amount: int) -> None:
    """Refuse a refund of money not taken, or of more than is left to give back."""
    if payment.state not in (CAPTURED, REFUNDED):
        raise InvalidTransition(
            f"payment {payment.id} is {payment.state}; only money taken can be refunded"
            + (" — void the hold instead" if payment.state == AUTHORISED else "")
        )
    left = payment.captured - payment.refunded
    if amount > left:
        money = payment.currency
        raise InvalidInput(
            "amount",
            f"cannot refund {format_money(amount, money)}: only {format_money(left, money)} of "
            f"payment {payment.id} is left to refund",
        )


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
    require(session, "payment.refund")
    positive(amount)
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput("reason", "a refund needs a reason")
    payment = lock_payment(session, payment_id)
    if payment.gateway == "stripe" and gateway_name != "stripe":
        raise InvalidInput("gateway", "a card payment is refunded through the card processor")
    in_flight = payment.refunded - posted_refunds(session, payment.id)
    if in_flight > 0:
        return _resume_in_flight(session, payment, amount, in_flight)
    _check_refundable(payment, amount)
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
        post_refund(session, payment, folio, key, amount, reason, terminal_ref)
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
        desk.run(let_go, ticket, str(exc))
        raise GatewayUnreachable(REFUND_UNCONFIRMED) from exc
    except GatewayError as exc:
        desk.run(release_refund, ticket, str(exc))
        raise GatewayRejected(f"the card processor refused the refund: {exc}") from exc
    return desk.run(settle_refund, ticket)
