"""A stay's folios and their postings: `pms folio show|post|reverse|transfer|split`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from commands import Confirmation, JsonOption, desk_for
from commands.folio.params import FolioVersion, PostingId, Reason, stay_amount
from commands.output import Column, console, day, print_json, table_of
from pms.billing.folios import (
    FolioView,
    PostingView,
    add_folio,
    folio_view,
    folios_of,
    post_charge,
    reopen_folio,
    reverse_posting,
    set_routing,
    transfer_posting,
)
from pms.kernel.desk import Desk
from pms.kernel.money import format_money
from pms.payments.take import PaymentView, payments_of


def show(ctx: typer.Context, confirmation: Confirmation, json_output: JsonOption = False) -> None:
    """A stay's folios with every posting and balance, and its payments."""
    desk = desk_for(ctx)
    folios = desk.read(folios_of, confirmation)
    payments = desk.read(payments_of, confirmation)
    if json_output:
        print_json({"folios": folios, "payments": payments})
        return
    out = console()
    if not folios:
        out.print("Nothing posted yet: the stay has no folio.")
    for folio in folios:
        out.print(_folio_table(folio))
    if payments:
        out.print(_payments_table(payments))


def post(
    ctx: typer.Context,
    confirmation: Confirmation,
    code: Annotated[str, typer.Argument(help="Transaction code: MINIBAR, FNB, PHONE, MISC …")],
    amount: Annotated[str, typer.Argument(help="The amount, e.g. 12.50.")],
    description: Annotated[str, typer.Option(help="What it was, for the bill.")] = "",
    folio: Annotated[
        str | None,
        typer.Option(metavar="NAME", help="Post to this folio of the stay, not where routed."),
    ] = None,
    version: FolioVersion = None,
    json_output: JsonOption = False,
) -> None:
    """Post a charge to a stay (where its routing sends it, or on --folio)."""
    desk = desk_for(ctx)
    confirmation, minor = stay_amount(desk, confirmation, amount)
    posting = desk.run(
        post_charge, confirmation, code, minor, description, folio, expected_version=version
    )
    _print_posting(desk, posting, json_output, "Posted")


def reverse(
    ctx: typer.Context,
    posting: PostingId,
    reason: Reason,
    version: FolioVersion = None,
    json_output: JsonOption = False,
) -> None:
    """Correct a posting with its exact opposite (a supervisor for an earlier business date)."""
    desk = desk_for(ctx)
    reversal = desk.run(reverse_posting, posting, reason, expected_version=version)
    _print_posting(desk, reversal, json_output, f"Reversed posting {posting} with")


def transfer(
    ctx: typer.Context,
    posting: PostingId,
    to: Annotated[
        int, typer.Option("--to", metavar="FOLIO", help="The id of the folio to move it to.")
    ],
    reason: Reason,
    version: FolioVersion = None,
    json_output: JsonOption = False,
) -> None:
    """Move a posting to another folio (a split folio, another room's, a city-ledger account)."""
    desk = desk_for(ctx)
    moved = desk.run(transfer_posting, posting, to, reason, expected_version=version)
    _print_posting(desk, moved, json_output, f"Moved posting {posting} as")


def reopen(
    ctx: typer.Context,
    folio: Annotated[int, typer.Argument(metavar="FOLIO", help="Folio id (folio show).")],
    reason: Reason,
) -> None:
    """Open a closed folio again to correct it (supervisors; the reason goes in the audit log).
    Closing it again keeps its invoice number."""
    desk_for(ctx).run(reopen_folio, folio, reason)
    console().print(f"Folio {folio} is open again.")


def split(
    ctx: typer.Context,
    confirmation: Confirmation,
    folio: Annotated[str, typer.Argument(metavar="NAME", help="The folio's name, e.g. Company.")],
    codes: Annotated[
        list[str] | None,
        typer.Option(
            "--route",
            metavar="CODE",
            help="Send future postings of this code there (repeat; TAX means every tax).",
        ),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Open another folio on a stay (split billing), and route transaction codes to it."""
    desk = desk_for(ctx)
    existing = {f.name for f in desk.read(folios_of, confirmation)}
    if " ".join(folio.split()) not in existing:
        desk.run(add_folio, confirmation, folio, "company")
    routing = desk.run(set_routing, confirmation, codes, folio) if codes else {}
    folios = desk.read(folios_of, confirmation)
    if json_output:
        print_json({"folios": folios, "routing": routing})
        return
    out = console()
    for view in folios:
        out.print(f"folio {view.id}: {escape(view.label)}, {view.balance_text}")
    for code, name in routing.items():
        out.print(f"{code} → {escape(name)}")


# --- printing ---------------------------------------------------------------------------


def _print_posting(desk: Desk, posting: PostingView, json_output: bool, verb: str) -> None:
    folio = desk.read(folio_view, posting.folio_id)
    if json_output:
        print_json({"posting": posting, "balance": folio.balance, "folio_version": folio.version})
        return
    money = format_money(posting.amount, folio.currency)
    console().print(
        f"{verb} posting {posting.id}: {posting.code} {money} on {escape(folio.label)}; "
        f"balance {folio.balance_text}."
    )


def _folio_table(folio: FolioView) -> Table:
    closed = f", invoice {folio.invoice_number}" if folio.invoice_number else ""
    if not folio.invoice_number and any(p.imported for p in folio.postings):
        closed = ", invoiced in the previous system"

    def money(posting: PostingView) -> str:
        return format_money(posting.amount, folio.currency)

    return table_of(
        folio.postings,
        [
            Column("posting", lambda p: str(p.id)),
            Column("date", lambda p: day(p.business_date)),
            Column("code", lambda p: p.code),
            Column("description", lambda p: escape(p.description)),
            Column("amount", money, justify="right"),
            Column("by", lambda p: escape(p.username)),
            Column("note", _note),
        ],
        title=f"folio {folio.id}: {escape(folio.label)} ({folio.status}{closed}, "
        f"version {folio.version})",
        caption=f"balance {folio.balance_text}",
    )


def _note(posting: PostingView) -> Text:
    """What became of a posting: `reversed`, or what a reversal reverses and why."""
    note = Text()
    if posting.reversed:
        note.append("reversed", style="dim")
    if posting.is_reversal:
        note.append(f"reverses {posting.reverses_id}: {posting.reason}", style="dim")
    return note


_PAYMENT_COLUMNS: list[Column[PaymentView]] = [
    Column("payment", lambda p: str(p.id)),
    Column("method", lambda p: p.gateway),
    Column("state", lambda p: p.state),
    Column("amount", lambda p: format_money(p.amount, p.currency), justify="right"),
    Column("captured", lambda p: format_money(p.captured, p.currency), justify="right"),
    Column("refunded", lambda p: format_money(p.refunded, p.currency), justify="right"),
    Column("reference", lambda p: escape(p.reference or p.error)),
]


def _payments_table(payments: list[PaymentView]) -> Table:
    return table_of(payments, _PAYMENT_COLUMNS, title="payments")
