"""What a stay is billed and who settles later: `pms folio invoice|accounts|open-account|
city-ledger`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from commands import Confirmation, JsonOption, PropertyOption, desk_for
from commands.folio.params import Reason
from commands.output import Column, console, print_json, print_rows
from pms.billing.folios import (
    FolioView,
    city_ledger_accounts,
    folios_of,
    open_city_ledger,
    transfer_to_city_ledger,
)
from pms.billing.invoice_views import invoice_view
from pms.billing.invoices import FORMATS, render_invoice_text, write_invoice
from pms.kernel.errors import InvalidInput, NotFound


def invoice(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="Invoice number: 42 or TST-000042.")],
    format: Annotated[
        str | None,
        typer.Option("--format", "-f", help="pdf, html or txt (default: from --output)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="PATH", help="Write the invoice to this file."),
    ] = None,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Show an invoice as text, or write it as a PDF, HTML or text file."""
    digits = re.fullmatch(r"\s*(?:([A-Za-z0-9]+)-)?0*(\d+)\s*", number)
    if digits is None:
        raise InvalidInput("number", f"{number!r} is not an invoice number")
    code = property_code or digits.group(1)
    view = desk_for(ctx).read(invoice_view, code, int(digits.group(2)))
    if output is not None:
        written = write_invoice(view, output, format)
        console().print(f"Wrote invoice {view.number_text} to {escape(str(written))}.")
        return
    if format not in (None, "txt", "text"):
        raise InvalidInput(
            "format", f"a {format} invoice needs --output PATH ({', '.join(FORMATS)})"
        )
    if json_output:
        print_json(view)
        return
    typer.echo(render_invoice_text(view))


def accounts(
    ctx: typer.Context, property_code: PropertyOption = None, json_output: JsonOption = False
) -> None:
    """The city-ledger (direct-bill) accounts and what each is owed."""
    print_rows(
        desk_for(ctx).read(city_ledger_accounts, property_code),
        _ACCOUNT_COLUMNS,
        json_output=json_output,
        empty="No city-ledger accounts.",
    )


_ACCOUNT_COLUMNS: list[Column[FolioView]] = [
    Column("folio", lambda a: str(a.id)),
    Column("account", lambda a: escape(a.name)),
    Column("status", lambda a: a.status),
    Column("balance", lambda a: a.balance_text, justify="right"),
]


def open_account(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The company's name.")],
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Open a city-ledger account for a company that settles later (supervisors)."""
    view = desk_for(ctx).run(open_city_ledger, property_code, name)
    if json_output:
        print_json(view)
        return
    console().print(f"Opened city-ledger account {escape(view.name)} (folio {view.id}).")


def city_ledger(
    ctx: typer.Context,
    confirmation: Confirmation,
    account: Annotated[
        str, typer.Option(metavar="NAME", help="The city-ledger account's name or folio id.")
    ],
    reason: Reason,
    folio: Annotated[str, typer.Option(metavar="NAME", help="The stay's folio to move.")] = "Guest",
    json_output: JsonOption = False,
) -> None:
    """Move a stay's folio balance to a company's city-ledger account (supervisors), so the
    guest can check out."""
    desk = desk_for(ctx)
    source = _folio_named(desk.read(folios_of, confirmation), folio, confirmation)
    ledger = desk.read(city_ledger_accounts, source.property_code)
    wanted = " ".join(account.split())
    target = next(
        (a for a in ledger if a.name.lower() == wanted.lower() or str(a.id) == wanted), None
    )
    if target is None:
        raise NotFound(f"there is no city-ledger account {wanted!r}")
    view = desk.run(transfer_to_city_ledger, source.id, target.id, reason)
    if json_output:
        print_json(view)
        return
    console().print(
        f"Moved the balance of {escape(source.label)} to {escape(target.name)}; "
        f"the folio is at {view.balance_text}."
    )


def _folio_named(folios: list[FolioView], name: str, confirmation: str) -> FolioView:
    wanted = " ".join(name.split()).lower()
    for view in folios:
        if view.name.lower() == wanted or str(view.id) == wanted:
            return view
    raise NotFound(f"{confirmation} has no folio {name!r}")
