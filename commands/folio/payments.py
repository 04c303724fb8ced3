"""Money in and out of a stay's guest folio: `pms folio pay|refund`.

Card payments go through the gateway the configuration names (the key from STRIPE_API_KEY);
cash and the desk's card terminal need none.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from commands import Confirmation, JsonOption, open_for
from commands.folio.params import Reason, stay_amount
from commands.output import console, print_json
from commands.payments import card_gateway
from pms.billing.folios import folio_view
from pms.kernel.desk import Desk
from pms.kernel.errors import InvalidInput
from pms.kernel.money import format_money, to_minor
from pms.payments.take import (
    Overpayment,
    PaymentView,
    pay_by_card,
    payment_view,
    refund,
    take_cash,
    take_terminal,
)

METHODS = ("cash", "terminal", "card")


def pay(
    ctx: typer.Context,
    confirmation: Confirmation,
    method: Annotated[str, typer.Option(help="cash, terminal or card.")],
    amount: Annotated[str, typer.Option(help="The amount taken, e.g. 150.00.")],
    reference: Annotated[
        str, typer.Option(help="The terminal's receipt reference (terminal payments).")
    ] = "",
    card: Annotated[
        str | None,
        typer.Option(
            metavar="PM",
            help="The processor's payment-method id for a card with no hold yet "
            "(never a card number).",
        ),
    ] = None,
    idempotency_key: Annotated[
        str | None,
        typer.Option(metavar="KEY", help="Takes the money once however often this is sent."),
    ] = None,
    change: Annotated[
        bool, typer.Option("--change", help="Cash beyond the balance is given back as change.")
    ] = False,
    deposit: Annotated[
        bool, typer.Option("--deposit", help="Keep money beyond the balance as a deposit.")
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Take a payment for a stay's guest folio: cash, the desk's card terminal, or the card
    (capturing the stay's card hold, raised first if the amount is more than it). More than
    the balance needs --change (cash) or --deposit."""
    how = method.strip().lower()
    if how not in METHODS:
        raise typer.BadParameter(
            f"{method!r} is not one of {', '.join(METHODS)}", param_hint="--method"
        )
    desk, settings = open_for(ctx)
    confirmation, minor = stay_amount(desk, confirmation, amount)
    over = Overpayment(change=change, deposit=deposit)
    if how == "cash":
        view = take_cash(desk, confirmation, minor, idempotency_key=idempotency_key, over=over)
    elif how == "terminal":
        if not reference.strip():
            raise InvalidInput("reference", "give the terminal's receipt reference")
        view = take_terminal(
            desk, confirmation, minor, reference, idempotency_key=idempotency_key, over=over
        )
    else:
        gateway = card_gateway(desk, settings)
        view = pay_by_card(
            desk, confirmation, minor, gateway, card, idempotency_key=idempotency_key
        )
    _print_payment(desk, view, json_output, "Took")
    if minor > view.amount and not json_output:
        console().print(f"Change to give back: {format_money(minor - view.amount, view.currency)}")


def refund_(
    ctx: typer.Context,
    payment: Annotated[int, typer.Argument(metavar="PAYMENT", help="Payment id (folio show).")],
    amount: Annotated[str, typer.Option(help="The amount to give back, e.g. 20.00.")],
    reason: Reason,
    reference: Annotated[
        str, typer.Option(help="The terminal's refund reference (terminal payments).")
    ] = "",
    json_output: JsonOption = False,
) -> None:
    """Give back some or all of a payment (supervisors); never more than was taken."""
    desk, settings = open_for(ctx)
    paid = desk.read(payment_view, payment)
    minor = to_minor(amount, paid.currency)
    gateway = card_gateway(desk, settings) if paid.gateway == "stripe" else None
    view = refund(desk, payment, minor, reason, gateway, reference=reference)
    _print_payment(desk, view, json_output, f"Refunded {format_money(minor, view.currency)} of")


def _print_payment(desk: Desk, payment: PaymentView, json_output: bool, verb: str) -> None:
    folio = desk.read(folio_view, payment.folio_id)
    if json_output:
        print_json({"payment": payment, "balance": folio.balance})
        return
    console().print(
        f"{verb} payment {payment.id} ({payment.gateway}, {payment.state}) "
        f"{format_money(payment.captured or payment.amount, payment.currency)} "
        f"on {escape(folio.label)}; balance {folio.balance_text}."
    )
