"""Cards through Stripe: PaymentIntents with manual capture (a hold at check-in, captured at
check-out), voids and refunds, through the official SDK.

Every call sends the idempotency key the payment services derive from their pending row, so a
call retried after a lost response is the same call to the processor, never a second charge;
Stripe's errors come back as the desk's `GatewayError`s with the processor's own sentence. The
secret key comes from the environment only, never from a file."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from pms.kernel.config import Settings
from pms.kernel.errors import ConfigError
from pms.payments.gateways.interface import (
    CardDeclined,
    GatewayRejected,
    GatewayUnreachable,
    IntentStatus,
    PaymentGateway,
    RefundRecord,
    UnknownIntent,
)

if TYPE_CHECKING:
    import stripe

T = TypeVar("T")

#: The environment variable that holds the Stripe secret key (never kept in a file).
STRIPE_KEY_VARIABLE = "STRIPE_API_KEY"

#: Stripe intent statuses in the desk's words (see `IntentStatus.state`).
_STRIPE_STATES = {
    "requires_confirmation": "unconfirmed",
    "requires_capture": "authorised",
    "succeeded": "captured",
    "requires_payment_method": "failed",
    # 3-D Secure needs the guest at a browser; a hold taken at the desk cannot complete it.
    "requires_action": "failed",
    "canceled": "voided",
    "processing": "processing",
}


def _field(obj: Any, name: str) -> Any:
    """A field of a Stripe object or plain dict, None when the processor left it out (the test
    fake omits several, e.g. `amount_received`)."""
    if obj is None or isinstance(obj, str):
        return None
    data = obj.to_dict() if hasattr(obj, "to_dict") else obj
    return data.get(name)


class StripeGateway(PaymentGateway):
    """Cards through Stripe PaymentIntents with manual capture (official SDK).

    Every call sends the idempotency key it is given: Stripe answers a repeated key with the
    first answer, so a call retried after a lost response is never a second charge. (The test
    fake ignores keys; the desk's own pending rows keep it exactly-once there too.)
    """

    name = "stripe"
    label = "the card processor"
    remote = True

    def __init__(
        self,
        api_key: str,
        api_base: str | None = None,
        *,
        timeout: float = 30,
        max_network_retries: int = 2,
    ) -> None:
        # The SDK (~250 ms to import) loads when a card gateway is made, not with every module
        # that can name one: a command that only shows a folio never pays for it.
        import stripe

        addresses = {"api": api_base.rstrip("/")} if api_base else None
        self.client = stripe.StripeClient(
            api_key,
            base_addresses=addresses,  # type: ignore[arg-type]
            max_network_retries=max_network_retries,
            http_client=stripe.RequestsClient(timeout=timeout),
        )

    def _call(self, doing: str, call: Callable[[], T]) -> T:
        import stripe  # loaded already: __init__ made the client

        try:
            return call()
        except stripe.CardError as exc:
            raise CardDeclined(f"the card was declined: {_reason(exc)}") from exc
        except stripe.APIConnectionError as exc:  # its text is SDK boilerplate: say it plainly
            raise GatewayUnreachable(f"could not reach the card processor while {doing}") from exc
        except (stripe.RateLimitError, stripe.APIError) as exc:  # busy or failed mid-call
            raise GatewayUnreachable(
                f"the card processor could not answer while {doing}: {_reason(exc)}"
            ) from exc
        except (stripe.AuthenticationError, stripe.PermissionError) as exc:
            raise ConfigError(
                f"the card processor refused our key ({_reason(exc)}) — check {STRIPE_KEY_VARIABLE}"
            ) from exc
        except stripe.InvalidRequestError as exc:
            if exc.http_status == 404:
                raise UnknownIntent(
                    f"the card processor has no record of this payment: {_reason(exc)}"
                ) from exc
            raise GatewayRejected(f"the card processor refused {doing}: {_reason(exc)}") from exc
        except stripe.StripeError as exc:
            raise GatewayRejected(f"the card processor refused {doing}: {_reason(exc)}") from exc

    def open_intent(
        self, *, payment_id: int, amount: int, currency: str, payment_method: str, key: str
    ) -> str:
        """Create the intent unconfirmed, so its id is stored before any card is asked."""
        params: dict[str, Any] = {
            "amount": amount,
            "currency": currency.lower(),
            "capture_method": "manual",
            "payment_method": payment_method,
            "payment_method_types": ["card"],
            "metadata": {"payment_id": str(payment_id)},
        }
        try:
            intent = self._call(
                "creating the payment",
                lambda: self.client.v1.payment_intents.create(
                    params=params,  # type: ignore[arg-type]
                    options={"idempotency_key": key},
                ),
            )
        except UnknownIntent as exc:  # the only id in a create is the card's
            raise GatewayRejected(
                f"the card processor does not know the card {payment_method!r}"
            ) from exc
        return str(intent.id)

    def authorise(self, intent_id: str, *, key: str) -> IntentStatus:
        """Confirm the intent; a decline raises `CardDeclined`."""
        intent = self._call(
            "authorising the card",
            lambda: self.client.v1.payment_intents.confirm(
                intent_id, options={"idempotency_key": key}
            ),
        )
        return _status(intent)

    def capture(self, intent_id: str, amount: int, *, key: str) -> IntentStatus:
        """Capture `amount` of the hold; Stripe releases the rest."""
        intent = self._call(
            "capturing the payment",
            lambda: self.client.v1.payment_intents.capture(
                intent_id,
                params={"amount_to_capture": amount},
                options={"idempotency_key": key},
            ),
        )
        status = _status(intent)
        if status.state == "captured" and status.amount_captured is None:
            # The fake reports no amount_received; what we asked for is what was captured.
            status = IntentStatus(
                status.intent_id, status.state, status.amount, amount, status.payment_method
            )
        return status

    def cancel(self, intent_id: str, *, key: str) -> IntentStatus:
        """Cancel the intent, releasing any hold."""
        intent = self._call(
            "releasing the authorisation",
            lambda: self.client.v1.payment_intents.cancel(
                intent_id, options={"idempotency_key": key}
            ),
        )
        return _status(intent)

    def lookup(self, intent_id: str) -> IntentStatus:
        """Retrieve the intent as the processor has it now."""
        intent = self._call(
            "looking up the payment",
            lambda: self.client.v1.payment_intents.retrieve(intent_id),
        )
        return _status(intent)

    def refund(self, intent_id: str, amount: int, *, key: str, payment_id: int) -> str:
        """Refund `amount`; the desk's key goes into the refund's metadata so reconciliation can
        tell later whether this very refund reached the processor."""
        result = self._call(
            "refunding",
            lambda: self.client.v1.refunds.create(
                params={
                    "payment_intent": intent_id,
                    "amount": amount,
                    "metadata": {"payment_id": str(payment_id), "desk_key": key},
                },
                options={"idempotency_key": key},
            ),
        )
        return str(result.id)

    def refunds_of(self, intent_id: str) -> list[RefundRecord]:
        """The intent's refunds (up to 100: far more than a stay ever has)."""
        page = self._call(
            "listing refunds",
            lambda: self.client.v1.refunds.list(params={"payment_intent": intent_id, "limit": 100}),
        )
        records = []
        for item in page.data:
            metadata = _field(item, "metadata") or {}
            records.append(
                RefundRecord(
                    refund_id=str(item.id),
                    amount=int(item.amount),
                    key=metadata.get("desk_key"),
                    status=str(_field(item, "status") or "succeeded"),
                )
            )
        return records


def _status(intent: Any) -> IntentStatus:
    raw = str(intent.status)
    received = _field(intent, "amount_received")
    error = _field(intent, "last_payment_error") or {}
    payment_method = _field(intent, "payment_method")
    if isinstance(payment_method, dict):  # expanded by the processor
        payment_method = payment_method.get("id")
    message = str(error.get("message") or "") if isinstance(error, dict) else ""
    if raw == "requires_action" and not message:
        message = "the card asks for 3-D Secure, which a hold taken at the desk cannot complete"
    return IntentStatus(
        intent_id=str(intent.id),
        state=_STRIPE_STATES.get(raw, "processing"),
        amount=int(intent.amount),
        amount_captured=int(received) if raw == "succeeded" and received else None,
        payment_method=payment_method,
        error=message,
    )


def _reason(exc: stripe.StripeError) -> str:
    """The processor's own sentence, one line, without its support boilerplate."""
    error = getattr(exc, "error", None)
    message = (getattr(error, "message", None) if error else None) or exc.user_message or ""
    message = " ".join(str(message).split()) or exc.__class__.__name__
    decline = getattr(error, "decline_code", None) if error else None
    if decline and decline not in message:
        message = f"{message} ({decline})"
    return message[:160]


def gateway_from_settings(settings: Settings) -> StripeGateway:
    """The card gateway the configuration describes: the key from STRIPE_API_KEY, the API base
    URL from `payments.stripe_api_base` (empty: Stripe itself)."""
    api_key = os.environ.get(STRIPE_KEY_VARIABLE, "").strip()
    if not api_key:
        raise ConfigError(
            f"card payments need the Stripe secret key in the {STRIPE_KEY_VARIABLE} "
            "environment variable"
        )
    return StripeGateway(api_key, settings.payments.stripe_api_base or None)
