"""Settling card payments by the processor's word: `settle` brings a row in line with the
processor's answer, once (every card service settles through it), and
`reconcile` settles what a crash or an unreachable processor left behind — pending rows and
refunds in flight — by asking the processor what happened. `settle_left_behind` is what the
next start does (the front desk after sign-in, every CLI command that takes a card): one
index look, and `reconcile` only when a card attempt was left pending.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.folios import Payment
from pms.kernel.audit import record
from pms.kernel.desk import Desk
from pms.kernel.errors import PmsError
from pms.kernel.money import format_money
from pms.payments.gateways.interface import IntentStatus, PaymentGateway, UnknownIntent
from pms.payments.refund_tickets import open_ticket, reached, release_refund, settle_refund
from pms.payments.rows import (
    AUTHORISED,
    CAPTURED,
    FAILED,
    PENDING,
    VOIDED,
    folio_of,
    key_of,
    lock_payment,
    post_payment,
    require_card_gateway,
    snapshot,
    unsettled_refunds,
)
from pms.payments.views import PaymentView, ReconcileResult, payment_view, view_of

#: How long a payment must have sat unsettled before `reconcile` touches it: a younger one may
#: still be in a desk's hands, between its processor call and its settling transaction.
RECONCILE_AFTER = dt.timedelta(minutes=10)
#: How long a pending card attempt must have sat before the next start settles it by itself:
#: a desk between its processor call and its settling transaction takes seconds, not a minute.
LEFT_BEHIND_AFTER = dt.timedelta(minutes=1)


# --- settling --------------------------------------------------------------------------------


def settle(
    session: Session,
    payment_id: int,
    status: IntentStatus,
    from_states: tuple[str, ...] = (PENDING,),
) -> PaymentView:
    """Bring the row in line with the processor's answer, once: a row already settled by
    another desk or by `reconcile` is returned as it is. Money taken is posted here."""
    payment = lock_payment(session, payment_id)
    if payment.state not in from_states:
        return view_of(session, payment)
    before = snapshot(payment)
    state = status.state
    if state == AUTHORISED:
        payment.state, payment.captured = AUTHORISED, 0
        action = "authorise"
    elif state == CAPTURED:
        taken = status.amount_captured or payment.captured or status.amount
        payment.state, payment.captured = CAPTURED, min(taken, payment.amount)
        post_payment(session, payment, folio_of(session, payment), payment.captured)
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
        return view_of(session, payment)
    if payment.state == before["state"] and payment.captured == before["captured"]:
        return view_of(session, payment)
    session.flush()
    record(session, action, "payment", payment.id, before=before, after=snapshot(payment))
    return view_of(session, payment)


# --- reconciliation --------------------------------------------------------------------------


def _as_utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _stale(session: Session, older_than: dt.timedelta) -> list[tuple[int, str, bool]]:
    """(payment id, state, refund in flight) of unsettled payments untouched for a while."""
    cutoff = dt.datetime.now(dt.UTC) - older_than
    rows = session.execute(
        select(Payment.id, Payment.state, Payment.updated_at, unsettled_refunds())
        .where((Payment.state == PENDING) | unsettled_refunds())
        .order_by(Payment.id)
    ).all()
    return [
        (pid, state, bool(refund_pending))
        for pid, state, updated, refund_pending in rows
        if _as_utc(updated) <= cutoff
    ]


def reconcile_payment(desk: Desk, gateway: PaymentGateway, payment_id: int) -> ReconcileResult:
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
            key = desk.read(key_of, payment_id)
            status = gateway.cancel(payment.intent_id, key=f"{key}:cancel")
            note = "never confirmed; cancelled at the processor"
    view = desk.run(settle, payment_id, status)
    return ReconcileResult(payment_id, was, view.state, note)


def _reconcile_refund(desk: Desk, gateway: PaymentGateway, payment_id: int) -> ReconcileResult:
    """Post an in-flight refund the processor made, or release the one it never got."""
    ticket = desk.read(open_ticket, payment_id)
    state = desk.read(payment_view, payment_id).state
    if ticket is None:
        return ReconcileResult(
            payment_id, state, state, "a refund is reserved but its record is missing"
        )
    if reached(gateway, ticket):
        view = desk.run(settle_refund, ticket)
        note = (
            f"refund of {format_money(ticket.amount, view.currency)} made by the processor; posted"
        )
    else:
        view = desk.run(release_refund, ticket, "refund never reached the processor")
        note = f"refund of {format_money(ticket.amount, view.currency)} never reached the processor"
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
    require_card_gateway(gateway)
    results = []
    for payment_id, state, refund_pending in desk.read(_stale, older_than):
        try:
            if state == PENDING:
                results.append(reconcile_payment(desk, gateway, payment_id))
            if refund_pending:
                results.append(_reconcile_refund(desk, gateway, payment_id))
        except PmsError as exc:
            results.append(ReconcileResult(payment_id, state, state, f"left as it is: {exc}"))
    return results


# --- at the next start -----------------------------------------------------------------------


def left_pending(session: Session, older_than: dt.timedelta) -> bool:
    """Whether any card attempt has sat `pending` for longer than `older_than` (one look in
    ix_payments_state_updated_at)."""
    cutoff = dt.datetime.now(dt.UTC) - older_than
    found = session.scalar(
        select(Payment.id).where(Payment.state == PENDING, Payment.updated_at <= cutoff).limit(1)
    )
    return found is not None


def settle_left_behind(
    desk: Desk, gateway: PaymentGateway, older_than: dt.timedelta = LEFT_BEHIND_AFTER
) -> list[ReconcileResult]:
    """What the next start does about card attempts a stopped desk left pending: nothing
    (one indexed read) when there are none, else `reconcile` them (and any refund in flight
    as old) by asking the processor. Never charges twice: `settle` settles a row once."""
    if not gateway.remote or not desk.read(left_pending, older_than):
        return []
    return reconcile(desk, gateway, older_than)


def settled_line(results: list[ReconcileResult]) -> str:
    """The one line a clerk reads about what the start settled ("" when nothing)."""
    if not results:
        return ""
    each = "; ".join(f"payment {r.payment_id} {r.was} → {r.now} ({r.note})" for r in results)
    count = f"{len(results)} card payment{'s' if len(results) != 1 else ''}"
    return f"Settled {count} a stopped desk left unsettled: {each}"
