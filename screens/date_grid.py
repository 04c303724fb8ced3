"""The base of the big grids (the room rack, the rate calendar): rows down, nights across.

A Line API widget (STYLE.md, "Big grids"): each row's lines are built once into full-width
`Strip`s and cached, then cropped to the view; the gutter on the left and the date header stay
put while the nights scroll under them. The cursor is an attribute the screen sets; its watcher
redraws only the rows it leaves and enters. The grid is not focusable: the screen's keys move
the cursor, so the arrow keys never scroll it by themselves.

This base knows the window of nights (night ↔ column), the header, the cursor, scrolling it
into view, clicks and the component styles; each grid draws its own rows.
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

#: Columns per night, and lines of the date header.
STEP = 7
HEADER = 1


def cropped_line(gutter: Strip, cells: Strip, scroll_x: int, width: int, style: Style) -> Strip:
    """A line of a big grid: the fixed `gutter`, then the full-width `cells` scrolled to
    `scroll_x`, cut or padded with `style` to `width`."""
    view = max(0, width - gutter.cell_length)
    return Strip.join([gutter, cells.crop(scroll_x, scroll_x + view)]).adjust_cell_length(
        width, style
    )


def follow(offset: float, start: int, size: int, view: int) -> float:
    """The scroll offset along one axis that brings `start`..`start + size` into a `view` wide
    window scrolled to `offset`, moving it as little as needed."""
    if start < offset:
        return start
    if start + size > offset + view:
        return start + size - view
    return offset


@dataclass(frozen=True)
class GridCursor:
    """The cell under the cursor: a row (its index) on a night."""

    row: int
    night: dt.date


class DateGrid(ScrollView, can_focus=False):
    """Rows × the nights from `start`: the header, the cursor and the mapping between nights and
    columns. A grid says how many rows it has, how wide its gutter is, what its header says and
    how each row's lines look; its component classes are named `<PREFIX>--<name>`."""

    #: The component classes' prefix (`rack` → `rack--header`, `rack--cursor` …).
    PREFIX: ClassVar[str] = ""
    #: Lines each row takes.
    ROW_LINES: ClassVar[int] = 1
    #: Strips kept drawn (a grid's rows and the header, each per cursor position).
    CACHE_SIZE: ClassVar[int] = 256

    #: The cell under the cursor (None until the grid is first filled).
    cursor: var[GridCursor | None] = var(None)

    @dataclass
    class CellClicked(Message):
        """The clerk clicked a cell: the screen moves the cursor there."""

        row: int
        night: dt.date

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.start: dt.date | None = None
        self.days = 0
        self.business_date: dt.date | None = None
        self._layout = 0  # bumped for a new window: every cached line is stale
        self._cache: LRUCache[tuple[object, ...], tuple[Strip, Strip]] = LRUCache(self.CACHE_SIZE)

    # What each grid says ----------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        """Rows of the grid."""
        raise NotImplementedError

    @property
    def gutter_width(self) -> int:
        """Columns of the fixed gutter on the left."""
        raise NotImplementedError

    def header_title(self) -> str:
        """What the header says over the gutter."""
        raise NotImplementedError

    def night_label(self, night: dt.date) -> str:
        """A night's header cell, STEP columns wide."""
        raise NotImplementedError

    def row_line(self, row: int, part: int) -> tuple[Strip, Strip]:
        """Line `part` of a row: its gutter and its full-width line of nights."""
        raise NotImplementedError

    # The window of nights ---------------------------------------------------------------------

    def lay_out(self, start: dt.date, days: int, business_date: dt.date | None) -> None:
        """Lay out a new window (or new rows): every line is drawn again."""
        self.start, self.days, self.business_date = start, days, business_date
        self._layout += 1
        self._cache.clear()
        self.virtual_size = Size(
            self.gutter_width + self.days * STEP, HEADER + self.row_count * self.ROW_LINES
        )
        self.refresh()
        self._scroll_to_cursor()

    def column(self, night: dt.date) -> int | None:
        """The column of a night in the window, or None when it is outside."""
        if self.start is None:
            return None
        index = (night - self.start).days
        return index if 0 <= index < self.days else None

    def night(self, index: int) -> dt.date:
        """The night of a column."""
        assert self.start is not None
        return self.start + dt.timedelta(days=index)

    def clip(self, first: dt.date, last: dt.date) -> tuple[int | None, int | None]:
        """The columns of nights first..last within the window, or (None, None) outside it."""
        if self.start is None:
            return None, None
        a = max(0, (first - self.start).days)
        b = min(self.days - 1, (last - self.start).days)
        return (a, b) if a <= b else (None, None)

    # Keeping redraws small --------------------------------------------------------------------

    def watch_cursor(self, old: GridCursor | None, new: GridCursor | None) -> None:
        for row in {cursor.row for cursor in (old, new) if cursor is not None}:
            self.refresh_row(row)
        if old is None or new is None or old.night != new.night:
            self.refresh(Region(0, 0, self.size.width, HEADER))  # the cursor's date is marked
        self._scroll_to_cursor()

    def refresh_row(self, row: int) -> None:
        """Redraw the lines of one row."""
        self.refresh_lines(HEADER + row * self.ROW_LINES, self.ROW_LINES)

    def _scroll_to_cursor(self) -> None:
        cursor = self.cursor
        column = self.column(cursor.night) if cursor else None
        if cursor is None or column is None:
            return
        region = self.scrollable_content_region
        view_width = max(STEP, region.width - self.gutter_width)
        view_height = max(self.ROW_LINES, region.height - HEADER)
        x = follow(self.scroll_x, column * STEP, STEP, view_width)
        y = follow(self.scroll_y, cursor.row * self.ROW_LINES, self.ROW_LINES, view_height)
        self.scroll_to(x, y, animate=False)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()  # a new theme: the cached strips carry the old colours

    # Drawing ----------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        if y < HEADER:
            gutter, cells = self._header()
        else:
            row, part = divmod(y - HEADER + scroll_y, self.ROW_LINES)
            if row >= self.row_count:
                return Strip.blank(width, self.rich_style)
            gutter, cells = self.row_line(row, part)
        return cropped_line(gutter, cells, scroll_x, width, self.rich_style)

    def _style(self, name: str) -> Style:
        """A component's colour and text style, to lay over a cell's own."""
        return self.get_component_rich_style(f"{self.PREFIX}--{name}", partial=True)

    def _fill(self, name: str) -> Style:
        """A component's background only, blended onto the grid's (the theme's `$boost` and
        the like are translucent)."""
        return Style(bgcolor=self.get_component_rich_style(f"{self.PREFIX}--{name}").bgcolor)

    def _cursor_style(self) -> Style:
        """The cursor's look, in full (it stands out from whatever is under it)."""
        return self.get_component_rich_style(f"{self.PREFIX}--cursor")

    def _base(self, row: int) -> Style:
        """A row's ground: every other row a shade lighter."""
        return self.rich_style + (self._fill("odd") if row % 2 else Style())

    def _header(self) -> tuple[Strip, Strip]:
        cursor_column = self.column(self.cursor.night) if self.cursor else None
        key = ("header", self._layout, cursor_column)
        if key not in self._cache:
            base = self.rich_style + self._style("header")
            width = self.gutter_width
            gutter = Strip([Segment(self.header_title().ljust(width)[:width], base)])
            segments = []
            for index in range(self.days):
                night = self.night(index)
                style = base
                if night.weekday() >= 5:
                    style += self._style("weekend")
                if night == self.business_date:
                    style += self._style("today")
                if index == cursor_column:
                    style += self._cursor_style()
                segments.append(Segment(self.night_label(night), style))
            self._cache[key] = (gutter, Strip(segments, self.days * STEP))
        return self._cache[key]

    # Mouse ------------------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < HEADER or offset.x < self.gutter_width:
            return
        column = (offset.x - self.gutter_width + self.scroll_offset.x) // STEP
        row = (offset.y - HEADER + self.scroll_offset.y) // self.ROW_LINES
        if 0 <= column < self.days and 0 <= row < self.row_count:
            self.post_message(self.CellClicked(row, self.night(column)))
