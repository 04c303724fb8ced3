"""The base of the screens over a date grid (the room rack, the rate calendar).

A cursor on a row and a night: the arrows move it a row or a night, `pgup`/`pgdn` turn the
window a week, `g` moves the window to a date; past the window's edge the window follows the
cursor. Each screen says which grid it shows, how it reads a window and what it says about the
cell under the cursor.
"""

from __future__ import annotations

import datetime as dt

from screens.date_grid import DateGrid, GridCursor
from screens.go_to_date import GoToDateScreen


class DateGridScreen(GoToDateScreen):
    """A screen over a `DateGrid`: the window of nights from `start` and the cursor in it."""

    def __init__(self) -> None:
        super().__init__()
        #: The first night shown (None until the first read says where the business date is).
        self.start: dt.date | None = None
        #: Nights shown: 14 until the screen knows its width.
        self.days = 14
        self.cursor: GridCursor | None = None

    @property
    def grid(self) -> DateGrid:
        """The grid."""
        raise NotImplementedError

    def load_window(self) -> None:
        """Read the window from `start` (in a worker)."""
        raise NotImplementedError

    def show_cursor(self) -> None:
        """Show the cursor on the grid, and what is under it."""
        raise NotImplementedError

    def action_move(self, rows: int, days: int) -> None:
        """Move the cursor a row or a night."""
        if self.cursor is not None:
            self.move_to(self.cursor.row + rows, self.cursor.night + dt.timedelta(days=days))

    def action_page(self, days: int) -> None:
        """Turn the window (and the cursor) by `days`."""
        if self.cursor is not None and self.start is not None:
            self.start += dt.timedelta(days=days)
            self.move_to(self.cursor.row, self.cursor.night + dt.timedelta(days=days))
            self.load_window()

    def move_to(self, row: int, night: dt.date) -> None:
        """Put the cursor on a row and a night; the window follows it past its edge."""
        if self.cursor is None or self.start is None:
            return
        self.cursor = GridCursor(max(0, min(row, self.grid.row_count - 1)), night)
        last = self.start + dt.timedelta(days=self.days - 1)
        if not self.start <= night <= last:
            self.start = night if night < self.start else night - dt.timedelta(days=self.days - 1)
            self.load_window()
        self.show_cursor()

    def show_from(self, day: dt.date) -> None:
        """The window from `day`, the cursor on it in the same row."""
        if self.cursor is None:
            return
        self.start = day
        self.load_window()
        self.move_to(self.cursor.row, day)
