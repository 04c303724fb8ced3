"""The room rack's grid: rooms down, nights across, each stay a bar with the guest's name.

A date grid (`screens.date_grid`): each room's line is cached by (room, revision of its line,
cursor on it, stay picked up on it); the room gutter (number, type, housekeeping mark) and the
date header stay put while the nights scroll under them. `update` compares the rooms of a fresh
read with those shown and drops the cache of, and redraws, only the rooms whose line changed —
one remote change, one line redrawn.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.reactive import var
from textual.strip import Strip

from pms.frontdesk.rack import RackRoom, RackView
from pms.frontdesk.rack_bars import RackBar
from screens.date_grid import STEP, DateGrid, GridCursor
from screens.status_marks import BAR_SYMBOLS, HOUSEKEEPING_MARKS


class RackGrid(DateGrid):
    """Rooms × nights with stays as bars, out-of-order blocks and out-of-service hatching."""

    PREFIX = "rack"
    CACHE_SIZE = 1024
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

    #: The stay picked up to move (its bars are marked), or "".
    picked: var[str] = var("")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rooms: list[RackRoom] = []
        self._revisions: dict[str, int] = {}  # per room, bumped when its line changes

    # What to show ------------------------------------------------------------------------------

    def show(self, view: RackView) -> None:
        """Lay out a new window (or a new set of rooms): everything is drawn again."""
        self.rooms = list(view.rooms)
        self._revisions.clear()
        self.lay_out(view.start, view.days, view.business_date)

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
                self.refresh_row(row)
                changed.append(row)
        return changed

    @property
    def row_count(self) -> int:
        return len(self.rooms)

    @property
    def gutter_width(self) -> int:
        """Columns of the fixed gutter: number, type, housekeeping mark."""
        number, kind = self._label_widths()
        return number + kind + 6

    def _label_widths(self) -> tuple[int, int]:
        """Columns of the room numbers and of the room types in the gutter."""
        number = max([3, *(len(r.number) for r in self.rooms)])
        kind = max([3, *(len(r.room_type) for r in self.rooms)])
        return number, kind

    def room(self, row: int) -> RackRoom | None:
        """The room on a row, if there is one."""
        return self.rooms[row] if 0 <= row < len(self.rooms) else None

    def bar_at(self, cursor: GridCursor | None) -> RackBar | None:
        """The stay under a cursor, if any."""
        room = self.room(cursor.row) if cursor else None
        return room.bar_on(cursor.night) if room and cursor else None

    def bar_style(self, state: str) -> Style:
        """The colour of a stay's state on the rack, for the screen's panel to match it."""
        return self._style(state)

    def watch_picked(self, old: str, new: str) -> None:
        for row, room in enumerate(self.rooms):
            if any(bar.confirmation in (old, new) for bar in room.bars if bar.confirmation):
                self.refresh_row(row)

    # Drawing -----------------------------------------------------------------------------------

    def header_title(self) -> str:
        """The month of the window, or both when it spans two (`Dec–Jan 2027`, which fits the
        narrowest gutter)."""
        if not self.start:
            return ""
        last = self.start + dt.timedelta(days=max(self.days - 1, 0))
        if (last.year, last.month) == (self.start.year, self.start.month):
            return f"{self.start:%b %Y}"
        return f"{self.start:%b}–{last:%b %Y}"

    def night_label(self, night: dt.date) -> str:
        return f"{night:%a %d}".ljust(STEP)

    def row_line(self, row: int, part: int) -> tuple[Strip, Strip]:
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

    def _gutter(self, row: int, room: RackRoom, on_cursor: bool) -> Strip:
        base = self._base(row)
        number, kind = self._label_widths()
        label = base + self._style("gutter")
        if on_cursor:
            label += self._cursor_style()
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
        """A room's nights: out of order, then out of service, then the stays over them."""
        base = self._base(row)
        line = _RoomLine(self.days, base)
        for window in room.out_of_order:
            first, last = self.clip(window.start, window.end - dt.timedelta(days=1))
            if first is not None and last is not None:
                line.paint(first, last, f"▓OOO {window.reason} ", base + self._style("ooo"), "▓")
        self._hatch_out_of_service(line, room, base)
        for bar in room.bars:
            first, last = self.clip(bar.first_night, bar.last_night)
            if first is None or last is None:
                continue
            style = base + self._style(bar.state)
            if bar.confirmation == self.picked:
                style += self._style("picked")
            cut = "…" if bar.first_night < self.night(first) else ""
            symbol = BAR_SYMBOLS.get(bar.state, "?")
            line.paint(first, last, f"{symbol}{cut} {bar.guest_name} ", style, "━")
        if cursor_column is not None:
            line.overlay(cursor_column, self._cursor_style())
        return line.strip()

    def _hatch_out_of_service(self, line: _RoomLine, room: RackRoom, base: Style) -> None:
        """Out of service has no end date: hatch the free nights from the business date on."""
        if not room.out_of_service or self.business_date is None:
            return
        today = self.column(self.business_date)
        busy = {i for b in room.bars for i in self._columns(b.first_night, b.last_night)}
        free = [
            i
            for i in range(today if today is not None else self.days, self.days)
            if i not in busy and room.window_on(self.night(i)) is None
        ]
        for run in _runs(free):
            label = "╱OOS " if run[0] == today else ""
            line.paint(run[0], run[-1], label, base + self._style("oos"), "╱")

    def _columns(self, first: dt.date, last: dt.date) -> range:
        a, b = self.clip(first, last)
        return range(a, b + 1) if a is not None and b is not None else range(0)


class _RoomLine:
    """One room's full-width line as it is painted: a character and a style per column."""

    def __init__(self, days: int, base: Style) -> None:
        self.width = days * STEP
        self.text = [" "] * self.width
        self.styles = [base] * self.width

    def paint(self, first: int, last: int, label: str, style: Style, fill: str) -> None:
        """Columns first..last (nights, included): the label, then fill; a gap at the end so
        bars that meet stay apart."""
        left, right = first * STEP, (last + 1) * STEP - 1
        body = (label + fill * (right - left))[: right - left]
        if len(label) > right - left and right - left > 1:
            body = body[:-1] + "…"
        for offset, char in enumerate(body):
            self.text[left + offset] = char
            self.styles[left + offset] = style

    def overlay(self, column: int, style: Style) -> None:
        """Lay `style` over one night's columns (the cursor's)."""
        for offset in range(column * STEP, (column + 1) * STEP):
            self.styles[offset] = self.styles[offset] + style

    def strip(self) -> Strip:
        """The line as drawn: one segment per run of columns in one style (a segment per
        column, simplified after, cost two thirds of a 300-room rack's redraw)."""
        text, styles, segments = self.text, self.styles, []
        start = 0
        for column in range(1, self.width + 1):
            if column == self.width or (
                styles[column] is not styles[start] and styles[column] != styles[start]
            ):
                segments.append(Segment("".join(text[start:column]), styles[start]))
                start = column
        return Strip(segments, self.width)


def _runs(columns: list[int]) -> list[list[int]]:
    """Ascending columns grouped into runs of neighbours: [1, 2, 4] → [[1, 2], [4]]."""
    runs: list[list[int]] = []
    for index in columns:
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    return runs
