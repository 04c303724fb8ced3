"""The payment rows under every money service: the states a row goes through, the checks made
before one is written (a positive amount, a terminal reference that is no card number), the
row lock, the audit snapshot, fresh idempotency keys, the insert, and the one folio posting that
money taken makes.

Shared by every payment service (cash and terminal, card holds, captures, refunds, reconcile)
and the views; nothing here calls the processor.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.folios import Folio, Payment, Posting
from db.models import Property
from pms.billing.folios import post
from pms.kernel.errors import InvalidInput, InvalidTransition, NotFound, RetryableConflict
from pms.payments.gateways.interface import PaymentGateway

PENDING = "pending"
AUTHORISED = "authorised"
CAPTURED = "captured"
FAILED = "failed"
VOIDED = "voided"
REFUNDED = "refunded"


#: Posting codes per gateway.
_PAY_CODE = {"stripe": "PAY-CARD", "cash": "PAY-CASH", "terminal": "PAY-TERMINAL"}


# 13 to 19 digits, maybe grouped by spaces or dashes: what a card number looks like when typed.
_CARD_LIKE = re.compile(r"(?:\d[ -]?){12,18}\d")


def posted_refunds(session: Session, payment_id: int) -> int:
    """What of the payment has been refunded and posted; `refunded` beyond it is in flight."""
    total = session.scalar(
        select(func.coalesce(func.sum(Posting.amount), 0)).where(
            Posting.payment_id == payment_id, Posting.kind == "refund"
        )
    )
    return int(total or 0)


def unsettled_refunds() -> ColumnElement[bool]:
    """True for a payment with a refund reserved but not yet posted (in flight)."""
    posted = (
        select(func.coalesce(func.sum(Posting.amount), 0))
        .where(Posting.payment_id == Payment.id, Posting.kind == "refund")
        .scalar_subquery()
    )
    return Payment.refunded > posted


def positive(amount: int, field: str = "amount") -> int:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise InvalidInput(field, f"{field} must be a positive whole number of minor units")
    return amount


def currency_of(session: Session, folio: Folio) -> str:
    prop = session.get(Property, folio.property_id)
    assert prop is not None
    return prop.currency


def lock_payment(session: Session, payment_id: int) -> Payment:
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


def folio_of(session: Session, payment: Payment) -> Folio:
    folio = session.get(Folio, payment.folio_id)
    assert folio is not None
    return folio


def require_open(session: Session, payment: Payment, doing: str) -> Folio:
    """Refuse before any money moves when the posting it needs could not be made."""
    folio = folio_of(session, payment)
    if folio.status != "open":
        raise InvalidTransition(
            f"the folio of payment {payment.id} is closed — {doing} would have nowhere to post"
        )
    return folio


def snapshot(payment: Payment) -> dict[str, Any]:
    """The payment as its audit rows record it."""
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


def new_key(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


def check_reference(reference: str) -> str:
    """The terminal's receipt reference, tidied; refused if it looks like a card number."""
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


def insert_payment(session: Session, payment: Payment) -> None:
    session.add(payment)
    try:
        session.flush()
    except IntegrityError as exc:
        # The same idempotency key from two desks at once: run again, and the lookup by key
        # finds the other desk's row.
        if "idempotency_key" in str(exc.orig):
            raise RetryableConflict("payment raced with an identical one") from exc
        raise


def post_payment(session: Session, payment: Payment, folio: Folio, amount: int) -> None:
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


def key_of(session: Session, payment_id: int) -> str:
    """The payment's idempotency key, the root of every processor key used for it."""
    payment = session.get(Payment, payment_id)
    assert payment is not None
    return payment.idempotency_key


def require_card_gateway(gateway: PaymentGateway) -> None:
    """Refuse a gateway that cannot hold a card (cash, the terminal)."""
    if not gateway.remote:
        raise InvalidInput("gateway", f"{gateway.label} cannot hold a card authorisation")
