"""Payment gateways: where the money actually moves. This module is the interface the payment
services drive and the errors and answers it gives; Stripe for cards is
`pms.payments.gateways.stripe_gateway`, the cash drawer and an external card terminal, whose
amounts and references the clerk types in, are `pms.payments.gateways.local`.

A gateway knows nothing of the database: the payment services in `pms.payments.take` write a
`pending` row before calling it and settle the row after, and every remote call carries an
idempotency key derived from that row, so a retried call is the same call to the processor.
No card number ever passes through here: a card arrives as a processor's payment-method id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pms.kernel.errors import PmsError


class GatewayError(PmsError):
    """The payment processor said no or could not be asked; the message says which."""


class CardDeclined(GatewayError):
    """The card's issuer refused the charge or the hold; nothing was taken."""


class GatewayUnreachable(GatewayError):
    """The processor could not be reached or failed mid-call: the outcome is unknown until the
    same call is retried (same idempotency key) or the payment is reconciled."""


class GatewayRejected(GatewayError):
    """The processor refused the request itself (wrong state, unknown intent, bad amount)."""


class UnknownIntent(GatewayRejected):
    """The processor has no payment intent with this id."""


@dataclass(frozen=True)
class IntentStatus:
    """Where a payment stands at the processor, in the desk's words.

    `state` is one of: `unconfirmed` (created, no card attempt yet), `authorised` (a hold,
    waiting for capture), `captured` (money taken), `failed` (declined), `voided` (released or
    cancelled), `processing` (the processor has not decided yet).
    """

    intent_id: str
    state: str
    amount: int
    amount_captured: int | None = None
    payment_method: str | None = None
    error: str = ""


@dataclass(frozen=True)
class RefundRecord:
    """A refund the processor holds for a payment; `key` is the desk's key for it, if it made
    it (kept in the refund's metadata)."""

    refund_id: str
    amount: int
    key: str | None
    status: str


class PaymentGateway:
    """The interface every gateway offers the payment services.

    `remote` gateways (cards) hold authorisations and can fail half-way; the services drive them
    with a pending row around each call. Local ones (cash, terminal) only record money the desk
    has already seen change hands, so they have no calls that can fail half-way. Methods a
    gateway cannot do raise `GatewayRejected` with a sentence saying so.
    """

    name: ClassVar[str]
    label: ClassVar[str]
    remote: ClassVar[bool] = False

    def open_intent(
        self, *, payment_id: int, amount: int, currency: str, payment_method: str, key: str
    ) -> str:
        """Create an unconfirmed, manual-capture payment for `amount` and return its id."""
        raise GatewayRejected(f"{self.label} cannot hold a card authorisation")

    def authorise(self, intent_id: str, *, key: str) -> IntentStatus:
        """Confirm the intent: ask the card's issuer for a hold."""
        raise GatewayRejected(f"{self.label} cannot hold a card authorisation")

    def capture(self, intent_id: str, amount: int, *, key: str) -> IntentStatus:
        """Take `amount` (at most the hold) of an authorised intent; the rest is released."""
        raise GatewayRejected(f"{self.label} has no authorisation to capture")

    def cancel(self, intent_id: str, *, key: str) -> IntentStatus:
        """Release a hold (or drop an unconfirmed intent)."""
        raise GatewayRejected(f"{self.label} has no authorisation to release")

    def lookup(self, intent_id: str) -> IntentStatus:
        """Where the intent stands now."""
        raise GatewayRejected(f"{self.label} keeps no record to look up")

    def refund(self, intent_id: str, amount: int, *, key: str, payment_id: int) -> str:
        """Give back `amount` of a captured intent; returns the processor's refund id."""
        raise GatewayRejected(f"{self.label} refunds are handed over at the desk")

    def refunds_of(self, intent_id: str) -> list[RefundRecord]:
        """Every refund the processor holds for the intent."""
        raise GatewayRejected(f"{self.label} keeps no record of refunds")
