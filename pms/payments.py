"""Payments: card holds, captures, refunds and voids through a gateway, and cash and terminal
payments — each a row in `payments`, and each sum of money that actually moves a folio posting.

Exactly once, never lost. A card payment's row is written `pending` (with a fresh idempotency
key) and committed *before* the processor is called; the call happens outside any transaction;
a second transaction settles the row and, for money taken, writes its folio posting, whose
unique key makes a second posting of the same money impossible. The Stripe intent is created
unconfirmed and its id stored (committed) before the card is asked, so after a crash anywhere
`reconcile` can ask the processor what happened and settle the row, once. A retried action
reuses the row and its keys, so it is the same call to the processor, not a second charge.

Refunds are bounded by us, not by the processor: under the payment's row lock the amount is
checked against captured − refunded and reserved (`refunded` grows, and the database's CHECK
refunded <= captured backs the check) before the processor is called. A refund reserved but not
yet posted is "in flight"; its ticket (key, amount, reason) is the `refund_start` audit row.

The public money services take a `Desk`, not a session: each runs several short units of work
(`desk.run`) around the processor call, which must never sit inside a database transaction.
The `_`-prefixed step functions are the units of work; the views take a session as usual.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.folios import Folio, Payment, Posting
from db.models import AuditLog, Property, Reservation, Role
from pms.audit import record
from pms.desk import Desk, actor_of, require_role
from pms.errors import InvalidInput, InvalidTransition, NotFound, PmsError, RetryableConflict
from pms.folios import guest_folio, post
from pms.gateways import (
    CASH,
    TERMINAL,
    CardDeclined,
    GatewayError,
    GatewayRejected,
    GatewayUnreachable,
    IntentStatus,
    PaymentGateway,
    UnknownIntent,
    local_gateway,
)
from pms.money import format_money
from pms.reservation_views import load_reservation

PENDING = "pending"
AUTHORISED = "authorised"
CAPTURED = "captured"
FAILED = "failed"
VOIDED = "voided"
REFUNDED = "refunded"

#: The test card Stripe (and localstripe) accept for a hold.
TEST_CARD = "pm_card_visa"

#: How long a payment must have sat unsettled before `reconcile` touches it: a younger one may
#: still be in a desk's hands, between its processor call and its settling transaction.
RECONCILE_AFTER = dt.timedelta(minutes=10)

#: Posting codes per gateway.
_PAY_CODE = {"stripe": "PAY-CARD", "cash": "PAY-CASH", "terminal": "PAY-TERMINAL"}

NOTHING_CHARGED = "could not reach the card processor — nothing was charged; try again"
CAPTURE_UNCONFIRMED = (
    "could not reach the card processor — the capture is not confirmed; try again "
    "(it will not be taken twice)"
)
REFUND_UNCONFIRMED = (
    "could not reach the card processor — the refund is not confirmed; try again "
    "(it will not be refunded twice)"
)
VOID_UNCONFIRMED = "could not reach the card processor — the hold is not released yet; try again"

# 13 to 19 digits, maybe grouped by spaces or dashes: what a card number looks like when typed.
_CARD_LIKE = re.compile(r"(?:\d[ -]?){12,18}\d")


# --- views ---------------------------------------------------------------------------------


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


def _posted_refunds(session: Session, payment_id: int) -> int:
    total = session.scalar(
        select(func.coalesce(func.sum(Posting.amount), 0)).where(
            Posting.payment_id == payment_id, Posting.kind == "refund"
        )
    )
    return int(total or 0)


def _view(session: Session, payment: Payment) -> PaymentView:
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
        refund_in_flight=payment.refunded - _posted_refunds(session, payment.id),
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
    return _view(session, payment)


def payments_of(session: Session, confirmation: str) -> list[PaymentView]:
    """Every payment attempt on any folio of the stay, oldest first (failed ones included)."""
    reservation = load_reservation(session, confirmation)
    payments = session.scalars(
        select(Payment)
        .join(Folio, Folio.id == Payment.folio_id)
        .where(Folio.reservation_id == reservation.id)
        .order_by(Payment.id)
    )
    return [_view(session, p) for p in payments]


def _unsettled_refunds() -> ColumnElement[bool]:
    """True for a payment with a refund reserved but not yet posted (in flight)."""
    posted = (
        select(func.coalesce(func.sum(Posting.amount), 0))
        .where(Posting.payment_id == Payment.id, Posting.kind == "refund")
        .scalar_subquery()
    )
    return Payment.refunded > posted


def pending_payments(session: Session) -> list[PaymentView]:
    """Payments not settled yet: `pending` rows and captured ones with a refund in flight.
    Old ones are what `reconcile` settles."""
    payments = session.scalars(
        select(Payment)
        .where((Payment.state == PENDING) | _unsettled_refunds())
        .order_by(Payment.id)
    )
    return [_view(session, p) for p in payments]


# --- small helpers -------------------------------------------------------------------------


def _positive(amount: int, field: str = "amount") -> int:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise InvalidInput(field, f"{field} must be a positive whole number of minor units")
    return amount


def _currency(session: Session, folio: Folio) -> str:
    prop = session.get(Property, folio.property_id)
    assert prop is not None
    return prop.currency


def _money(amount: int, currency: str) -> str:
    return format_money(amount, currency)


def _locked(session: Session, payment_id: int) -> Payment:
    """The payment row, locked for this transaction (PostgreSQL row lock; SQLite's BEGIN
    IMMEDIATE already serialises writers), with fresh values."""
    payment = session.scalar(
        select(Payment)
        .where(Payment.id == payment_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if payment is None:
        raise NotFound(f"there is no payment {payment_id}")
    return payment


def _folio_of(session: Session, payment: Payment) -> Folio:
    folio = session.get(Folio, payment.folio_id)
    assert folio is not None
    return folio


def _require_open(session: Session, payment: Payment, doing: str) -> Folio:
    """Refuse before any money moves when the posting it needs could not be made."""
    folio = _folio_of(session, payment)
    if folio.status != "open":
        raise InvalidTransition(
            f"the folio of payment {payment.id} is closed — {doing} would have nowhere to post"
        )
    return folio


def _snapshot(payment: Payment) -> dict[str, Any]:
    return {
        "gateway": payment.gateway,
        "state": payment.state,
        "currency": payment.currency,
        "amount": payment.amount,
        "captured": payment.captured,
        "refunded": payment.refunded,
        "intent_id": payment.intent_id,
        "reference": payment.reference,
        "error": payment.error,
    }


def _new_key(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


def _check_reference(reference: str) -> str:
    reference = " ".join(reference.split())
    if not reference:
        raise InvalidInput("reference", "type the terminal's receipt reference")
    if len(reference) > 80:
        raise InvalidInput("reference", "a reference is at most 80 characters")
    for match in _CARD_LIKE.finditer(reference):
        if _luhn_ok(re.sub(r"\D", "", match.group())):
            raise InvalidInput(
                "reference",
                "that looks like a card number — type the terminal's receipt reference; "
                "card numbers are never stored",
            )
    return reference


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _insert(session: Session, payment: Payment) -> None:
    session.add(payment)
    try:
        session.flush()
    except IntegrityError as exc:
        # The same idempotency key from two desks at once: run again, and the lookup by key
        # finds the other desk's row.
        if "idempotency_key" in str(exc.orig):
            raise RetryableConflict("payment raced with an identical one") from exc
        raise


def _post_payment(session: Session, payment: Payment, folio: Folio, amount: int) -> None:
    """The folio line for money taken: one per payment, ever (unique key)."""
    what = {"stripe": "card", "cash": "cash", "terminal": "card terminal"}[payment.gateway]
    ref = f", ref {payment.reference}" if payment.gateway == "terminal" else ""
    post(
        session,
        folio,
        code=_PAY_CODE[payment.gateway],
        amount=-amount,
        description=f"Payment {payment.id}, {what}{ref}",
        unique_key=f"payment:{payment.id}",
        payment_id=payment.id,
    )


# --- cash and the external terminal ---------------------------------------------------------


def _take_local(
    session: Session,
    confirmation: str,
    amount: int,
    gateway: PaymentGateway,
    reference: str,
    key: str | None,
) -> PaymentView:
    _positive(amount)
    if key:
        earlier = session.scalar(select(Payment).where(Payment.idempotency_key == key))
        if earlier is not None:  # the same form sent twice: the first one stands
            return _view(session, earlier)
    reservation = load_reservation(session, confirmation)
    folio = guest_folio(session, reservation)
    payment = Payment(
        folio_id=folio.id,
        gateway=gateway.name,
        state=CAPTURED,
        currency=_currency(session, folio),
        amount=amount,
        captured=amount,
        refunded=0,
        reference=reference,
        idempotency_key=key or _new_key(gateway.name),
        error="",
        username=actor_of(session).username,
    )
    _insert(session, payment)
    _post_payment(session, payment, folio, amount)
    record(session, "create", "payment", payment.id, after=_snapshot(payment))
    return _view(session, payment)


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
    reference = _check_reference(reference)
    return desk.run(_take_local, confirmation, amount, TERMINAL, reference, idempotency_key)


# --- card authorisation ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Attempt:
    """A pending card row as the services drive it, outside any transaction."""

    payment_id: int
    key: str
    intent_id: str | None
    currency: str
    amount: int
    captured: int
    state: str
    resumed: bool = False  # an earlier try of the same action left it half-way


def _attempt(payment: Payment, *, resumed: bool = False) -> _Attempt:
    return _Attempt(
        payment_id=payment.id,
        key=payment.idempotency_key,
        intent_id=payment.intent_id,
        currency=payment.currency,
        amount=payment.amount,
        captured=payment.captured,
        state=payment.state,
        resumed=resumed,
    )


def _open_card_attempt(
    session: Session,
    confirmation: str | None,
    folio_id: int | None,
    amount: int,
    key: str | None,
    reference: str,
) -> _Attempt:
    """Write the pending row (committed before the processor hears of it), or find the one an
    earlier try of the same action left: the same key, else an unsettled hold of the same
    amount on the same folio — so a retry is the same call, never a second hold."""
    _positive(amount)
    if key:
        earlier = session.scalar(select(Payment).where(Payment.idempotency_key == key))
        if earlier is not None:
            if earlier.gateway != "stripe" or earlier.amount != amount:
                raise InvalidInput(
                    "idempotency_key", "that idempotency key belongs to another payment"
                )
            return _attempt(earlier)
    if folio_id is not None:
        folio = session.get(Folio, folio_id)
        if folio is None:
            raise NotFound(f"there is no folio {folio_id}")
    else:
        assert confirmation is not None
        folio = guest_folio(session, load_reservation(session, confirmation))
    if not key:
        unsettled = session.scalar(
            select(Payment)
            .where(
                Payment.folio_id == folio.id,
                Payment.gateway == "stripe",
                Payment.state == PENDING,
                Payment.amount == amount,
                Payment.captured == 0,
                Payment.reference == reference,
            )
            .order_by(Payment.id.desc())
            .limit(1)
        )
        if unsettled is not None:
            return _attempt(unsettled)
    payment = Payment(
        folio_id=folio.id,
        gateway="stripe",
        state=PENDING,
        currency=_currency(session, folio),
        amount=amount,
        captured=0,
        refunded=0,
        reference=reference,
        idempotency_key=key or _new_key("pay"),
        error="",
        username=actor_of(session).username,
    )
    _insert(session, payment)
    return _attempt(payment)


def _attach_intent(session: Session, payment_id: int, intent_id: str) -> str | None:
    """Store the processor's intent id on the pending row (committed before confirming).
    Returns the intent the row goes on with — another desk's, if it attached one first — or
    None when the row was settled meanwhile (then the new intent must not be confirmed)."""
    payment = _locked(session, payment_id)
    if payment.state != PENDING:
        return None
    if payment.intent_id is None:
        payment.intent_id = intent_id
        session.flush()
    return payment.intent_id


def _settle(
    session: Session,
    payment_id: int,
    status: IntentStatus,
    from_states: tuple[str, ...] = (PENDING,),
) -> PaymentView:
    """Bring the row in line with the processor's answer, once: a row already settled by
    another desk or by `reconcile` is returned as it is. Money taken is posted here."""
    payment = _locked(session, payment_id)
    if payment.state not in from_states:
        return _view(session, payment)
    before = _snapshot(payment)
    state = status.state
    if state == AUTHORISED:
        payment.state, payment.captured = AUTHORISED, 0
        action = "authorise"
    elif state == CAPTURED:
        taken = status.amount_captured or payment.captured or status.amount
        payment.state, payment.captured = CAPTURED, min(taken, payment.amount)
        _post_payment(session, payment, _folio_of(session, payment), payment.captured)
        action = "capture"
    elif state == FAILED:
        payment.state, payment.captured = FAILED, 0
        payment.error = (status.error or "the card was declined")[:200]
        action = "fail"
    elif state == VOIDED:
        payment.state, payment.captured = VOIDED, 0
        if status.error:
            payment.error = status.error[:200]
        action = "void"
    else:  # unconfirmed or processing: nothing decided yet
        return _view(session, payment)
    if payment.state == before["state"] and payment.captured == before["captured"]:
        return _view(session, payment)
    session.flush()
    record(session, action, "payment", payment.id, before=before, after=_snapshot(payment))
    return _view(session, payment)


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


def _require_card_gateway(gateway: PaymentGateway) -> None:
    if not gateway.remote:
        raise InvalidInput("gateway", f"{gateway.label} cannot hold a card authorisation")


def _drive_authorisation(
    desk: Desk, gateway: PaymentGateway, attempt: _Attempt, payment_method: str
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
            intent_id = desk.run(_attach_intent, attempt.payment_id, created)
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
        desk.run(_settle, attempt.payment_id, failed)
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
                desk.run(_settle, attempt.payment_id, refused)
            raise
    view = desk.run(_settle, attempt.payment_id, status)
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
    _require_card_gateway(gateway)
    attempt = desk.run(_open_card_attempt, confirmation, None, amount, idempotency_key, "")
    return _drive_authorisation(desk, gateway, attempt, payment_method)


def _note_error(session: Session, payment_id: int, error: str) -> None:
    payment = _locked(session, payment_id)
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
    _require_card_gateway(gateway)
    old = desk.read(payment_view, payment_id)
    if old.gateway != "stripe" or old.state != AUTHORISED:
        raise InvalidTransition(
            f"payment {payment_id} is a {old.state} {old.gateway} payment, not a card authorisation"
        )
    if _positive(new_total, "new total") <= old.amount:
        raise InvalidInput(
            "new total",
            f"the new hold must be more than the {_money(old.amount, old.currency)} held now",
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
        _open_card_attempt,
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


def _begin_capture(session: Session, payment_id: int, amount: int) -> _Attempt:
    """Mark the capture as on its way (`pending`, `captured` = the amount asked), committed
    before the processor is called; a retry of the same capture finds it so."""
    _positive(amount)
    payment = _locked(session, payment_id)
    if payment.gateway != "stripe":
        raise InvalidTransition(
            f"payment {payment.id} was taken by {local_gateway(payment.gateway).label}; "
            "there is nothing to capture"
        )
    if payment.state == CAPTURED and payment.captured == amount:
        return _attempt(payment)  # done already (a retry after a lost answer)
    if payment.state == PENDING and payment.captured == amount:
        return _attempt(payment, resumed=True)  # an earlier try of this capture: carry on
    if payment.state == PENDING and payment.captured > 0:
        raise InvalidTransition(
            f"a capture of {_money(payment.captured, payment.currency)} on payment {payment.id} "
            "is not confirmed yet — retry that amount or run `pms payments reconcile`"
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
            f"cannot capture {_money(amount, payment.currency)}: only "
            f"{_money(payment.amount, payment.currency)} is authorised — increase the "
            "authorisation first",
        )
    _require_open(session, payment, "the capture")
    before = _snapshot(payment)
    payment.state, payment.captured, payment.error = PENDING, amount, ""
    session.flush()
    record(session, "capture_start", "payment", payment.id, before=before, after=_snapshot(payment))
    return _attempt(payment)


def capture(desk: Desk, payment_id: int, amount: int, gateway: PaymentGateway) -> PaymentView:
    """Take `amount` (at most what is authorised; the rest of the hold is released) and post
    PAY-CARD −amount to the folio, once.

    Takes a `Desk` (pending mark, processor call, settle). If the processor cannot be reached
    the payment stays pending with the amount asked; calling again with the same amount asks
    the processor where it stands and finishes the same capture, never a second one.
    """
    _require_card_gateway(gateway)
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
            return desk.run(_settle, payment_id, now)
        if now is not None:  # still a hold (back to authorised) or released (voided)
            desk.run(_settle, payment_id, now)
        raise GatewayRejected(f"the card processor refused the capture: {exc}") from exc
    return desk.run(_settle, payment_id, status)


# --- void ------------------------------------------------------------------------------------


def void(desk: Desk, payment_id: int, gateway: PaymentGateway) -> PaymentView:
    """Release a card hold (an unsettled attempt is first settled by asking the processor).
    Money already taken is refunded, not voided. Takes a `Desk`."""
    _require_card_gateway(gateway)
    payment = desk.read(payment_view, payment_id)
    if payment.gateway != "stripe":
        raise InvalidTransition(
            f"payment {payment_id} was taken by {local_gateway(payment.gateway).label} "
            "— refund it instead"
        )
    if payment.state == PENDING:
        _reconcile_payment(desk, gateway, payment_id)
        payment = desk.read(payment_view, payment_id)
    if payment.state in (VOIDED, FAILED):
        return payment
    if payment.state != AUTHORISED:
        raise InvalidTransition(
            f"payment {payment_id} is {payment.state}; only a hold can be voided"
            + (" — refund it instead" if payment.state == CAPTURED else "")
        )
    assert payment.intent_id is not None
    key = desk.read(_key_of, payment_id)
    try:
        status = gateway.cancel(payment.intent_id, key=f"{key}:cancel")
    except GatewayUnreachable as exc:
        raise GatewayUnreachable(VOID_UNCONFIRMED) from exc
    except GatewayError:
        now = _quiet_lookup(gateway, payment.intent_id)
        if now is None:
            raise
        status = now
    view = desk.run(_settle, payment_id, status, (AUTHORISED, PENDING))
    if view.state != VOIDED:
        raise InvalidTransition(f"payment {payment_id} could not be voided: it is {view.state}")
    return view


def _key_of(session: Session, payment_id: int) -> str:
    payment = session.get(Payment, payment_id)
    assert payment is not None
    return payment.idempotency_key


# --- refunds ---------------------------------------------------------------------------------


#: Audit actions that follow a card refund in flight: reserved and claimed by a desk
#: (`refund_start`, `refund_retry`), or let go after the processor could not be asked
#: (`refund_unconfirmed`), so the next try may claim it.
_TICKET_ACTIONS = ("refund_start", "refund_retry", "refund_unconfirmed")


@dataclass(frozen=True)
class _RefundTicket:
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


def _open_ticket(session: Session, payment_id: int) -> _RefundTicket | None:
    """The refund in flight on the payment, if any. A new refund is refused while one is in
    flight, so it is the newest one reserved; its ticket is its `refund_start` audit row."""
    payment = session.get(Payment, payment_id)
    if payment is None or payment.refunded <= _posted_refunds(session, payment_id):
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
    return _RefundTicket(
        payment_id,
        payment.intent_id,
        key,
        int(ticket["amount"]),
        str(ticket["reason"]),
        resumed=True,
        claimed=rows[0].action != "refund_unconfirmed",
    )


def _let_go(session: Session, ticket: _RefundTicket, error: str) -> None:
    """Mark the refund as sent but unconfirmed, so the clerk's next try may pick it up."""
    payment = _locked(session, ticket.payment_id)
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
) -> _RefundTicket | PaymentView:
    """Check and reserve the refund under the row lock. Cash and terminal refunds are done
    here and then (the money is handed over at the desk); card ones return their ticket."""
    require_role(session, Role.SUPERVISOR, "refunding a payment")
    _positive(amount)
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput("reason", "a refund needs a reason")
    payment = _locked(session, payment_id)
    if payment.gateway == "stripe" and gateway_name != "stripe":
        raise InvalidInput("gateway", "a card payment is refunded through the card processor")
    money = payment.currency
    in_flight = payment.refunded - _posted_refunds(session, payment.id)
    if in_flight > 0:
        ticket = _open_ticket(session, payment.id)
        if ticket is not None and ticket.claimed:
            raise InvalidTransition(
                f"a refund of {_money(in_flight, money)} on payment {payment.id} is on its way "
                "to the card processor — look again in a moment (`pms payments reconcile` "
                "settles one left behind)"
            )
        if ticket is not None and ticket.amount == amount:
            # This very refund, tried again after an unconfirmed answer: claim it and finish.
            payment.updated_at = dt.datetime.now(dt.UTC)  # keeps reconcile off it meanwhile
            session.flush()
            record(session, "refund_retry", "payment", payment.id, after={"key": ticket.key})
            return ticket
        raise InvalidTransition(
            f"a refund of {_money(in_flight, money)} on payment {payment.id} is not confirmed "
            "yet — retry that refund or run `pms payments reconcile`"
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
            f"cannot refund {_money(amount, money)}: only {_money(left, money)} of payment "
            f"{payment.id} is left to refund",
        )
    folio = _require_open(session, payment, "the refund")
    before = _snapshot(payment)
    payment.refunded += amount
    try:
        session.flush()
    except IntegrityError as exc:  # the CHECK refunded <= captured: the last line of defence
        raise InvalidInput("amount", "that would refund more than was taken") from exc
    key = _new_key("refund")
    if payment.gateway != "stripe":
        terminal_ref = _check_reference(reference) if payment.gateway == "terminal" else ""
        _post_refund(session, payment, folio, key, amount, reason, terminal_ref)
        record(session, "refund", "payment", payment.id, before=before, after=_snapshot(payment))
        return _view(session, payment)
    record(
        session,
        "refund_start",
        "payment",
        payment.id,
        before=before,
        after=_snapshot(payment) | {"key": key, "amount": amount, "reason": reason},
    )
    return _RefundTicket(payment.id, payment.intent_id, key, amount, reason, False, True)


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
    if payment.refunded == payment.captured and _posted_refunds(session, payment.id) == (
        payment.refunded
    ):
        payment.state = REFUNDED
    session.flush()


def _settle_refund(session: Session, ticket: _RefundTicket) -> PaymentView:
    """Post the refund the processor made, once (its key is the posting's unique key)."""
    payment = _locked(session, ticket.payment_id)
    if session.scalar(select(Posting.id).where(Posting.unique_key == ticket.key)) is None:
        before = _snapshot(payment)
        posted = _posted_refunds(session, payment.id)
        if payment.refunded < posted + ticket.amount:
            # Released meanwhile (reconcile found nothing at the processor, then this desk's
            # long-stalled call landed): the money went back, so it counts again.
            payment.refunded = posted + ticket.amount
            try:
                session.flush()
            except IntegrityError as exc:
                raise InvalidTransition(
                    f"the card processor refunded {_money(ticket.amount, payment.currency)} "
                    f"on payment {payment.id} beyond what is left — check it with the processor"
                ) from exc
        _post_refund(
            session, payment, _folio_of(session, payment), ticket.key, ticket.amount, ticket.reason
        )
        record(
            session,
            "refund",
            "payment",
            payment.id,
            before=before,
            after=_snapshot(payment) | {"key": ticket.key, "amount": ticket.amount},
        )
    return _view(session, payment)


def _release_refund(session: Session, ticket: _RefundTicket, error: str) -> PaymentView:
    """Give back a reservation the processor refused (unless it was posted after all)."""
    payment = _locked(session, ticket.payment_id)
    if session.scalar(select(Posting.id).where(Posting.unique_key == ticket.key)) is None:
        before = _snapshot(payment)
        payment.refunded -= ticket.amount
        payment.error = error[:200]
        session.flush()
        record(
            session,
            "refund_fail",
            "payment",
            payment.id,
            before=before,
            after=_snapshot(payment) | {"key": ticket.key, "amount": ticket.amount},
        )
    return _view(session, payment)


def _reached(gateway: PaymentGateway, ticket: _RefundTicket) -> bool:
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
        if not (ticket.resumed and _reached(gateway, ticket)):
            gateway.refund(ticket.intent_id, ticket.amount, key=ticket.key, payment_id=payment_id)
    except GatewayUnreachable as exc:
        desk.run(_let_go, ticket, str(exc))
        raise GatewayUnreachable(REFUND_UNCONFIRMED) from exc
    except GatewayError as exc:
        desk.run(_release_refund, ticket, str(exc))
        raise GatewayRejected(f"the card processor refused the refund: {exc}") from exc
    return desk.run(_settle_refund, ticket)


# --- reconciliation --------------------------------------------------------------------------


def _as_utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _stale(session: Session, older_than: dt.timedelta) -> list[tuple[int, str, bool]]:
    """(payment id, state, refund in flight) of unsettled payments untouched for a while."""
    cutoff = dt.datetime.now(dt.UTC) - older_than
    rows = session.execute(
        select(Payment.id, Payment.state, Payment.updated_at, _unsettled_refunds())
        .where((Payment.state == PENDING) | _unsettled_refunds())
        .order_by(Payment.id)
    ).all()
    return [
        (pid, state, bool(refund_pending))
        for pid, state, updated, refund_pending in rows
        if _as_utc(updated) <= cutoff
    ]


def _reconcile_payment(desk: Desk, gateway: PaymentGateway, payment_id: int) -> ReconcileResult:
    """Settle one pending row by asking the processor."""
    payment = desk.read(payment_view, payment_id)
    was = payment.state
    if payment.state != PENDING:
        return ReconcileResult(payment_id, was, payment.state, "settled already")
    if payment.gateway != "stripe" or not payment.intent_id:
        # The card is asked only after the intent id is committed: without one, nothing moved.
        status = IntentStatus("", VOIDED, payment.amount, error="never reached the processor")
        note = "no card attempt reached the processor"
    else:
        try:
            status = gateway.lookup(payment.intent_id)
        except UnknownIntent:
            status = IntentStatus(
                payment.intent_id, VOIDED, payment.amount, error="unknown to the processor"
            )
        note = f"the processor says {status.state}"
        if status.state == "unconfirmed":  # the crash came before the card was asked
            key = desk.read(_key_of, payment_id)
            status = gateway.cancel(payment.intent_id, key=f"{key}:cancel")
            note = "never confirmed; cancelled at the processor"
    view = desk.run(_settle, payment_id, status)
    return ReconcileResult(payment_id, was, view.state, note)


def _reconcile_refund(desk: Desk, gateway: PaymentGateway, payment_id: int) -> ReconcileResult:
    """Post an in-flight refund the processor made, or release the one it never got."""
    ticket = desk.read(_open_ticket, payment_id)
    state = desk.read(payment_view, payment_id).state
    if ticket is None:
        return ReconcileResult(
            payment_id, state, state, "a refund is reserved but its record is missing"
        )
    if _reached(gateway, ticket):
        view = desk.run(_settle_refund, ticket)
        note = f"refund of {_money(ticket.amount, view.currency)} made by the processor; posted"
    else:
        view = desk.run(_release_refund, ticket, "refund never reached the processor")
        note = f"refund of {_money(ticket.amount, view.currency)} never reached the processor"
    return ReconcileResult(payment_id, state, view.state, note)


def reconcile(
    desk: Desk, gateway: PaymentGateway, older_than: dt.timedelta = RECONCILE_AFTER
) -> list[ReconcileResult]:
    """Settle every payment left unsettled for longer than `older_than` by asking the
    processor: a hold → authorised; money taken → captured and posted (once); declined →
    failed; cancelled, never confirmed or never sent → voided. A refund in flight is posted
    if the processor has it, else released. Takes a `Desk` (one unit of work per payment,
    the processor asked between them); a payment the processor cannot be asked about now is
    left for the next run and reported.
    """
    _require_card_gateway(gateway)
    results = []
    for payment_id, state, refund_pending in desk.read(_stale, older_than):
        try:
            if state == PENDING:
                results.append(_reconcile_payment(desk, gateway, payment_id))
            if refund_pending:
                results.append(_reconcile_refund(desk, gateway, payment_id))
        except PmsError as exc:
            results.append(ReconcileResult(payment_id, state, state, f"left as it is: {exc}"))
    return results
