"""An issued invoice as a file: plain text (terminal, receipt printer, e-mail body), a standalone
HTML page or a one-page A4 PDF (fpdf2). Every format shows the same heading, lines and totals,
taken from the `InvoiceView` alone (`pms.billing.invoice_views`), so a reprint reads the same as
the first copy."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import TYPE_CHECKING

from pms.billing.invoice_views import InvoiceLine, InvoiceView
from pms.kernel.errors import InvalidInput

if TYPE_CHECKING:
    from fpdf import FPDF

#: File formats `write_invoice` knows.
FORMATS = ("pdf", "html", "txt")


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


#: Widths of the date, description and amount columns (mm).
_WIDTHS = (30, 115, 35)


def _latin1(text: str) -> str:
    """Text the core PDF fonts can print: they speak Latin-1 only."""
    text = text.replace("€", "EUR ").replace("–", "-")
    return text.encode("latin-1", "replace").decode("latin-1")


class _PdfPage:
    """The page being written, in the best font the system has: cells, rules and lines."""

    def __init__(self, pdf: FPDF) -> None:
        self.pdf = pdf
        font = _unicode_font()
        self.unicode = font is not None
        if font:
            pdf.add_font("inv", "", str(font[0]))
            pdf.add_font("inv", "B", str(font[1]))
        self.family = "inv" if font else "helvetica"

    def cell(
        self, w: float, text: str, *, bold: bool = False, align: str = "L", size: int = 10
    ) -> None:
        """One cell of text on the current row."""
        self.pdf.set_font(self.family, "B" if bold else "", size)
        self.pdf.cell(w, 6, text if self.unicode else _latin1(text), align=align)

    def rule(self) -> None:
        """A line across the page, under the current row."""
        pdf = self.pdf
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())

    def lines(self, view: InvoiceView, items: list[InvoiceLine], sign: int = 1) -> None:
        """Invoice lines as date, description and amount rows."""
        for line in items:
            self.cell(_WIDTHS[0], f"{line.date:%d.%m.%Y}")
            self.cell(_WIDTHS[1], line.description[:70])
            self.cell(_WIDTHS[2], view.money(sign * line.amount), align="R")
            self.pdf.ln(6)


def _pdf_heading(page: _PdfPage, view: InvoiceView) -> None:
    """The hotel, the heading pairs and the column heads over a rule."""
    page.cell(0, view.property_name, bold=True, size=16)
    page.pdf.ln(8)
    if view.property_city:
        page.cell(0, view.property_city)
        page.pdf.ln(10)
    for label, value in _heading(view):
        page.cell(35, label, bold=True)
        page.cell(0, value)
        page.pdf.ln(6)
    page.pdf.ln(4)
    for w, head, align in zip(_WIDTHS, ("Date", "Description", "Amount"), "LLR", strict=True):
        page.cell(w, head, bold=True, align=align)
    page.pdf.ln(6)
    page.rule()


def _pdf_totals(page: _PdfPage, view: InvoiceView) -> None:
    """The totals under the lines, and who issued the invoice."""
    page.pdf.ln(2)
    for label, value in _totals(view):
        strong = label in ("Total", "Balance")
        page.cell(_WIDTHS[0] + _WIDTHS[1], label, bold=strong, align="R")
        page.cell(_WIDTHS[2], value, bold=strong, align="R")
        page.pdf.ln(6)
    page.pdf.ln(6)
    page.cell(0, f"Issued by {view.issued_by}", size=8)


def render_invoice_pdf(view: InvoiceView) -> bytes:
    """The invoice as a one-page A4 PDF (fpdf2): hotel, number, guest, lines and totals."""
    from fpdf import FPDF  # imported when an invoice is printed: it is slow to load

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    page = _PdfPage(pdf)
    _pdf_heading(page, view)
    page.lines(view, view.lines)
    page.rule()
    if view.payments:
        pdf.ln(2)
        page.cell(0, "Settled by", bold=True)
        pdf.ln(6)
        page.lines(view, view.payments, -1)
        page.rule()
    _pdf_totals(page, view)
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
