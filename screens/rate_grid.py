"""The rate calendar's grid: room types down, nights across, each cell two lines — the price,
then the rooms left and the restriction marks.

A Line API widget (STYLE.md, "Big grids"): each room type's cells are built once into a
full-width `Strip` and cached, then cropped to the view; the room type gutter and the date header
stay put while the cells scroll under them. The cursor and the selection are attributes the
screen sets; their watchers redraw only the rows they touch. The grid is not focusable: the
screen's keys move the cursor, so the arrow keys never scroll it by themselves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from pms.money import from_minor
from pms.rates import RateCell, RateRow
from screens.widgets import cropped_line, follow

#: Characters of one cell: a space, then six for the figures.
STEP = 7
INNER = STEP - 1
#: Lines of the date header, and lines per room type.
HEADER = 1
ROW_LINES = 2


@dataclass(frozen=True)
class GridCursor:
    """The cell under the cursor: a room type (row index) on a night."""

    row: int
    night: dt.date


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


class RateGrid(ScrollView, can_focus=False):
    """Prices, rooms left and restriction marks of one rate plan: room types × nights."""

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

    #: The cell under the cursor (None until the first rates arrive).
    cursor: var[GridCursor | None] = var(None)
    #: The block marked for editing, or None.
    selection: var[GridSelection | None] = var(None)

    @dataclass
    class CellClicked(Message):
        """The clerk clicked a cell: the screen moves the cursor there."""

        row: int
        night: dt.date

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[RateRow] = []
        self.start: dt.date | None = None
        self.nights = 0
        self.business_date: dt.date | None = None
        self.currency = "EUR"
        self._version = 0
        self._cache: LRUCache[tuple[object, ...], tuple[Strip, Strip]] = LRUCache(256)

    # What to show ------------------------------------------------------------------------------

    def show(
        self, rows: list[RateRow], start: dt.date, business_date: dt.date, currency: str
    ) -> None:
        """Lay out a new window of the sheet (all rows drawn again)."""
        self.rows, self.start, self.business_date, self.currency = (
            rows,
            start,
            business_date,
            currency,
        )
        self.nights = len(rows[0].cells) if rows else 0
        self._version += 1
        self._cache.clear()
        self.virtual_size = Size(
            self.gutter_width + self.nights * STEP, HEADER + len(rows) * ROW_LINES
        )
        self.refresh()
        self._scroll_to_cursor()

    @property
    def gutter_width(self) -> int:
        """Columns of the fixed room type gutter on the left."""
        return max([3, *(len(row.room_type) for row in self.rows)]) + 2

    def column(self, night: dt.date) -> int | None:
        """The column of a night in the window, or None when it is outside."""
        if self.start is None:
            return None
        index = (night - self.start).days
        return index if 0 <= index < self.nights else None

    def cell(self, cursor: GridCursor) -> RateCell | None:
        """The data under a cursor, when that cell is in the window."""
        column = self.column(cursor.night)
        if column is None or not 0 <= cursor.row < len(self.rows):
            return None
        return self.rows[cursor.row].cells[column]

    # Keeping redraws small ---------------------------------------------------------------------

    def watch_cursor(self, old: GridCursor | None, new: GridCursor | None) -> None:
        for row in {cursor.row for cursor in (old, new) if cursor is not None}:
            self._refresh_row(row)
        self.refresh(Region(0, 0, self.size.width, HEADER))  # the cursor's date is marked
        self._scroll_to_cursor()

    def watch_selection(self, old: GridSelection | None, new: GridSelection | None) -> None:
        rows: set[int] = set()
        for block in (old, new):
            if block is not None:
                rows.update(range(block.first_row, block.last_row + 1))
        for row in rows:
            self._refresh_row(row)

    def _refresh_row(self, row: int) -> None:
        self.refresh_lines(HEADER + row * ROW_LINES, ROW_LINES)

    def _scroll_to_cursor(self) -> None:
        cursor = self.cursor
        column = self.column(cursor.night) if cursor else None
        if cursor is None or column is None:
            return
        view_width = max(STEP, self.scrollable_content_region.width - self.gutter_width)
        view_height = max(ROW_LINES, self.scrollable_content_region.height - HEADER)
        x = follow(self.scroll_x, column * STEP, STEP, view_width)
        y = follow(self.scroll_y, cursor.row * ROW_LINES, ROW_LINES, view_height)
        self.scroll_to(x, y, animate=False)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()  # a new theme: the cached strips carry the old colours

    # Drawing -----------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        if y < HEADER:
            gutter, cells = self._header()
        else:
            row, part = divmod(y - HEADER + scroll_y, ROW_LINES)
            if row >= len(self.rows):
                return Strip.blank(width, self.rich_style)
            gutter, cells = self._row(row)[part], self._row_cells(row)[part]
        return cropped_line(gutter, cells, scroll_x, width, self.rich_style)

    def _style(self, name: str) -> Style:
        """A component's colour and text style, to lay over a cell's own."""
        return self.get_component_rich_style(f"rate-grid--{name}", partial=True)

    def _fill(self, name: str) -> Style:
        """A component's background only, blended onto the grid's (the theme's `$boost` and
        the like are translucent)."""
        return Style(bgcolor=self.get_component_rich_style(f"rate-grid--{name}").bgcolor)

    def _header(self) -> tuple[Strip, Strip]:
        cursor_column = self.column(self.cursor.night) if self.cursor else None
        key = ("header", self._version, cursor_column)
        if key not in self._cache:
            base = self.rich_style + self._style("header")
            gutter = Strip([Segment("Type".ljust(self.gutter_width), base)])
            segments = []
            for index in range(self.nights):
                night = self._night(index)
                style = base
                if night.weekday() >= 5:
                    style += self._style("weekend")
                if night == self.business_date:
                    style += self._style("today")
                if index == cursor_column:
                    style += self.get_component_rich_style("rate-grid--cursor")
                today = "•" if night == self.business_date else " "
                segments.append(Segment(f"{today}{night:%a %d}"[-STEP:].rjust(STEP), style))
            self._cache[key] = (gutter, Strip(segments, self.nights * STEP))
        return self._cache[key]

    def _night(self, index: int) -> dt.date:
        assert self.start is not None
        return self.start + dt.timedelta(days=index)

    def _row(self, row: int) -> tuple[Strip, Strip]:
        """The gutter's two lines for a room type (its code, bold on the cursor's row)."""
        on_cursor = self.cursor is not None and self.cursor.row == row
        key = ("gutter", self._version, row, on_cursor)
        if key not in self._cache:
            base = self._base(row)
            code = base + self._style("gutter")
            if on_cursor:
                code += self.get_component_rich_style("rate-grid--cursor")
            width = self.gutter_width
            self._cache[key] = (
                Strip([Segment(f" {self.rows[row].room_type}".ljust(width - 1), code),
                       Segment(" ", base)]),
                Strip([Segment(" " * width, base)]),
            )  # fmt: skip
        return self._cache[key]

    def _base(self, row: int) -> Style:
        return self.rich_style + (self._fill("odd") if row % 2 else Style())

    def _row_cells(self, row: int) -> tuple[Strip, Strip]:
        """A room type's two full-width lines of cells, cached until the data, the cursor or
        the selection on this row changes."""
        cursor = self.cursor
        cursor_column = (
            self.column(cursor.night) if cursor is not None and cursor.row == row else None
        )
        selected = self._selected_columns(row)
        key = ("cells", self._version, row, cursor_column, selected)
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
                overlay = self.get_component_rich_style("rate-grid--cursor")
            price_text, price_style = self._price(cell)
            prices.append(Segment(price_text, base + price_style + overlay))
            counts.extend(self._counts(cell, base, overlay))
        width = self.nights * STEP
        lines = (Strip(prices, width), Strip(counts, width))
        self._cache[key] = lines
        return lines

    def _selected_columns(self, row: int) -> tuple[int, int] | None:
        block, start = self.selection, self.start
        if block is None or start is None or not block.first_row <= row <= block.last_row:
            return None
        first = max(0, (block.first - start).days)
        last = min(self.nights - 1, (block.last - start).days)
        return (first, last) if first <= last else None

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

    # Mouse -------------------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < HEADER or offset.x < self.gutter_width:
            return
        column = (offset.x - self.gutter_width + self.scroll_offset.x) // STEP
        row = (offset.y - HEADER + self.scroll_offset.y) // ROW_LINES
        if 0 <= column < self.nights and 0 <= row < len(self.rows):
            self.post_message(self.CellClicked(row, self._night(column)))
