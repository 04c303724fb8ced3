"""Invoices: a closed folio with its number in the property's gap-free sequence, as a view and
as a PDF, HTML or text file.

The number is taken when the folio closes (`pms.folios.close_folio`); this module only reads.
An invoice shows what the guest owes and paid, not the ledger's corrections: a posting and the
posting that reverses it (a correction, or a line transferred to another folio) cancel out and
are left off, so the lines always add up to the folio's sum.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.folios import Folio, Invoice, Posting
from db.models import Guest, Property, Reservation, Tax
from pms.errors import InvalidInput, NotFound
from pms.guests import display_name
from pms.ledger_views import aware
from pms.money import format_money
from pms.properties import resolve_property

#: Posting kinds that settle a bill rather than add to it.
SETTLING = frozenset({"payment", "refund", "transfer"})


def settles(posting: Posting) -> bool:
    """True for a payment, refund or balance moved away; a balance moved *in* (a stay's bill
    on a city-ledger account) is something billed, not settled."""
    return posting.kind in SETTLING and not (posting.kind == "transfer" and posting.amount > 0)


#: File formats `write_invoice` knows.
FORMATS = ("pdf", "html", "txt")


@dataclass(frozen=True)
class InvoiceLine:
    """One line of an invoice (minor units; payments negative as on the folio)."""

    date: dt.date
    code: str
    description: str
    amount: int


@dataclass(frozen=True)
class TaxSummary:
    """The invoice's total of one tax."""

    code: str
    name: str
    amount: int


@dataclass(frozen=True)
class InvoiceView:
    """An issued invoice: who, what, the taxes in it and how it was settled."""

    property_code: str
    property_name: str
    property_city: str
    number: int
    business_date: dt.date
    issued_at: dt.datetime
    issued_by: str
    folio_id: int
    folio_name: str
    confirmation: str | None
    guest_name: str
    arrival: dt.date | None
    departure: dt.date | None
    currency: str
    lines: list[InvoiceLine]
    taxes: list[TaxSummary]
    payments: list[InvoiceLine]
    total: int

    @property
    def number_text(self) -> str:
        """`TST-000042`: the property's code and the sequence number."""
        return f"{self.property_code}-{self.number:06d}"

    @property
    def paid(self) -> int:
        """What settled the bill (payments less refunds, transfers to other accounts)."""
        return -sum(p.amount for p in self.payments)

    @property
    def balance(self) -> int:
        """Total less what settled it: zero for every invoice issued on close."""
        return self.total - self.paid

    def money(self, amount: int) -> str:
        """An amount in the invoice's currency, for people."""
        return format_money(amount, self.currency)


def visible_postings(postings: list[Posting]) -> list[Posting]:
    """The postings an invoice shows: all but reversed ones and the reversals of them."""
    reversed_ids = {p.reverses_id for p in postings if p.reverses_id is not None}
    return [p for p in postings if p.reverses_id is None and p.id not in reversed_ids]


def _tax_names(session: Session, property_id: int) -> dict[str, str]:
    rows = session.execute(select(Tax.code, Tax.name).where(Tax.property_id == property_id)).all()
    return {f"TAX-{code}": name for code, name in rows}


def build_invoice_view(session: Session, invoice: Invoice) -> InvoiceView:
    """The view of a stored invoice, built from its folio's postings."""
    folio = session.get(Folio, invoice.folio_id)
    prop = session.get(Property, invoice.property_id)
    assert folio is not None and prop is not None
    postings = list(
        session.scalars(select(Posting).where(Posting.folio_id == folio.id).order_by(Posting.id))
    )
    shown = visible_postings(postings)
    lines = [
        InvoiceLine(p.business_date, p.code, p.description, p.amount)
        for p in shown
        if not settles(p)
    ]
    payments = [
        InvoiceLine(p.business_date, p.code, p.description, p.amount) for p in shown if settles(p)
    ]
    names = _tax_names(session, prop.id)
    tax_totals: dict[str, int] = {}
    for p in shown:
        if p.kind == "tax":
            tax_totals[p.code] = tax_totals.get(p.code, 0) + p.amount
    taxes = [
        TaxSummary(code.removeprefix("TAX-"), names.get(code, code.removeprefix("TAX-")), amount)
        for code, amount in sorted(tax_totals.items())
    ]
    confirmation = guest_name = None
    arrival = departure = None
    if folio.reservation_id is not None:
        row = session.execute(
            select(Reservation, Guest)
            .join(Guest, Guest.id == Reservation.guest_id)
            .where(Reservation.id == folio.reservation_id)
        ).one()
        reservation, guest = row
        confirmation, guest_name = reservation.confirmation, display_name(guest)
        arrival, departure = reservation.arrival, reservation.departure
    return InvoiceView(
        property_code=prop.code,
        property_name=prop.name,
        property_city=prop.city,
        number=invoice.number,
        business_date=invoice.business_date,
        issued_at=aware(invoice.issued_at) or invoice.issued_at,
        issued_by=invoice.username,
        folio_id=folio.id,
        folio_name=folio.name,
        confirmation=confirmation,
        guest_name=guest_name or folio.name,
        arrival=arrival,
        departure=departure,
        currency=prop.currency,
        lines=lines,
        taxes=taxes,
        payments=payments,
        total=sum(line.amount for line in lines),
    )


def invoice_view(session: Session, property_code: str | None, number: int) -> InvoiceView:
    """The invoice with this number at the property."""
    prop = resolve_property(session, property_code)
    invoice = session.scalar(
        select(Invoice).where(Invoice.property_id == prop.id, Invoice.number == number)
    )
    if invoice is None:
        raise NotFound(f"{prop.code} has no invoice number {number}")
    return build_invoice_view(session, invoice)


def invoice_of_folio(session: Session, folio_id: int) -> InvoiceView:
    """The invoice a closed folio was billed with."""
    invoice = session.scalar(select(Invoice).where(Invoice.folio_id == folio_id))
    if invoice is None:
        raise NotFound(f"folio {folio_id} has not been invoiced — close it first")
    return build_invoice_view(session, invoice)


def list_invoices(
    session: Session, property_code: str | None = None, *, limit: int = 100
) -> list[tuple[int, dt.date, int]]:
    """The property's latest invoices as (number, business date, total), newest first."""
    prop = resolve_property(session, property_code)
    rows = session.execute(
        select(Invoice.number, Invoice.business_date, Invoice.total)
        .where(Invoice.property_id == prop.id)
        .order_by(Invoice.number.desc())
        .limit(limit)
    ).all()
    return [(number, day, total) for number, day, total in rows]


# --- rendering -----------------------------------------------------------------------------


def _heading(view: InvoiceView) -> list[tuple[str, str]]:
    """The label/value pairs at the top of every format."""
    pairs = [("Invoice", view.number_text), ("Date", view.business_date.isoformat())]
    pairs.append(("Guest", view.guest_name))
    if view.confirmation:
        pairs.append(("Reservation", f"{view.confirmation} ({view.folio_name} folio)"))
    if view.arrival and view.departure:
        pairs.append(("Stay", f"{view.arrival.isoformat()} – {view.departure.isoformat()}"))
    return pairs


def _totals(view: InvoiceView) -> list[tuple[str, str]]:
    pairs = [("Total", view.money(view.total))]
    pairs += [(f"of which {t.name}", view.money(t.amount)) for t in view.taxes]
    pairs += [("Paid", view.money(view.paid)), ("Balance", view.money(view.balance))]
    return pairs


def render_invoice_text(view: InvoiceView, width: int = 72) -> str:
    """The invoice as plain text, for a terminal, a receipt printer or an e-mail body."""
    out = [view.property_name, view.property_city, ""] if view.property_city else []
    if not out:
        out = [view.property_name, ""]
    out += [f"{label + ':':<13}{value}" for label, value in _heading(view)]
    rule = "-" * width

    def row(day: dt.date | str, text: str, amount: str) -> str:
        day_text = day if isinstance(day, str) else day.strftime("%d.%m.%Y")
        room = width - 12 - 16
        return f"{day_text:<12}{text[:room]:<{room}}{amount:>16}"

    out += ["", row("Date", "Description", "Amount"), rule]
    out += [row(line.date, line.description, view.money(line.amount)) for line in view.lines]
    out.append(rule)
    out += [f"{label:<{width - 16}}{value:>16}" for label, value in _totals(view)[:1]]
    for label, value in _totals(view)[1:-2]:
        out.append(f"{'  ' + label:<{width - 16}}{value:>16}")
    if view.payments:
        out += ["", "Settled by", rule]
        out += [row(p.date, p.description, view.money(-p.amount)) for p in view.payments]
        out.append(rule)
    out += [f"{label:<{width - 16}}{value:>16}" for label, value in _totals(view)[-2:]]
    out += ["", f"Issued by {view.issued_by}"]
    return "\n".join(out) + "\n"


def render_invoice_html(view: InvoiceView) -> str:
    """The invoice as a standalone HTML page."""
    e = html.escape

    def rows(lines: list[InvoiceLine], sign: int = 1) -> str:
        return "\n".join(
            f"<tr><td>{line.date:%d.%m.%Y}</td><td>{e(line.description)}</td>"
            f'<td class="amount">{e(view.money(sign * line.amount))}</td></tr>'
            for line in lines
        )

    heading = "\n".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in _heading(view))
    totals = "\n".join(
        f'<tr><th colspan="2">{e(k)}</th><td class="amount">{e(v)}</td></tr>'
        for k, v in _totals(view)
    )
    settled = (
        f"<h2>Settled by</h2><table>{rows(view.payments, -1)}</table>" if view.payments else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Invoice {e(view.number_text)}</title>
<style>
body {{ font-family: sans-serif; max-width: 48em; margin: 2em auto; }}
table {{ width: 100%; border-collapse: collapse; }}
td, th {{ padding: .25em .5em; text-align: left; border-bottom: 1px solid #ddd; }}
.amount {{ text-align: right; white-space: nowrap; }}
dl {{ display: grid; grid-template-columns: max-content auto; gap: .2em 1em; }}
dt {{ font-weight: bold; }} dd {{ margin: 0; }}
</style></head>
<body>
<h1>{e(view.property_name)}</h1>
<p>{e(view.property_city)}</p>
<dl>
{heading}
</dl>
<table>
<tr><th>Date</th><th>Description</th><th class="amount">Amount</th></tr>
{rows(view.lines)}
</table>
{settled}
<table>
{totals}
</table>
<p>Issued by {e(view.issued_by)}</p>
</body></html>
"""


_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/Library/Fonts"),
)


def _unicode_font() -> tuple[Path, Path] | None:
    """DejaVu Sans (regular, bold) when the system has it: it prints €, ł, ñ and the like."""
    for folder in _FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            return regular, bold
    return None


def render_invoice_pdf(view: InvoiceView) -> bytes:
    """The invoice as a one-page A4 PDF (fpdf2): hotel, number, guest, lines and totals."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    font = _unicode_font()
    if font:
        pdf.add_font("inv", "", str(font[0]))
        pdf.add_font("inv", "B", str(font[1]))
        family = "inv"

        def clean(text: str) -> str:
            return text
    else:  # core fonts speak Latin-1 only
        family = "helvetica"

        def clean(text: str) -> str:
            text = text.replace("€", "EUR ").replace("–", "-")
            return text.encode("latin-1", "replace").decode("latin-1")

    def cell(w: float, text: str, *, bold: bool = False, align: str = "L", size: int = 10) -> None:
        pdf.set_font(family, "B" if bold else "", size)
        pdf.cell(w, 6, clean(text), align=align)

    cell(0, view.property_name, bold=True, size=16)
    pdf.ln(8)
    if view.property_city:
        cell(0, view.property_city)
        pdf.ln(10)
    for label, value in _heading(view):
        cell(35, label, bold=True)
        cell(0, value)
        pdf.ln(6)
    pdf.ln(4)
    widths = (30, 115, 35)
    for w, head, align in zip(widths, ("Date", "Description", "Amount"), "LLR", strict=True):
        cell(w, head, bold=True, align=align)
    pdf.ln(6)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())

    def lines(items: list[InvoiceLine], sign: int = 1) -> None:
        for line in items:
            cell(widths[0], f"{line.date:%d.%m.%Y}")
            cell(widths[1], line.description[:70])
            cell(widths[2], view.money(sign * line.amount), align="R")
            pdf.ln(6)

    lines(view.lines)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    if view.payments:
        pdf.ln(2)
        cell(0, "Settled by", bold=True)
        pdf.ln(6)
        lines(view.payments, -1)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(2)
    for label, value in _totals(view):
        strong = label in ("Total", "Balance")
        cell(widths[0] + widths[1], label, bold=strong, align="R")
        cell(widths[2], value, bold=strong, align="R")
        pdf.ln(6)
    pdf.ln(6)
    cell(0, f"Issued by {view.issued_by}", size=8)
    return bytes(pdf.output())


def write_invoice(view: InvoiceView, path: str | Path, format: str | None = None) -> Path:
    """Write the invoice to `path` as "pdf", "html" or "txt" (default: from the file suffix)."""
    target = Path(path)
    kind = (format or target.suffix.lstrip(".") or "pdf").lower()
    if kind == "text":
        kind = "txt"
    if kind not in FORMATS:
        raise InvalidInput("format", f"invoices are written as {', '.join(FORMATS)}, not {kind!r}")
    if kind == "pdf":
        target.write_bytes(render_invoice_pdf(view))
    elif kind == "html":
        target.write_text(render_invoice_html(view), encoding="utf-8")
    else:
        target.write_text(render_invoice_text(view), encoding="utf-8")
    return target
