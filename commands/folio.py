"""Folios from the command line: `pms folio show|post|reverse|transfer|pay|refund|invoice|
city-ledger|accounts|open-account|split`.

Amounts are typed as the clerk says them (`12.50`) in the stay's currency and shown as money;
`--json` prints minor units, as the services keep them. Postings and folios are named by the
ids `pms folio show` prints. Card payments go through the gateway the configuration names
(the key from STRIPE_API_KEY); cash and the desk's card terminal need none.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from commands import (
    JsonOption,
    PropertyOption,
    console,
    day,
    desk_for,
    open_for,
    print_json,
)
from pms.config import Settings
from pms.desk import Desk
from pms.errors import InvalidInput, NotFound
from pms.folios import (
    FolioView,
    PostingView,
    add_folio,
    city_ledger_accounts,
    folio_view,
    folios_of,
    open_city_ledger,
    post_charge,
    reverse_posting,
    set_routing,
    transfer_posting,
    transfer_to_city_ledger,
)
from pms.gateways import gateway_from_settings
from pms.invoices import FORMATS, invoice_view, render_invoice_text, write_invoice
from pms.money import format_money, to_minor
from pms.payments import (
    PaymentView,
    authorise_card,
    capture,
    increase_authorisation,
    payment_view,
    payments_of,
    refund,
    take_cash,
    take_terminal,
)
from pms.reservation_views import get_reservation

app = typer.Typer(help="Folios: charges, corrections, payments and invoices.", no_args_is_help=True)

Confirmation = Annotated[str, typer.Argument(help="Confirmation number, e.g. AB12-CD34.")]
PostingId = Annotated[int, typer.Argument(metavar="POSTING", help="Posting id (folio show).")]
Reason = Annotated[str, typer.Option(help="Why, for the record.")]
FolioVersion = Annotated[
    int | None,
    typer.Option(
        "--version",
        help="Refuse the change if the folio is no longer at this version "
        "(someone else changed it since you looked).",
    ),
]
METHODS = ("cash", "terminal", "card")


def _amount(desk: Desk, confirmation: str, text: str) -> tuple[str, int]:
    """The stay's confirmation as stored and the typed amount in its currency's minor units."""
    stay = desk.read(get_reservation, confirmation)
    return stay.confirmation, to_minor(text, stay.currency)


@app.command("show")
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


@app.command("post")
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
    confirmation, minor = _amount(desk, confirmation, amount)
    posting = desk.run(
        post_charge, confirmation, code, minor, description, folio, expected_version=version
    )
    _print_posting(desk, posting, json_output, "Posted")


@app.command("reverse")
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


@app.command("transfer")
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


@app.command("split")
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


@app.command("pay")
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
    json_output: JsonOption = False,
) -> None:
    """Take a payment for a stay's guest folio: cash, the desk's card terminal, or the card
    (capturing the stay's card hold, raised first if the amount is more than it)."""
    how = method.strip().lower()
    if how not in METHODS:
        raise typer.BadParameter(
            f"{method!r} is not one of {', '.join(METHODS)}", param_hint="--method"
        )
    desk, settings = open_for(ctx)
    confirmation, minor = _amount(desk, confirmation, amount)
    if how == "cash":
        view = take_cash(desk, confirmation, minor, idempotency_key=idempotency_key)
    elif how == "terminal":
        if not reference.strip():
            raise InvalidInput("reference", "give the terminal's receipt reference")
        view = take_terminal(desk, confirmation, minor, reference, idempotency_key=idempotency_key)
    else:
        view = _card_payment(desk, settings, confirmation, minor, card, idempotency_key)
    _print_payment(desk, view, json_output, "Took")


def _card_payment(
    desk: Desk,
    settings: Settings,
    confirmation: str,
    amount: int,
    card: str | None,
    key: str | None,
) -> PaymentView:
    """Capture `amount` from the stay's card hold; raise the hold first when it is too small,
    or hold the card now when there is none."""
    gateway = gateway_from_settings(settings)
    payments = desk.read(payments_of, confirmation)
    holds = [p for p in payments if p.gateway == "stripe" and p.state == "authorised"]
    if holds:
        hold = holds[-1]
        if amount > hold.amount:
            hold = increase_authorisation(desk, hold.id, amount, gateway, card)
    elif card:
        hold = authorise_card(desk, confirmation, amount, gateway, card, idempotency_key=key)
    else:
        hold = authorise_card(desk, confirmation, amount, gateway, idempotency_key=key)
    return capture(desk, hold.id, amount, gateway)


@app.command("refund")
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
    gateway = gateway_from_settings(settings) if paid.gateway == "stripe" else None
    view = refund(desk, payment, minor, reason, gateway, reference=reference)
    _print_payment(desk, view, json_output, f"Refunded {format_money(minor, view.currency)} of")


@app.command("invoice")
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


@app.command("accounts")
def accounts(
    ctx: typer.Context, property_code: PropertyOption = None, json_output: JsonOption = False
) -> None:
    """The city-ledger (direct-bill) accounts and what each is owed."""
    views = desk_for(ctx).read(city_ledger_accounts, property_code)
    if json_output:
        print_json(views)
        return
    if not views:
        console().print("No city-ledger accounts.")
        return
    table = Table("folio", "account", "status")
    table.add_column("balance", justify="right")
    for view in views:
        table.add_row(str(view.id), escape(view.name), view.status, view.balance_text)
    console().print(table)


@app.command("open-account")
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


@app.command("city-ledger")
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


def _folio_table(folio: FolioView) -> Table:
    closed = f", invoice {folio.invoice_number}" if folio.invoice_number else ""
    table = Table(
        title=f"folio {folio.id}: {escape(folio.label)} ({folio.status}{closed}, "
        f"version {folio.version})",
        title_justify="left",
        caption=f"balance {folio.balance_text}",
        caption_justify="right",
    )
    for heading in ("posting", "date", "code", "description"):
        table.add_column(heading)
    table.add_column("amount", justify="right")
    table.add_column("by")
    table.add_column("note")
    for posting in folio.postings:
        note = Text()
        if posting.reversed:
            note.append("reversed", style="dim")
        if posting.is_reversal:
            note.append(f"reverses {posting.reverses_id}: {posting.reason}", style="dim")
        table.add_row(
            str(posting.id),
            day(posting.business_date),
            posting.code,
            escape(posting.description),
            format_money(posting.amount, folio.currency),
            escape(posting.username),
            note,
        )
    return table


def _payments_table(payments: list[PaymentView]) -> Table:
    table = Table("payment", "method", "state", title="payments", title_justify="left")
    for heading in ("amount", "captured", "refunded"):
        table.add_column(heading, justify="right")
    table.add_column("reference")
    for p in payments:
        table.add_row(
            str(p.id),
            p.gateway,
            p.state,
            format_money(p.amount, p.currency),
            format_money(p.captured, p.currency),
            format_money(p.refunded, p.currency),
            escape(p.reference or p.error),
        )
    return table
