"""The room rack's grid: rooms down, nights across, each stay a bar with the guest's name.

A Line API widget (STYLE.md, "Big grids"): each room's line is built once into a full-width
`Strip`, cached by (room, revision of its line, cursor on it), then cropped to the view; the
room gutter (number, type, housekeeping mark) and the date header stay put while the nights
scroll under them. `update` compares the rooms of a fresh read with those shown and drops the
cache of, and redraws, only the rooms whose line changed — one remote change, one line redrawn.
The grid is not focusable: the screen's keys move the cursor.
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

from pms.rack import RackBar, RackRoom, RackView
from screens.widgets import cropped_line, follow

#: Columns per night, and lines of the date header.
STEP = 7
HEADER = 1

#: A stay's look on the rack: a symbol leads its bar, so colour is never the only sign.
BAR_SYMBOLS: dict[str, str] = {
    "tentative": "◌",
    "confirmed": "●",
    "in-house": "▶",
    "due-out": "◀",
    "checked-out": "✓",
}
#: Housekeeping as a dot whose shape says it too: dirty ○ red, clean ◐ yellow, inspected ● green.
HOUSEKEEPING_MARKS: dict[str, str] = {"dirty": "○", "clean": "◐", "inspected": "●"}


@dataclass(frozen=True)
class RackCursor:
    """The cell under the cursor: a room (row index) on a night."""

    row: int
    night: dt.date


class RackGrid(ScrollView, can_focus=False):
    """Rooms × nights with stays as bars, out-of-order blocks and out-of-service hatching."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "rack--header",
        "rack--weekend",
        "rack--today",
        "rack--gutter",
        "rack--odd",
        "rack--tentative",
        "rack--confirmed",
        "rack--in-house",
        "rack--due-out",
        "rack--checked-out",
        "rack--ooo",
        "rack--oos",
        "rack--dirty",
        "rack--clean",
        "rack--inspected",
        "rack--cursor",
        "rack--picked",
    }

    #: The cell under the cursor (None until the rack first arrives).
    cursor: var[RackCursor | None] = var(None)
    #: The stay picked up to move (its bars are marked), or "".
    picked: var[str] = var("")

    @dataclass
    class CellClicked(Message):
        """The clerk clicked a cell: the screen moves the cursor there."""

        row: int
        night: dt.date

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rooms: list[RackRoom] = []
        self.start: dt.date | None = None
        self.days = 0
        self.business_date: dt.date | None = None
        self._layout = 0  # bumped for a new window: every cached line is stale
        self._revisions: dict[str, int] = {}  # per room, bumped when its line changes
        self._cache: LRUCache[tuple[object, ...], tuple[Strip, Strip]] = LRUCache(1024)

    # What to show ------------------------------------------------------------------------------

    def show(self, view: RackView) -> None:
        """Lay out a new window (or a new set of rooms): everything is drawn again."""
        self.rooms = list(view.rooms)
        self.start, self.days, self.business_date = view.start, view.days, view.business_date
        self._layout += 1
        self._revisions.clear()
        self._cache.clear()
        self.virtual_size = Size(self.gutter_width + self.days * STEP, HEADER + len(self.rooms))
        self.refresh()
        self._scroll_to_cursor()

    def update(self, view: RackView) -> list[int]:
        """Take a fresh read of the same window: redraw only the rooms whose line changed.
        Returns the rows redrawn (a different window or set of rooms is laid out anew)."""
        same_window = (view.start, view.days, view.business_date) == (
            self.start,
            self.days,
            self.business_date,
        )
        if not same_window or [r.number for r in view.rooms] != [r.number for r in self.rooms]:
            self.show(view)
            return list(range(len(view.rooms)))
        changed = []
        for row, (old, new) in enumerate(zip(self.rooms, view.rooms, strict=True)):
            if old != new:
                self.rooms[row] = new
                self._revisions[new.number] = self._revisions.get(new.number, 0) + 1
                self.refresh_lines(HEADER + row)
                changed.append(row)
        return changed

    @property
    def gutter_width(self) -> int:
        """Columns of the fixed gutter: number, type, housekeeping mark."""
        number = max([3, *(len(r.number) for r in self.rooms)])
        kind = max([3, *(len(r.room_type) for r in self.rooms)])
        return number + kind + 6

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

    def room(self, row: int) -> RackRoom | None:
        """The room on a row, if there is one."""
        return self.rooms[row] if 0 <= row < len(self.rooms) else None

    def bar_at(self, cursor: RackCursor | None) -> RackBar | None:
        """The stay under a cursor, if any."""
        room = self.room(cursor.row) if cursor else None
        return room.bar_on(cursor.night) if room and cursor else None

    # Keeping redraws small ---------------------------------------------------------------------

    def watch_cursor(self, old: RackCursor | None, new: RackCursor | None) -> None:
        for row in {cursor.row for cursor in (old, new) if cursor is not None}:
            self.refresh_lines(HEADER + row)
        if old is None or new is None or old.night != new.night:
            self.refresh(Region(0, 0, self.size.width, HEADER))  # the cursor's date is marked
        self._scroll_to_cursor()

    def watch_picked(self, old: str, new: str) -> None:
        for row, room in enumerate(self.rooms):
            if any(bar.confirmation in (old, new) for bar in room.bars if bar.confirmation):
                self.refresh_lines(HEADER + row)

    def _scroll_to_cursor(self) -> None:
        cursor = self.cursor
        column = self.column(cursor.night) if cursor else None
        if cursor is None or column is None:
            return
        view_width = max(STEP, self.scrollable_content_region.width - self.gutter_width)
        view_height = max(1, self.scrollable_content_region.height - HEADER)
        x = follow(self.scroll_x, column * STEP, STEP, view_width)
        y = follow(self.scroll_y, cursor.row, 1, view_height)
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
            row = y - HEADER + scroll_y
            if row >= len(self.rooms):
                return Strip.blank(width, self.rich_style)
            gutter, cells = self._line(row)
        return cropped_line(gutter, cells, scroll_x, width, self.rich_style)

    def bar_style(self, state: str) -> Style:
        """The colour of a stay's state on the rack, for the screen's panel to match it."""
        return self._style(state)

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"rack--{name}", partial=True)

    def _header(self) -> tuple[Strip, Strip]:
        cursor_column = self.column(self.cursor.night) if self.cursor else None
        key = ("header", self._layout, cursor_column)
        if key not in self._cache:
            base = self.rich_style + self._style("header")
            title = f"{self.start:%b %Y}" if self.start else ""
            gutter = Strip([Segment(title.ljust(self.gutter_width)[: self.gutter_width], base)])
            segments = []
            for index in range(self.days):
                night = self.night(index)
                style = base
                if night.weekday() >= 5:
                    style += self._style("weekend")
                if night == self.business_date:
                    style += self._style("today")
                if index == cursor_column:
                    style += self.get_component_rich_style("rack--cursor")
                segments.append(Segment(f"{night:%a %d}".ljust(STEP), style))
            self._cache[key] = (gutter, Strip(segments, self.days * STEP))
        return self._cache[key]

    def _line(self, row: int) -> tuple[Strip, Strip]:
        """A room's gutter and full-width line of nights, cached until the room's line, the
        cursor on it or the stay picked up on it changes."""
        room = self.rooms[row]
        cursor = self.cursor
        cursor_column = self.column(cursor.night) if cursor and cursor.row == row else None
        picked = self.picked if any(b.confirmation == self.picked for b in room.bars) else ""
        key = (
            "room",
            self._layout,
            room.number,
            self._revisions.get(room.number, 0),
            cursor_column,
            picked,
        )
        if key not in self._cache:
            self._cache[key] = (
                self._gutter(row, room, cursor_column is not None),
                self._cells(row, room, cursor_column),
            )
        return self._cache[key]

    def _base(self, row: int) -> Style:
        odd = self.get_component_rich_style("rack--odd").bgcolor if row % 2 else None
        return self.rich_style + Style(bgcolor=odd)

    def _gutter(self, row: int, room: RackRoom, on_cursor: bool) -> Strip:
        base = self._base(row)
        number = max([3, *(len(r.number) for r in self.rooms)])
        kind = max([3, *(len(r.room_type) for r in self.rooms)])
        label = base + self._style("gutter")
        if on_cursor:
            label += self.get_component_rich_style("rack--cursor")
        mark = HOUSEKEEPING_MARKS.get(room.housekeeping, "?")
        oos = "S" if room.out_of_service else " "
        return Strip(
            [
                Segment(f"{room.number:<{number}} {room.room_type:<{kind}}", label),
                Segment(" ", base),
                Segment(mark, base + self._style(room.housekeeping)),
                Segment(oos, base + self._style("oos")),
                Segment("  ", base),
            ]
        )

    def _cells(self, row: int, room: RackRoom, cursor_column: int | None) -> Strip:
        base = self._base(row)
        text = [" "] * (self.days * STEP)
        styles = [base] * (self.days * STEP)

        def paint(first: int, last: int, label: str, style: Style, fill: str) -> None:
            """Columns first..last (nights, included): the label, then fill; a gap at the end
            so bars that meet stay apart."""
            left, right = first * STEP, (last + 1) * STEP - 1
            body = (label + fill * (right - left))[: right - left]
            if len(label) > right - left and right - left > 1:
                body = body[:-1] + "…"
            for offset, char in enumerate(body):
                text[left + offset] = char
                styles[left + offset] = style

        for window in room.out_of_order:
            first, last = self._clip(window.start, window.end - dt.timedelta(days=1))
            if first is not None and last is not None:
                paint(first, last, f"▓OOO {window.reason} ", base + self._style("ooo"), "▓")
        if room.out_of_service and self.business_date is not None:
            # Out of service has no end date: hatch the free nights from the business date on.
            today = self.column(self.business_date)
            busy = {i for b in room.bars for i in self._columns(b.first_night, b.last_night)}
            free = [
                i
                for i in range(today if today is not None else self.days, self.days)
                if i not in busy and room.window_on(self.night(i)) is None
            ]
            runs: list[list[int]] = []
            for index in free:
                if runs and runs[-1][-1] == index - 1:
                    runs[-1].append(index)
                else:
                    runs.append([index])
            for run in runs:
                label = "╱OOS " if run[0] == today else ""
                paint(run[0], run[-1], label, base + self._style("oos"), "╱")
        for bar in room.bars:
            first, last = self._clip(bar.first_night, bar.last_night)
            if first is None or last is None:
                continue
            style = base + self._style(bar.state)
            if bar.confirmation == self.picked:
                style += self._style("picked")
            cut = "…" if bar.first_night < self.night(first) else ""
            paint(
                first, last, f"{BAR_SYMBOLS.get(bar.state, '?')}{cut} {bar.guest_name} ", style, "━"
            )
        if cursor_column is not None:
            cursor = self.get_component_rich_style("rack--cursor")
            for offset in range(cursor_column * STEP, (cursor_column + 1) * STEP):
                styles[offset] = styles[offset] + cursor
        segments = [Segment(char, style) for char, style in zip(text, styles, strict=True)]
        return Strip(Segment.simplify(segments), self.days * STEP)

    def _columns(self, first: dt.date, last: dt.date) -> range:
        a, b = self._clip(first, last)
        return range(a, b + 1) if a is not None and b is not None else range(0)

    def _clip(self, first: dt.date, last: dt.date) -> tuple[int | None, int | None]:
        """The columns of nights first..last within the window, or (None, None) outside it."""
        if self.start is None:
            return None, None
        a = max(0, (first - self.start).days)
        b = min(self.days - 1, (last - self.start).days)
        return (a, b) if a <= b else (None, None)

    # Mouse -------------------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < HEADER or offset.x < self.gutter_width:
            return
        column = (offset.x - self.gutter_width + self.scroll_offset.x) // STEP
        row = offset.y - HEADER + self.scroll_offset.y
        if 0 <= column < self.days and 0 <= row < len(self.rooms):
            self.post_message(self.CellClicked(row, self.night(column)))
