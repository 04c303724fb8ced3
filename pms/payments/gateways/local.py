"""The desk-side gateways: the cash drawer and a stand-alone card terminal. They only record
money the clerk has already seen change hands (the amount, and the terminal's receipt
reference), so they have nothing to call and nothing that can fail half-way."""

from __future__ import annotations

from pms.payments.gateways.interface import GatewayRejected, PaymentGateway


class CashGateway(PaymentGateway):
    """The cash drawer: the clerk counts the money; nothing to call."""

    name = "cash"
    label = "cash"


class TerminalGateway(PaymentGateway):
    """A stand-alone card terminal: the clerk types in the amount and the terminal's reference.
    The card never touches this system."""

    name = "terminal"
    label = "the card terminal"


CASH = CashGateway()
TERMINAL = TerminalGateway()


def local_gateway(name: str) -> PaymentGateway:
    """The cash or terminal gateway by its stored name."""
    gateways: dict[str, PaymentGateway] = {CASH.name: CASH, TERMINAL.name: TERMINAL}
    try:
        return gateways[name]
    except KeyError:
        raise GatewayRejected(f"{name} is not a desk-side payment method") from None
