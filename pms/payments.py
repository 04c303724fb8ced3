"""Payments: card holds, captures, refunds and voids through a gateway, and cash and terminal
payments — each a row in `payments`, and each sum of money that actually moves a folio posting.

Exactly once, never lost. A card payment's row is written `pending` (with a fresh idempotency
key) and committed *before* the processor is called; the call happens outside any transaction;
a second transaction settles the row and, for money taken, writes its folio posting, whose
unique key makes a second posting of the same money impossible. The Stripe intent is created
unconfirmed and its id stored (committed) before the card is asked, so after a crash anywhere
`reconcile` can ask the processor what happened and settle the row, once. A retried action
reuses the row and its keys, so it is the same call to the processor, not a second charge.

The public money services take a `Desk`, not a session: each runs several short units of work
(`desk.run`) around the processor call, which must never sit inside a database transaction.
The `_`-prefixed step functions (and `settle`, and the card-attempt steps in pms.card_attempts)
are the units of work; the views take a session as usual.

This module holds cash, the terminal, card holds, captures and voids. The pending card row's
steps live in pms.card_attempts, refunds in pms.refunds, `settle` and `reconcile` in
pms.reconcile, the views in pms.payment_views and the shared row helpers in pms.payment_rows;
the public names are re-exported here.
"""

from __future__ import annotations

import contextlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.folios import Payment
from pms.audit import record
from pms.card_attempts import CardAttempt, attach_intent, attempt_of, open_card_attempt
from pms.desk import Desk, actor_of
from pms.errors import InvalidInput, InvalidTransition, PmsError
from pms.folios import guest_folio
from pms.gateways import (
    CASH,
    TERMINAL,
    CardDeclined,
    GatewayError,
    GatewayRejected,
    GatewayUnreachable,
    IntentStatus,
    PaymentGateway,
    local_gateway,
)
from pms.money import format_money
from pms.payment_rows import (
    AUTHORISED,
    CAPTURED,
    FAILED,
    PENDING,
    REFUNDED,
    VOIDED,
    check_reference,
    currency_of,
    insert_payment,
    key_of,
    lock_payment,
    new_key,
    positive,
    post_payment,
    require_card_gateway,
    require_open,
    snapshot,
)
from pms.payment_views import (
    PaymentView,
    ReconcileResult,
    payment_view,
    payments_of,
    pending_payments,
    view_of,
)
from pms.reconcile import RECONCILE_AFTER, reconcile, reconcile_payment, settle
from pms.refunds import REFUND_UNCONFIRMED, refund
from pms.reservation_views import load_reservation

__all__ = [
    "AUTHORISED",
    "CAPTURED",
    "CAPTURE_UNCONFIRMED",
    "FAILED",
    "NOTHING_CHARGED",
    "PENDING",
    "RECONCILE_AFTER",
    "REFUNDED",
    "REFUND_UNCONFIRMED",
    "TEST_CARD",
    "VOIDED",
    "VOID_UNCONFIRMED",
    "PaymentView",
    "ReconcileResult",
    "authorise_card",
    "capture",
    "increase_authorisation",
    "payment_view",
    "payments_of",
    "pending_payments",
    "reconcile",
    "refund",
    "take_cash",
    "take_terminal",
    "void",
]

#: The test card Stripe (and localstripe) accept for a hold.
TEST_CARD = "pm_card_visa"

NOTHING_CHARGED = "could not reach the card processor — nothing was charged; try again"
CAPTURE_UNCONFIRMED = (
    "could not reach the card processor — the capture is not confirmed; try again "
    "(it will not be taken twice)"
)
VOID_UNCONFIRMED = "could not reach the card processor — the hold is not released yet; try again"


# --- cash and the external terminal ---------------------------------------------------------


def _take_local(
    session: Session,
    confirmation: str,
    amount: int,
    gateway: PaymentGateway,
    reference: str,
    key: str | None,
) -> PaymentView:
    positive(amount)
    if key:
        earlier = session.scalar(select(Payment).where(Payment.idempotency_key == key))
        if earlier is not None:  # the same form sent twice: the first one stands
            return view_of(session, earlier)
    reservation = load_reservation(session, confirmation)
    folio = guest_folio(session, reservation)
    payment = Payment(
        folio_id=folio.id,
        gateway=gateway.name,
        state=CAPTURED,
        currency=currency_of(session, folio),
        amount=amount,
        captured=amount,
        refunded=0,
        reference=reference,
        idempotency_key=key or new_key(gateway.name),
        error="",
        username=actor_of(session).username,
    )
    insert_payment(session, payment)
    post_payment(session, payment, folio, amount)
    record(session, "create", "payment", payment.id, after=snapshot(payment))
    return view_of(session, payment)


def take_cash(
    desk: Desk, confirmation: str, amount: int, *, idempotency_key: str | None = None
) -> PaymentView:
    """Take cash for a stay: recorded and posted (PAY-CASH −amount) to the guest folio at once.

    Takes a `Desk`: it is one unit of work, since no outside call can fail half-way. A form
    submitted twice with the same `idempotency_key` records the payment once.
    """
    return desk.run(_take_local, confirmation, amount, CASH, "", idempotency_key)


def take_terminal(
    desk: Desk,
    confirmation: str,
    amount: int,
    reference: str,
    *,
    idempotency_key: str | None = None,
) -> PaymentView:
    """Record a payment the guest made on the stand-alone card terminal: the amount and the
    terminal's receipt reference as the clerk types them (never a card number), posted as
    PAY-TERMINAL −amount. Takes a `Desk`; one unit of work, like `take_cash`."""
    reference = check_reference(reference)
    return desk.run(_take_local, confirmation, amount, TERMINAL, reference, idempotency_key)


# --- card authorisation ---------------------------------------------------------------------


def _quiet_lookup(gateway: PaymentGateway, intent_id: str | None) -> IntentStatus | None:
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
        status = _quiet_lookup(gateway, intent_id)
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


# --- capture ---------------------------------------------------------------------------------


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
        now = _quiet_lookup(gateway, attempt.intent_id)
        if now is not None and now.state == CAPTURED:
            return desk.run(settle, payment_id, now)
        if now is not None:  # still a hold (back to authorised) or released (voided)
            desk.run(settle, payment_id, now)
        raise GatewayRejected(f"the card processor refused the capture: {exc}") from exc
    return desk.run(settle, payment_id, status)


# --- void ------------------------------------------------------------------------------------


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
        now = _quiet_lookup(gateway, payment.intent_id)
        if now is None:
            raise
        status = now
    view = desk.run(settle, payment_id, status, (AUTHORISED, PENDING))
    if view.state != VOIDED:
        raise InvalidTransition(f"payment {payment_id} could not be voided: it is {view.state}")
    return view
