"""How a stay's folios read on the folio screen: each folio's postings as a table (reversed
postings and reversals dimmed, with their note), the line that switches between the folios, and
the balance line."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from pms.billing.folios import FolioView, PostingView
from pms.billing.ledger_views import StayFolios
from pms.kernel.money import format_money
from screens.dates import short_date


class FolioTable(DataTable[Text]):
    """One folio's postings, one a row keyed by posting id, oldest first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self, folio: FolioView) -> None:
        super().__init__(id=f"folio-{folio.id}", cursor_type="row", zebra_stripes=True)
        self.folio = folio
        self.border_title = folio.name

    def on_mount(self) -> None:
        self.add_columns("Date", "Code", "Description", "Amount", "By", "Note")
        for posting in self.folio.postings:
            self.add_row(*self._cells(posting), key=str(posting.id))

    def _cells(self, posting: PostingView) -> list[Text]:
        style = "dim" if posting.reversed or posting.is_reversal else ""
        amount = format_money(posting.amount, self.folio.currency)
        note = posting.reason
        if posting.reversed:
            note = "↺ reversed" + (f": {note}" if note else "")
        return [
            Text(short_date(posting.business_date), style=style),
            Text(posting.code, style=style),
            Text(posting.description, style=style, overflow="ellipsis", no_wrap=True),
            Text(amount, style=style, justify="right"),
            Text(posting.username, style=style),
            Text(note, style=style, overflow="ellipsis", no_wrap=True),
        ]

    @property
    def posting(self) -> PostingView | None:
        """The posting under the cursor."""
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return next((p for p in self.folio.postings if str(p.id) == key), None)


def switch_line(folios: list[FolioView], current: int) -> Text:
    """`▸ Guest €5.00  │    Company €0.00`: every folio with its balance, the current one marked."""
    switch = Text()
    for index, folio in enumerate(folios):
        if index:
            switch.append("  │  ")
        mark = "▸ " if index == current else "  "
        line = f"{mark}{folio.name} {folio.balance_text}"
        if not folio.is_open:
            line += " (closed)"
        switch.append(line, style="bold reverse" if index == current else "")
    if len(folios) > 1:
        switch.append("   [ ] switch · s split", style="dim")
    return switch


def balance_line(account: StayFolios, folio: FolioView | None) -> Text:
    """The current folio's balance, the stay's when it has several folios, and the invoice of a
    closed folio."""
    if folio is None:
        return Text("No postings yet · p posts a charge, $ takes a deposit")
    line = Text(f"Balance of {folio.name}: ", style="bold")
    line.append(folio.balance_text, style="bold")
    if len(account.folios) > 1:
        line.append(f" · stay {format_money(account.balance, folio.currency)}")
    if folio.invoice_number is not None:
        line.append(f" · closed, invoice {folio.property_code}-{folio.invoice_number:06d}")
        line.append(" (i shows it)", style="dim")
    return line
