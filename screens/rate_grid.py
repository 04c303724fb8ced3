"""The rate calendar's grid: room types down, nights across, each cell two lines — the price,
then the rooms left and the restriction marks.

A date grid (`screens.date_grid`): each room type's cells are cached by (row, cursor on it,
selection on it); the room type gutter and the date header stay put while the cells scroll
under them. The cursor and the selection are attributes the screen sets; their watchers redraw
only the rows they touch.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.reactive import var
from textual.strip import Strip

from pms.kernel.money import from_minor
from pms.rates.calendar_view import RateCell, RateRow
from screens.date_grid import STEP, DateGrid, GridCursor

#: Characters of one cell's figures (a space before them keeps cells apart).
INNER = STEP - 1


@dataclass(frozen=True)
class GridSelection:
    """A block of the sheet: room types first_row..last_row × nights first..last (included)."""

    first_row: int
    last_row: int
    first: dt.date
    last: dt.date

    @classmethod
    def between(cls, one: GridCursor, other: GridCursor) -> GridSelection:
        """The block with these two cells at opposite corners."""
        return cls(
            min(one.row, other.row),
            max(one.row, other.row),
            min(one.night, other.night),
            max(one.night, other.night),
        )

    @property
    def nights(self) -> int:
        """Nights in the block."""
        return (self.last - self.first).days + 1


def amount(minor: int, currency: str) -> str:
    """A price without its currency sign or grouping (`142.80`), to fit a cell."""
    return f"{from_minor(minor, currency):f}"


class RateGrid(DateGrid):
    """Prices, rooms left and restriction marks of one rate plan: room types × nights."""

    PREFIX = "rate-grid"
    ROW_LINES = 2
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "rate-grid--header",
        "rate-grid--weekend",
        "rate-grid--today",
        "rate-grid--gutter",
        "rate-grid--odd",
        "rate-grid--price",
        "rate-grid--no-price",
        "rate-grid--stop-sell",
        "rate-grid--left",
        "rate-grid--low",
        "rate-grid--full",
        "rate-grid--marks",
        "rate-grid--selected",
        "rate-grid--cursor",
    }

    #: The block marked for editing, or None.
    selection: var[GridSelection | None] = var(None)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[RateRow] = []
        self.currency = "EUR"

    # What to show ------------------------------------------------------------------------------

    def show(
        self, rows: list[RateRow], start: dt.date, business_date: dt.date, currency: str
    ) -> None:
        """Lay out a new window of the sheet (all rows drawn again)."""
        self.rows, self.currency = rows, currency
        self.lay_out(start, len(rows[0].cells) if rows else 0, business_date)

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def gutter_width(self) -> int:
        """Columns of the fixed room type gutter on the left."""
        return max([3, *(len(row.room_type) for row in self.rows)]) + 2

    def cell(self, cursor: GridCursor) -> RateCell | None:
        """The data under a cursor, when that cell is in the window."""
        column = self.column(cursor.night)
        if column is None or not 0 <= cursor.row < len(self.rows):
            return None
        return self.rows[cursor.row].cells[column]

    def watch_selection(self, old: GridSelection | None, new: GridSelection | None) -> None:
        rows: set[int] = set()
        for block in (old, new):
            if block is not None:
                rows.update(range(block.first_row, block.last_row + 1))
        for row in rows:
            self.refresh_row(row)

    # Drawing -----------------------------------------------------------------------------------

    def header_title(self) -> str:
        return "Type"

    def night_label(self, night: dt.date) -> str:
        today = "•" if night == self.business_date else " "
        return f"{today}{night:%a %d}"[-STEP:].rjust(STEP)

    def row_line(self, row: int, part: int) -> tuple[Strip, Strip]:
        return self._row(row)[part], self._row_cells(row)[part]

    def _row(self, row: int) -> tuple[Strip, Strip]:
        """The gutter's two lines for a room type (its code, bold on the cursor's row)."""
        on_cursor = self.cursor is not None and self.cursor.row == row
        key = ("gutter", self._layout, row, on_cursor)
        if key not in self._cache:
            base = self._base(row)
            code = base + self._style("gutter")
            if on_cursor:
                code += self._cursor_style()
            width = self.gutter_width
            self._cache[key] = (
                Strip([Segment(f" {self.rows[row].room_type}".ljust(width - 1), code),
                       Segment(" ", base)]),
                Strip([Segment(" " * width, base)]),
            )  # fmt: skip
        return self._cache[key]

    def _row_cells(self, row: int) -> tuple[Strip, Strip]:
        """A room type's two full-width lines of cells, cached until the data, the cursor or
        the selection on this row changes."""
        cursor = self.cursor
        cursor_column = (
            self.column(cursor.night) if cursor is not None and cursor.row == row else None
        )
        selected = self._selected_columns(row)
        key = ("cells", self._layout, row, cursor_column, selected)
        if key in self._cache:
            return self._cache[key]
        base = self._base(row)
        prices: list[Segment] = []
        counts: list[Segment] = []
        for index, cell in enumerate(self.rows[row].cells):
            overlay = Style()
            if selected and selected[0] <= index <= selected[1]:
                overlay = self._fill("selected")
            if index == cursor_column:
                overlay = self._cursor_style()
            price_text, price_style = self._price(cell)
            prices.append(Segment(price_text, base + price_style + overlay))
            counts.extend(self._counts(cell, base, overlay))
        width = self.days * STEP
        lines = (Strip(prices, width), Strip(counts, width))
        self._cache[key] = lines
        return lines

    def _selected_columns(self, row: int) -> tuple[int, int] | None:
        block = self.selection
        if block is None or not block.first_row <= row <= block.last_row:
            return None
        first, last = self.clip(block.first, block.last)
        return (first, last) if first is not None and last is not None else None

    def _price(self, cell: RateCell) -> tuple[str, Style]:
        if cell.price is None:
            return "—".rjust(STEP), self._style("no-price")
        text = amount(cell.price, self.currency)
        if len(text) > INNER:  # the cents give way first
            text = text.split(".")[0]
        if len(text) > INNER:
            text = text[: INNER - 1] + "…"
        style = self._style("stop-sell") if cell.stop_sell else self._style("price")
        return text.rjust(STEP), style

    def _counts(self, cell: RateCell, base: Style, overlay: Style) -> list[Segment]:
        """The rooms left on the right of the cell (under the price, so the figures line up),
        the restriction marks just before them (so they read with their own night)."""
        left = str(cell.available)
        kind = "full" if cell.available <= 0 else "low" if cell.available <= 2 else "left"
        room = INNER - len(left) - 1
        marks = cell.marks
        if len(marks) > room:
            marks = marks[: room - 1] + "…"
        return [
            Segment(" " + marks.rjust(room) + " ", base + self._style("marks") + overlay),
            Segment(left, base + self._style(kind) + overlay),
        ]
