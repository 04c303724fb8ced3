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
The `_`-prefixed step functions (and `settle`, and the card-attempt steps in
pms.payments.card_attempts) are the units of work; the views take a session as usual.

This module is where the faces take the payment services from; it holds none itself. Cash and
the terminal live in pms.payments.local_payments, card holds, their increase and voids in
pms.payments.card_holds, captures in pms.payments.capture, the pending card row's steps in
pms.payments.card_attempts, refunds in pms.payments.refunds, `settle` and `reconcile` in
pms.payments.reconcile, the views in pms.payments.views and the shared row helpers in
pms.payments.rows; the public names are re-exported here.
"""

from __future__ import annotations

from pms.payments.capture import CAPTURE_UNCONFIRMED, capture, pay_by_card
from pms.payments.card_holds import (
    NOTHING_CHARGED,
    TEST_CARD,
    VOID_UNCONFIRMED,
    authorise_card,
    increase_authorisation,
    void,
)
from pms.payments.local_payments import Overpayment, take_cash, take_terminal
from pms.payments.reconcile import (
    LEFT_BEHIND_AFTER,
    RECONCILE_AFTER,
    reconcile,
    settle_left_behind,
    settled_line,
)
from pms.payments.refunds import REFUND_UNCONFIRMED, refund
from pms.payments.rows import AUTHORISED, CAPTURED, FAILED, PENDING, REFUNDED, VOIDED
from pms.payments.views import (
    PaymentView,
    ReconcileResult,
    payment_view,
    payments_of,
    pending_payments,
)

__all__ = [
    "AUTHORISED",
    "CAPTURED",
    "CAPTURE_UNCONFIRMED",
    "FAILED",
    "LEFT_BEHIND_AFTER",
    "NOTHING_CHARGED",
    "PENDING",
    "RECONCILE_AFTER",
    "REFUNDED",
    "REFUND_UNCONFIRMED",
    "TEST_CARD",
    "VOIDED",
    "VOID_UNCONFIRMED",
    "Overpayment",
    "PaymentView",
    "ReconcileResult",
    "authorise_card",
    "capture",
    "increase_authorisation",
    "pay_by_card",
    "payment_view",
    "payments_of",
    "pending_payments",
    "reconcile",
    "refund",
    "settle_left_behind",
    "settled_line",
    "take_cash",
    "take_terminal",
    "void",
]
