"""Reservations as a table, one a row: the lists' full version and the dashboard's narrow one."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from pms.stays.reservation_lists import ReservationSummary
from screens.status_marks import STATES, stay_state


class ReservationTable(DataTable[Text]):
    """Reservations, one a row keyed by confirmation number; `compact` is the dashboard's
    narrow version. `enter` posts DataTable.RowSelected, which the screen turns into the detail."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = DataTable.COMPONENT_CLASSES | {
        f"state--{key}" for key in STATES
    }

    def __init__(self, *, compact: bool = False, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.compact = compact
        self._shown: tuple[list[ReservationSummary], dt.date | None] = ([], None)

    def on_mount(self) -> None:
        if self.compact:
            self.add_columns("", "Guest", "Type", "Nts", "Room")
        else:
            self.add_columns("Status", "Guest", "Conf.", "Type", "Room", "Stay", "Nts", "Pax")
        # Cells carry the theme's colours from when they were made: remake them on a new theme.
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.show(*self._shown))

    def show(self, rows: list[ReservationSummary], business_date: dt.date | None) -> None:
        """Replace the rows, keeping the cursor on the same reservation when it is still listed."""
        self._shown = (rows, business_date)
        keep = None
        if self.row_count:
            keep = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        self.clear()
        for row in rows:
            self.add_row(*self._cells(row, business_date), key=row.confirmation)
        if keep is not None and keep in self.rows:
            self.move_cursor(row=self.get_row_index(keep))

    def _cells(self, row: ReservationSummary, business_date: dt.date | None) -> list[Text]:
        state = stay_state(row.status, row.departure, business_date)
        symbol, word = STATES[state]
        style = self.get_component_rich_style(f"state--{state}", partial=True)
        guest = Text(row.guest_name, style=style, overflow="ellipsis", no_wrap=True)
        guest.truncate(16 if row.member_number else 18, overflow="ellipsis")
        if row.member_number:  # a loyalty member: a mark, the number is on the stay and profile
            guest.append(" ◆", style="bold")
        if self.compact:
            return [Text(symbol, style=style), guest, Text(row.room_type), _nights(row), _room(row)]
        stay = f"{row.arrival:%d.%m}–{row.departure:%d.%m}"
        party = f"{row.adults}+{row.children}" if row.children else str(row.adults)
        return [
            Text(f"{symbol} {word}", style=style),
            guest,
            Text(row.confirmation),
            Text(row.room_type),
            _room(row),
            Text(stay),
            _nights(row),
            Text(party, justify="right"),
        ]


def _nights(row: ReservationSummary) -> Text:
    return Text(f"{row.nights}n", justify="right")


def _room(row: ReservationSummary) -> Text:
    return Text(row.room or "—")
