"""Reservation lists: F4 arrivals and F6 departures of the business date, F5 in-house, and every
reservation (ctrl+l). `/` filters by guest name or confirmation number as the clerk types.

Each keystroke starts a new read (an exclusive worker); an answer that comes back for a filter
the clerk has already changed is dropped, so the list always matches what the box says.

On a row, `c` checks the arrival in, `o` checks the guest out and `f` opens the folios — each
offered only when it applies to the stay under the cursor.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Input, Static
from textual.worker import Worker, WorkerState

from pms.hotel.properties import property_view
from pms.stays.reservation_lists import ReservationSummary, list_reservations
from screens.dates import long_date
from screens.desk_footer import DeskFooter
from screens.desk_screen import DeskScreen
from screens.header import DeskHeader
from screens.messages import (
    ListKind,
    OpenCheckIn,
    OpenCheckOut,
    OpenFolio,
    OpenReservation,
    PropertyLoaded,
    ReservationsLoaded,
)
from screens.reservation_table import ReservationTable
from screens.stay_actions import STAY_KEYS, stay_actions
from screens.typing import DeskInput

#: The lists by name, as the footer, the title and the command palette say them.
LIST_TITLES: dict[ListKind, str] = {
    "arrivals": "Arrivals",
    "in_house": "In-house",
    "departures": "Departures",
    "all": "All reservations",
}


class ReservationListScreen(DeskScreen[None]):
    """One list of reservations with an as-you-type filter."""

    CSS_PATH = "reservation_list.tcss"
    AUTO_FOCUS = "#reservations"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("slash", "filter", "Filter", tooltip="Filter by guest or confirmation"),
        Binding("r", "refresh", "Refresh", tooltip="Read the list again"),
        Binding("n", "app.new_reservation", "New", tooltip="New reservation", show=False),
        *(
            Binding(key, action, description, tooltip=tooltip)
            for action, (key, description, tooltip) in STAY_KEYS.items()
        ),
    ]

    def __init__(self, kind: ListKind) -> None:
        super().__init__()
        self.kind: ListKind = kind
        self.business_date: dt.date | None = None
        self.rows: dict[str, ReservationSummary] = {}

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        yield Static(Text(LIST_TITLES[self.kind]), id="list-title")
        yield DeskInput(
            placeholder="/ filter: guest name or confirmation", id="filter", compact=True
        )
        yield ReservationTable(id="reservations")
        yield DeskFooter()

    @property
    def table(self) -> ReservationTable:
        """The reservations shown."""
        return self.query_one("#reservations", ReservationTable)

    @property
    def filter_text(self) -> str:
        """What the clerk typed in the filter box."""
        return self.query_one("#filter", Input).value.strip()

    @property
    def highlighted(self) -> ReservationSummary | None:
        """The reservation under the cursor."""
        table = self.table
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.rows.get(key or "")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`c`, `o` and `f` show only when they apply to the highlighted stay."""
        if action not in STAY_KEYS:
            return True
        row = self.highlighted
        if row is None:
            return False
        return action in stay_actions(row.status, row.arrival, row.departure, self.business_date)

    def action_check_in(self) -> None:
        """Pick a room for the highlighted arrival and check it in."""
        if (row := self.highlighted) is not None:
            self.post_message(OpenCheckIn(row.confirmation))

    def action_check_out(self) -> None:
        """Settle and check out the highlighted stay."""
        if (row := self.highlighted) is not None:
            self.post_message(OpenCheckOut(row.confirmation))

    def action_folio(self) -> None:
        """The highlighted stay's folios."""
        if (row := self.highlighted) is not None:
            self.post_message(OpenFolio(row.confirmation))

    @on(DataTable.RowHighlighted, "#reservations")
    def _highlighted(self) -> None:
        self.refresh_bindings()

    def on_screen_resume(self) -> None:
        self.action_refresh()

    def action_back(self) -> None:
        """Leave the filter box for the list; from the list, go back a screen."""
        if self.focused is self.query_one("#filter", Input):
            self.table.focus()
        else:
            self.dismiss()

    def action_filter(self) -> None:
        """Put the cursor in the filter box."""
        self.query_one("#filter", Input).focus()

    def action_refresh(self) -> None:
        """Read the list again."""
        if not self.table.row_count:
            self.table.loading = True
        self._load(self.filter_text)

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self._load(self.filter_text)

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.table.focus()

    @work(thread=True, exclusive=True, group="list", exit_on_error=False)
    def _load(self, text: str) -> None:
        hotel = self.desk.read(property_view, self.property_code)
        self.post_message(PropertyLoaded(hotel))
        today = hotel.business_date
        read = {
            "arrivals": {"arriving": today},
            "in_house": {"status": "checked_in"},
            "departures": {"departing": today},
            "all": {},
        }[self.kind]
        rows = self.desk.read(list_reservations, self.property_code, text=text, **read)
        self.post_message(ReservationsLoaded(self.kind, text, today, rows))

    @on(ReservationsLoaded)
    def _show(self, message: ReservationsLoaded) -> None:
        if message.text != self.filter_text:
            return  # the clerk typed on; a newer answer is on its way
        self.business_date = message.business_date
        self.rows = {row.confirmation: row for row in message.rows}
        self.table.loading = False
        self.table.show(message.rows, message.business_date)
        self.refresh_bindings()
        self.query_one("#list-title", Static).update(self._title(message.rows))

    def _title(self, rows: list[ReservationSummary]) -> Text:
        title = Text(LIST_TITLES[self.kind], style="bold")
        if self.kind in ("arrivals", "departures") and self.business_date:
            title.append(f" · {long_date(self.business_date)}")
        count = len(rows)
        title.append(f" · {count} reservation{'s' if count != 1 else ''}")
        if self.filter_text:
            title.append(f" matching “{self.filter_text}”")
        return title

    @on(DataTable.RowSelected, "#reservations")
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.post_message(OpenReservation(event.row_key.value))

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.table.loading = False
            self.report_failure(event.worker.error)
