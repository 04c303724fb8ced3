"""Card attempts: the pending `payments` row a card action drives, and its units of work.

A card hold, capture or retry is written `pending` (with a fresh idempotency key) and
committed before the processor hears of it; the processor's intent id is stored (committed)
before the card is asked. These are the step functions the card services (pms.payments.card_holds,
pms.payments.capture) run through `desk.run` around their processor calls; see pms.payments.take
for the whole story.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.folios import Folio, Payment
from pms.billing.folios import guest_folio
from pms.kernel.desk import actor_of
from pms.kernel.errors import InvalidInput, NotFound
from pms.payments.rows import PENDING, currency_of, insert_payment, lock_payment, new_key, positive
from pms.stays.reservation_views import load_reservation


@dataclass(frozen=True)
class CardAttempt:
    """A pending card row as the services drive it, outside any transaction."""

    payment_id: int
    key: str
    intent_id: str | None
    currency: str
    amount: int
    captured: int
    state: str
    resumed: bool = False  # an earlier try of the same action left it half-way


def attempt_of(payment: Payment, *, resumed: bool = False) -> CardAttempt:
    """The row as an attempt to drive (`resumed`: an earlier try left it half-way)."""
    return CardAttempt(
        payment_id=payment.id,
        key=payment.idempotency_key,
        intent_id=payment.intent_id,
        currency=payment.currency,
        amount=payment.amount,
        captured=payment.captured,
        state=payment.state,
        resumed=resumed,
    )


def _earlier_by_key(session: Session, key: str, amount: int) -> CardAttempt | None:
    """The card row an earlier try with this idempotency key wrote, refused when the key
    belongs to another kind of payment or another amount."""
    earlier = session.scalar(select(Payment).where(Payment.idempotency_key == key))
    if earlier is None:
        return None
    if earlier.gateway != "stripe" or earlier.amount != amount:
        raise InvalidInput("idempotency_key", "that idempotency key belongs to another payment")
    return attempt_of(earlier)


def _folio_to_charge(session: Session, confirmation: str | None, folio_id: int | None) -> Folio:
    """The folio named by id, else the guest folio of the stay named by confirmation."""
    if folio_id is not None:
        folio = session.get(Folio, folio_id)
        if folio is None:
            raise NotFound(f"there is no folio {folio_id}")
        return folio
    assert confirmation is not None
    return guest_folio(session, load_reservation(session, confirmation))


def _unsettled_hold(session: Session, folio: Folio, amount: int, reference: str) -> Payment | None:
    """The newest pending card hold of this amount on the folio that nothing was taken on: an
    earlier try of the same action, sent without an idempotency key."""
    return session.scalar(
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


def open_card_attempt(
    session: Session,
    confirmation: str | None,
    folio_id: int | None,
    amount: int,
    key: str | None,
    reference: str,
) -> CardAttempt:
    """Write the pending row (committed before the processor hears of it), or find the one an
    earlier try of the same action left: the same key, else an unsettled hold of the same
    amount on the same folio — so a retry is the same call, never a second hold."""
    positive(amount)
    if key and (earlier := _earlier_by_key(session, key, amount)) is not None:
        return earlier
    folio = _folio_to_charge(session, confirmation, folio_id)
    if not key and (unsettled := _unsettled_hold(session, folio, amount, reference)) is not None:
        return attempt_of(unsettled)
    payment = Payment(
        folio_id=folio.id,
        gateway="stripe",
        state=PENDING,
        currency=currency_of(session, folio),
        amount=amount,
        captured=0,
        refunded=0,
        reference=reference,
        idempotency_key=key or new_key("pay"),
        error="",
        username=actor_of(session).username,
    )
    insert_payment(session, payment)
    return attempt_of(payment)


def attach_intent(session: Session, payment_id: int, intent_id: str) -> str | None:
    """Store the processor's intent id on the pending row (committed before confirming).
    Returns the intent the row goes on with — another desk's, if it attached one first — or
    None when the row was settled meanwhile (then the new intent must not be confirmed)."""
    payment = lock_payment(session, payment_id)
    if payment.state != PENDING:
        return None
    if payment.intent_id is None:
        payment.intent_id = intent_id
        session.flush()
    return payment.intent_id
