"""Card holds: authorising an amount on the guest's card (the check-in guarantee), holding more
by a new authorisation that replaces the old one, and releasing a hold (void).

Each drives a pending `payments` row (`pms.payments.card_attempts`) through short units of work
around the processor calls, which never sit inside a database transaction: a retry reuses the
row and its keys, so it is the same call to the processor, never a second hold. Nothing is
posted to a folio until the hold is captured (`pms.payments.capture`)."""

from __future__ import annotations

import contextlib

from sqlalchemy.orm import Session

from pms.kernel.desk import Desk
from pms.kernel.errors import InvalidInput, InvalidTransition, PmsError
from pms.kernel.money import format_money
from pms.payments.card_attempts import CardAttempt, attach_intent, open_card_attempt
from pms.payments.gateways.interface import (
    CardDeclined,
    GatewayError,
    GatewayRejected,
    GatewayUnreachable,
    IntentStatus,
    PaymentGateway,
)
from pms.payments.gateways.local import local_gateway
from pms.payments.reconcile import reconcile_payment, settle
from pms.payments.rows import (
    AUTHORISED,
    CAPTURED,
    FAILED,
    PENDING,
    VOIDED,
    key_of,
    lock_payment,
    positive,
    require_card_gateway,
)
from pms.payments.views import PaymentView, payment_view

#: The test card Stripe (and localstripe) accept for a hold.
TEST_CARD = "pm_card_visa"

NOTHING_CHARGED = "could not reach the card processor — nothing was charged; try again"


VOID_UNCONFIRMED = "could not reach the card processor — the hold is not released yet; try again"


def quiet_lookup(gateway: PaymentGateway, intent_id: str | None) -> IntentStatus | None:
    """The intent's status, or None when the processor cannot say right now."""
    if not intent_id:
        return None
    try:
        return gateway.lookup(intent_id)
    except GatewayError:
        return None


def _quiet_cancel(gateway: PaymentGateway, intent_id: str, key: str) -> None:
    """Cancel an intent nobody will confirm; if the processor cannot be asked, an unconfirmed
    intent holds no money anyway."""
    with contextlib.suppress(GatewayError):
        gateway.cancel(intent_id, key=key)


def _drive_authorisation(
    desk: Desk, gateway: PaymentGateway, attempt: CardAttempt, payment_method: str
) -> PaymentView:
    """Create (or find) the intent, store its id, confirm it, settle the row."""
    if attempt.state != PENDING:  # the same key again: the same answer
        return _outcome(desk.read(payment_view, attempt.payment_id))
    intent_id = attempt.intent_id
    try:
        status = None
        if intent_id is None:
            created = gateway.open_intent(
                payment_id=attempt.payment_id,
                amount=attempt.amount,
                currency=attempt.currency,
                payment_method=payment_method,
                key=f"{attempt.key}:create",
            )
            intent_id = desk.run(attach_intent, attempt.payment_id, created)
            if intent_id != created:  # ours is unconfirmed and holds nothing; tidy it away
                _quiet_cancel(gateway, created, f"{attempt.key}:create:cancel")
            if intent_id is None:  # settled meanwhile (voided by a clerk or by reconcile)
                return _outcome(desk.read(payment_view, attempt.payment_id))
        else:
            status = gateway.lookup(intent_id)
        if status is None or status.state == "unconfirmed":
            status = gateway.authorise(intent_id, key=f"{attempt.key}:confirm")
    except CardDeclined as exc:
        failed = IntentStatus(intent_id or "", FAILED, attempt.amount, error=str(exc))
        desk.run(settle, attempt.payment_id, failed)
        if intent_id:  # so no later attempt on it can ever hold money for this failed row
            _quiet_cancel(gateway, intent_id, f"{attempt.key}:cancel")
        raise
    except GatewayUnreachable as exc:
        raise GatewayUnreachable(NOTHING_CHARGED) from exc
    except GatewayRejected as exc:
        # E.g. another desk confirmed the same intent a moment earlier: go by what it is now.
        status = quiet_lookup(gateway, intent_id)
        if status is None or status.state in ("unconfirmed", "processing"):
            if intent_id is None:  # refused before any intent existed: this attempt is over
                refused = IntentStatus("", FAILED, attempt.amount, error=str(exc))
                desk.run(settle, attempt.payment_id, refused)
            raise
    view = desk.run(settle, attempt.payment_id, status)
    if view.state == FAILED and intent_id:  # e.g. waiting for 3-D Secure: never let it finish
        _quiet_cancel(gateway, intent_id, f"{attempt.key}:cancel")
    return _outcome(view)


def _outcome(view: PaymentView) -> PaymentView:
    """An authorisation's row as the clerk's answer: a hold (or money taken) is returned, any
    other end is raised as the sentence that explains it."""
    if view.state == FAILED:
        declined = view.error.startswith("the card was declined")
        raise CardDeclined(view.error if declined else f"the card was declined: {view.error}")
    if view.state == PENDING:
        raise GatewayUnreachable(
            "the card processor has not decided yet — nothing was charged so far; "
            "try again in a moment"
        )
    if view.state == VOIDED:
        raise GatewayRejected(f"payment {view.id} was cancelled before the card was held")
    return view


def authorise_card(
    desk: Desk,
    confirmation: str,
    amount: int,
    gateway: PaymentGateway,
    payment_method: str = TEST_CARD,
    *,
    idempotency_key: str | None = None,
) -> PaymentView:
    """Hold `amount` on the guest's card (check-in guarantee); nothing is posted until capture.

    Takes a `Desk` and runs three short units of work around the processor calls: the pending
    row, the intent id, the settled row. `payment_method` is the processor's id for the card
    (the card number never reaches this system). A decline raises `CardDeclined` and leaves a
    failed row; an unreachable processor raises `GatewayUnreachable`, and trying again (same
    amount, or the same `idempotency_key`) carries on with the same row and keys.
    """
    require_card_gateway(gateway)
    attempt = desk.run(open_card_attempt, confirmation, None, amount, idempotency_key, "")
    return _drive_authorisation(desk, gateway, attempt, payment_method)


def _note_error(session: Session, payment_id: int, error: str) -> None:
    payment = lock_payment(session, payment_id)
    payment.error = error[:200]


def increase_authorisation(
    desk: Desk,
    payment_id: int,
    new_total: int,
    gateway: PaymentGateway,
    payment_method: str | None = None,
    *,
    idempotency_key: str | None = None,
) -> PaymentView:
    """Hold more on the card: a new authorisation for `new_total` on the same folio, then the
    old hold is released, so check-out captures from one authorisation. The old one stays
    authorised if the new one is declined. Takes a `Desk` (see `authorise_card`).

    `payment_method` defaults to the card of the old authorisation.
    """
    require_card_gateway(gateway)
    old = desk.read(payment_view, payment_id)
    if old.gateway != "stripe" or old.state != AUTHORISED:
        raise InvalidTransition(
            f"payment {payment_id} is a {old.state} {old.gateway} payment, not a card authorisation"
        )
    if positive(new_total, "new total") <= old.amount:
        raise InvalidInput(
            "new total",
            f"the new hold must be more than the {format_money(old.amount, old.currency)} held now",
        )
    if payment_method is None:
        assert old.intent_id is not None
        try:
            payment_method = gateway.lookup(old.intent_id).payment_method
        except GatewayUnreachable as exc:
            raise GatewayUnreachable(NOTHING_CHARGED) from exc
        if not payment_method:
            raise InvalidInput("payment method", "the old hold has no card to use again")
    attempt = desk.run(
        open_card_attempt,
        None,
        old.folio_id,
        new_total,
        idempotency_key,
        f"replaces payment {payment_id}",
    )
    view = _drive_authorisation(desk, gateway, attempt, payment_method)
    try:
        void(desk, payment_id, gateway)
    except PmsError as exc:  # the new hold stands; the old one waits for a manual void
        desk.run(_note_error, payment_id, f"hold not released after increase: {exc}")
    return view


def void(desk: Desk, payment_id: int, gateway: PaymentGateway) -> PaymentView:
    """Release a card hold (an unsettled attempt is first settled by asking the processor).
    Money already taken is refunded, not voided. Takes a `Desk`."""
    require_card_gateway(gateway)
    payment = desk.read(payment_view, payment_id)
    if payment.gateway != "stripe":
        raise InvalidTransition(
            f"payment {payment_id} was taken by {local_gateway(payment.gateway).label} "
            "— refund it instead"
        )
    if payment.state == PENDING:
        reconcile_payment(desk, gateway, payment_id)
        payment = desk.read(payment_view, payment_id)
    if payment.state in (VOIDED, FAILED):
        return payment
    if payment.state != AUTHORISED:
        raise InvalidTransition(
            f"payment {payment_id} is {payment.state}; only a hold can be voided"
            + (" — refund it instead" if payment.state == CAPTURED else "")
        )
    assert payment.intent_id is not None
    key = desk.read(key_of, payment_id)
    try:
        status = gateway.cancel(payment.intent_id, key=f"{key}:cancel")
    except GatewayUnreachable as exc:
        raise GatewayUnreachable(VOID_UNCONFIRMED) from exc
    except GatewayError:
        now = quiet_lookup(gateway, payment.intent_id)
        if now is None:
            raise
        status = now
    view = desk.run(settle, payment_id, status, (AUTHORISED, PENDING))
    if view.state != VOIDED:
        raise InvalidTransition(f"payment {payment_id} could not be voided: it is {view.state}")
    return view
