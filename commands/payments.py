"""Payments from the command line: `pms payments list|pending|reconcile`.

`reconcile` settles card payments a desk left unsettled (a crash or a lost answer between the
processor and the database) by asking the processor; with nothing unsettled it needs no card
gateway at all, so a cash-only hotel can run it in its night routine.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from commands import JsonOption, console, desk_for, open_for, print_json
from pms.gateways import gateway_from_settings
from pms.money import format_money
from pms.payments import RECONCILE_AFTER, PaymentView, payments_of, pending_payments, reconcile

app = typer.Typer(help="Payments: a stay's payments, unsettled ones, reconciliation.",
                  no_args_is_help=True)  # fmt: skip


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
    table = Table("payment", "was", "now", "note")
    for result in results:
        table.add_row(str(result.payment_id), result.was, result.now, escape(result.note))
    console().print(table)


def _print_payments(payments: list[PaymentView], json_output: bool) -> None:
    if json_output:
        print_json(payments)
        return
    if not payments:
        console().print("No payments.")
        return
    table = Table("payment", "stay", "method", "state")
    for heading in ("amount", "captured", "refunded"):
        table.add_column(heading, justify="right")
    table.add_column("by")
    table.add_column("reference / error")
    for p in payments:
        table.add_row(
            str(p.id),
            p.confirmation or "",
            p.gateway,
            p.state,
            format_money(p.amount, p.currency),
            format_money(p.captured, p.currency),
            format_money(p.refunded, p.currency),
            escape(p.username),
            escape(p.reference or p.error),
        )
    console().print(table)
