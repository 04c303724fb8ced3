"""Payments from the command line: `pms payments list|pending|reconcile`.

`reconcile` settles card payments a desk left unsettled (a crash or a lost answer between the
processor and the database) by asking the processor; with nothing unsettled it needs no card
gateway at all, so a cash-only hotel can run it in its night routine. Every command that takes
a card gets its gateway from `card_gateway`, which first settles what a stopped desk left
pending a minute or more (and says so in one line), so the next start settles it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.markup import escape

from commands import JsonOption, desk_for, open_for
from commands.output import Column, console, print_json, print_rows, table_of
from pms.kernel.config import Settings
from pms.kernel.desk import Desk
from pms.kernel.money import format_money
from pms.payments.gateways.stripe_gateway import StripeGateway, gateway_from_settings
from pms.payments.take import (
    RECONCILE_AFTER,
    PaymentView,
    payments_of,
    pending_payments,
    reconcile,
    settle_left_behind,
    settled_line,
)
from pms.payments.views import ReconcileResult

app = typer.Typer(help="Payments: a stay's payments, unsettled ones, reconciliation.",
                  no_args_is_help=True)  # fmt: skip


def card_gateway(desk: Desk, settings: Settings) -> StripeGateway:
    """The card gateway, for a command about to take a card: first it settles the card attempts
    a stopped desk left pending (one indexed read when there are none), saying so on stderr."""
    gateway = gateway_from_settings(settings)
    if line := settled_line(settle_left_behind(desk, gateway)):
        console(stderr=True).print(escape(line))
    return gateway


@app.command("list")
def list_(
    ctx: typer.Context,
    confirmation: Annotated[str, typer.Argument(help="Confirmation number, e.g. AB12-CD34.")],
    json_output: JsonOption = False,
) -> None:
    """Every payment attempt of a stay, oldest first (failed ones too)."""
    _print_payments(desk_for(ctx).read(payments_of, confirmation), json_output)


@app.command("pending")
def pending(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """Payments not settled yet: pending card attempts and refunds in flight."""
    _print_payments(desk_for(ctx).read(pending_payments), json_output)


@app.command("reconcile")
def reconcile_(
    ctx: typer.Context,
    older_than: Annotated[
        int,
        typer.Option(
            "--older-than",
            metavar="MINUTES",
            min=0,
            help="Only payments untouched this long (a younger one may still be in a desk's "
            "hands).",
        ),
    ] = int(RECONCILE_AFTER.total_seconds() // 60),
    json_output: JsonOption = False,
) -> None:
    """Settle unsettled card payments by asking the processor what happened to each."""
    desk, settings = open_for(ctx)
    results = []
    unsettled = desk.read(pending_payments)
    if unsettled:
        gateway = gateway_from_settings(settings)
        results = reconcile(desk, gateway, dt.timedelta(minutes=older_than))
    if json_output:
        print_json(results)
        return
    if not unsettled:
        console().print("Nothing to reconcile: no payment is pending.")
        return
    if not results:
        console().print(
            f"{len(unsettled)} unsettled, none untouched for {older_than} minutes: "
            "a desk may still be finishing them."
        )
        return
    console().print(table_of(results, _RECONCILED_COLUMNS))


_RECONCILED_COLUMNS: list[Column[ReconcileResult]] = [
    Column("payment", lambda r: str(r.payment_id)),
    Column("was", lambda r: r.was),
    Column("now", lambda r: r.now),
    Column("note", lambda r: escape(r.note)),
]


def _print_payments(payments: list[PaymentView], json_output: bool) -> None:
    print_rows(payments, _PAYMENT_COLUMNS, json_output=json_output, empty="No payments.")


_PAYMENT_COLUMNS: list[Column[PaymentView]] = [
    Column("payment", lambda p: str(p.id)),
    Column("stay", lambda p: p.confirmation or ""),
    Column("method", lambda p: p.gateway),
    Column("state", lambda p: p.state),
    Column("amount", lambda p: format_money(p.amount, p.currency), justify="right"),
    Column("captured", lambda p: format_money(p.captured, p.currency), justify="right"),
    Column("refunded", lambda p: format_money(p.refunded, p.currency), justify="right"),
    Column("by", lambda p: escape(p.username)),
    Column("reference / error", lambda p: escape(p.reference or p.error)),
]
