"""Capturing a card hold: taking the amount due (at most what is authorised; the processor
releases the rest) and posting PAY-CARD −amount to the folio, once.

The capture is marked on its way (`pending`, with the amount asked) and committed before the
processor is called, so a capture retried after a lost answer asks the processor where it stands
and finishes the same capture, never a second one."""

from __future__ import annotations

from sqlalchemy.orm import Session

from pms.kernel.audit import record
from pms.kernel.desk import Desk
from pms.kernel.errors import InvalidInput, InvalidTransition
from pms.kernel.money import format_money
from pms.payments.card_attempts import CardAttempt, attempt_of
from pms.payments.card_holds import authorise_card, increase_authorisation, quiet_lookup
from pms.payments.gateways.interface import (
    GatewayError,
    GatewayRejected,
    GatewayUnreachable,
    PaymentGateway,
)
from pms.payments.gateways.local import local_gateway
from pms.payments.reconcile import settle
from pms.payments.rows import (
    AUTHORISED,
    CAPTURED,
    PENDING,
    lock_payment,
    positive,
    require_card_gateway,
    require_open,
    snapshot,
)
from pms.payments.views import PaymentView, payment_view, payments_of

CAPTURE_UNCONFIRMED = (
    "could not reach the card processor — the capture is not confirmed; try again "
    "(it will not be taken twice)"
)


def _begin_capture(session: Session, payment_id: int, amount: int) -> CardAttempt:
    """Mark the capture as on its way (`pending`, `captured` = the amount asked), committed
    before the processor is called; a retry of the same capture finds it so."""
    positive(amount)
    payment = lock_payment(session, payment_id)
    if payment.gateway != "stripe":
        raise InvalidTransition(
            f"payment {payment.id} was taken by {local_gateway(payment.gateway).label}; "
            "there is nothing to capture"
        )
    if payment.state == CAPTURED and payment.captured == amount:
        return attempt_of(payment)  # done already (a retry after a lost answer)
    if payment.state == PENDING and payment.captured == amount:
        return attempt_of(payment, resumed=True)  # an earlier try of this capture: carry on
    if payment.state == PENDING and payment.captured > 0:
        raise InvalidTransition(
            f"a capture of {format_money(payment.captured, payment.currency)} on payment "
            f"{payment.id} is not confirmed yet — retry that amount or run "
            "`pms payments reconcile`"
        )
    if payment.state == PENDING:
        raise InvalidTransition(
            f"payment {payment.id} is still waiting for the card processor's answer — try "
            "again in a moment (`pms payments reconcile` settles one left behind)"
        )
    if payment.state != AUTHORISED:
        raise InvalidTransition(
            f"payment {payment.id} is {payment.state}; only an authorised card can be captured"
        )
    if amount > payment.amount:
        raise InvalidInput(
            "amount",
            f"cannot capture {format_money(amount, payment.currency)}: only "
            f"{format_money(payment.amount, payment.currency)} is authorised — increase the "
            "authorisation first",
        )
    require_open(session, payment, "the capture")
    before = snapshot(payment)
    payment.state, payment.captured, payment.error = PENDING, amount, ""
    session.flush()
    record(session, "capture_start", "payment", payment.id, before=before, after=snapshot(payment))
    return attempt_of(payment)


def capture(desk: Desk, payment_id: int, amount: int, gateway: PaymentGateway) -> PaymentView:
    """Take `amount` (at most what is authorised; the rest of the hold is released) and post
    PAY-CARD −amount to the folio, once.

    Takes a `Desk` (pending mark, processor call, settle). If the processor cannot be reached
    the payment stays pending with the amount asked; calling again with the same amount asks
    the processor where it stands and finishes the same capture, never a second one.
    """
    require_card_gateway(gateway)
    attempt = desk.run(_begin_capture, payment_id, amount)
    if attempt.state == CAPTURED:
        return desk.read(payment_view, payment_id)
    assert attempt.intent_id is not None
    key = f"{attempt.key}:capture:{amount}"
    try:
        status = gateway.lookup(attempt.intent_id) if attempt.resumed else None
        if status is None or status.state == AUTHORISED:
            status = gateway.capture(attempt.intent_id, amount, key=key)
    except GatewayUnreachable as exc:
        raise GatewayUnreachable(CAPTURE_UNCONFIRMED) from exc
    except GatewayError as exc:
        now = quiet_lookup(gateway, attempt.intent_id)
        if now is not None and now.state == CAPTURED:
            return desk.run(settle, payment_id, now)
        if now is not None:  # still a hold (back to authorised) or released (voided)
            desk.run(settle, payment_id, now)
        raise GatewayRejected(f"the card processor refused the capture: {exc}") from exc
    return desk.run(settle, payment_id, status)


def pay_by_card(
    desk: Desk,
    confirmation: str,
    amount: int,
    gateway: PaymentGateway,
    card: str | None = None,
    *,
    idempotency_key: str | None = None,
) -> PaymentView:
    """Take `amount` from the stay's card, as at check-out: capture it from the card hold,
    raised first when the hold is smaller; with no hold yet, hold the card (`card`, or the one
    on file) and capture at once. The one way every face takes a card payment."""
    payments = desk.read(payments_of, confirmation)
    holds = [p for p in payments if p.gateway == gateway.name and p.state == "authorised"]
    if holds:
        hold = holds[-1]
        if amount > hold.amount:
            hold = increase_authorisation(desk, hold.id, amount, gateway, card)
    elif card:
        hold = authorise_card(desk, confirmation, amount, gateway, card,
                              idempotency_key=idempotency_key)  # fmt: skip
    else:
        hold = authorise_card(desk, confirmation, amount, gateway, idempotency_key=idempotency_key)
    return capture(desk, hold.id, amount, gateway)
