"""Payments taken at the desk: cash counted into the drawer and card payments made on the
stand-alone terminal, whose amount and receipt reference the clerk types in (never a card
number). Nothing outside can fail half-way, so each is one unit of work: the `payments` row and
its folio posting together, once per idempotency key."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.folios import Folio, Payment
from pms.billing.folios import balance_of, guest_folio
from pms.kernel import validation
from pms.kernel.audit import record
from pms.kernel.desk import Desk, actor_of
from pms.kernel.errors import InvalidInput
from pms.kernel.money import format_money
from pms.payments.gateways.interface import PaymentGateway
from pms.payments.gateways.local import CASH, TERMINAL
from pms.payments.rows import (
    CAPTURED,
    check_reference,
    currency_of,
    insert_payment,
    new_key,
    positive,
    post_payment,
    snapshot,
)
from pms.payments.views import PaymentView, view_of
from pms.stays.reservation_views import load_reservation


@dataclass(frozen=True)
class Overpayment:
    """What to do with money beyond the folio's balance: give the difference back as change
    (cash only), or keep it on the folio as a deposit. Neither: it is refused."""

    change: bool = False
    deposit: bool = False


def _settled_amount(
    session: Session, folio: Folio, amount: int, gateway: PaymentGateway, over: Overpayment
) -> int:
    """The amount to record: the balance when cash beyond it is given back as change; the
    whole amount when it is within the balance or meant as a deposit."""
    balance = balance_of(session, folio.id)
    if amount <= balance or over.deposit:
        return amount
    owed = format_money(max(balance, 0), currency_of(session, folio))
    if over.change and gateway.name == CASH.name and balance > 0:
        return balance
    how = "give the difference back as change, or " if gateway.name == CASH.name else ""
    raise InvalidInput("amount", f"the folio's balance is {owed}: {how}take it as a deposit")


def _take_local(
    session: Session,
    confirmation: str,
    amount: int,
    gateway: PaymentGateway,
    reference: str,
    key: str | None,
    over: Overpayment,
) -> PaymentView:
    positive(amount)
    key = validation.idempotency_key(key)
    if key:
        earlier = session.scalar(select(Payment).where(Payment.idempotency_key == key))
        if earlier is not None:  # the same form sent twice: the first one stands
            return view_of(session, earlier)
    reservation = load_reservation(session, confirmation)
    folio = guest_folio(session, reservation)
    amount = _settled_amount(session, folio, amount, gateway, over)
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
    desk: Desk,
    confirmation: str,
    amount: int,
    *,
    idempotency_key: str | None = None,
    over: Overpayment = Overpayment(),
) -> PaymentView:
    """Take cash for a stay: recorded and posted (PAY-CASH −amount) to the guest folio at once.

    Takes a `Desk`: it is one unit of work, since no outside call can fail half-way. A form
    submitted twice with the same `idempotency_key` records the payment once. More than the
    balance is refused unless `over` says change (only the balance is recorded; the face shows
    the difference) or deposit.
    """
    return desk.run(_take_local, confirmation, amount, CASH, "", idempotency_key, over)


def take_terminal(
    desk: Desk,
    confirmation: str,
    amount: int,
    reference: str,
    *,
    idempotency_key: str | None = None,
    over: Overpayment = Overpayment(),
) -> PaymentView:
    """Record a payment the guest made on the stand-alone card terminal: the amount and the
    terminal's receipt reference as the clerk types them (never a card number), posted as
    PAY-TERMINAL −amount. Takes a `Desk`; one unit of work, like `take_cash`."""
    reference = check_reference(reference)
    return desk.run(_take_local, confirmation, amount, TERMINAL, reference, idempotency_key, over)
