"""Availability (F9): rooms left per room type for 14 nights, from the business date on.

`←`/`→` move a day, `pgup`/`pgdn` a week, `g` goes to a date typed the way the desk types
dates (`4.12`, `+10`, `fri`). Each cell is capacity − sold; `+` marks a night sold out but
with overbooking allowance left, `!` a night already sold past capacity.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState

from pms.hotel.properties import property_view
from pms.inventory.nights import NightCount, RoomTypeAvailability, availability
from screens.dates import long_date, short_date
from screens.desk_footer import DeskFooter
from screens.go_to_date import GoToDate, GoToDateScreen
from screens.header import DeskHeader
from screens.messages import AvailabilityLoaded, PropertyLoaded

#: Nights shown at once: two weeks fit 80 columns.
NIGHTS = 14

LEGEND = "rooms left to sell (capacity − sold + allowance) · 2* allowance in use · -1! oversold"
DAY = Binding.Group("Day")
WEEK = Binding.Group("Week")


class AvailabilityTable(DataTable[Text]):
    """The grid itself: not focusable, so the arrow keys move the dates, not a cell cursor."""

    can_focus = False
    _shown: tuple[list[RoomTypeAvailability], dt.date | None] = ([], None)
    COMPONENT_CLASSES: ClassVar[set[str]] = DataTable.COMPONENT_CLASSES | {
        "night--open",
        "night--low",
        "night--allowance",
        "night--over",
        "night--full",
    }

    def on_mount(self) -> None:
        # Cells carry the theme's colours from when they were made: remake them on a new theme.
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.show(*self._shown))

    def show(self, grid: list[RoomTypeAvailability], business_date: dt.date) -> None:
        """Lay the grid out again: one row per room type and one for the whole hotel."""
        self._shown = (grid, business_date)
        self.clear(columns=True)
        self.add_column(Text("Type\n"), key="type")
        for night in grid[0].nights if grid else []:
            today = "•" if night.night == business_date else " "
            label = Text(f"{night.night:%a}\n{today}{night.night:%d}", justify="right")
            self.add_column(label, key=night.night.isoformat(), width=3)
        for room_type in grid:
            self.add_row(
                Text(room_type.code), *map(self._cell, room_type.nights), key=room_type.code
            )
        if len(grid) > 1:
            totals = [
                NightCount(
                    nights[0].night,
                    sum(n.capacity for n in nights),
                    sum(n.sold for n in nights),
                    sum(n.allowance for n in nights),
                )
                for nights in zip(*(rt.nights for rt in grid), strict=True)
            ]
            self.add_row(Text("All", style="bold"), *map(self._cell, totals), key="all")

    def _cell(self, night: NightCount) -> Text:
        left = night.available
        if left < 0:
            text, kind = f"{left}!", "over"
        elif night.free < 0 or (night.free == 0 and night.allowance and left):
            text, kind = f"{left}*", "allowance"
        elif left == 0:
            text, kind = "0", "full"
        else:
            text, kind = str(left), "low" if left <= 2 else "open"
        return Text(
            text,
            style=self.get_component_rich_style(f"night--{kind}", partial=True),
            justify="right",
        )


class AvailabilityScreen(GoToDateScreen):
    """Room types × 14 nights, moving by day, week or to a date."""

    CSS_PATH = "availability.tcss"
    AUTO_FOCUS = ""  # nothing to focus: the keys move the dates (the date box is hidden)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("left", "move(-1)", "Day earlier", tooltip="One day earlier", group=DAY),
        Binding("right", "move(1)", "Day later", tooltip="One day later", group=DAY),
        Binding("pageup", "move(-7)", "Week earlier", tooltip="One week earlier", group=WEEK),
        Binding("pagedown", "move(7)", "Week later", tooltip="One week later", group=WEEK),
        Binding("g", "go_to", "Go to", tooltip="Go to a date"),
        Binding("r", "refresh", "Refresh", tooltip="Read availability again"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.start: dt.date | None = None
        self.business_date: dt.date | None = None

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        yield Static(Text("Availability"), id="range")
        yield AvailabilityTable(id="grid", cursor_type="none", header_height=2)
        yield Static(Text(LEGEND), id="legend")
        yield GoToDate()
        yield DeskFooter()

    @property
    def grid(self) -> AvailabilityTable:
        """The availability grid."""
        return self.query_one("#grid", AvailabilityTable)

    def on_mount(self) -> None:
        self.grid.loading = True

    def on_screen_resume(self) -> None:
        self.action_refresh()

    def action_back(self) -> None:
        """Close the date box if open, else go back a screen."""
        if not self.close_goto():
            self.dismiss()

    def action_refresh(self) -> None:
        """Read the window shown again."""
        self._load(self.start)

    def action_move(self, days: int) -> None:
        """Move the window by `days` nights."""
        if self.start is not None:
            self.start += dt.timedelta(days=days)
            self._load(self.start)

    def show_from(self, day: dt.date) -> None:
        """The 14 nights from `day`."""
        self.start = day
        self._load(day)

    @work(thread=True, exclusive=True, group="availability", exit_on_error=False)
    def _load(self, start: dt.date | None) -> None:
        hotel = self.desk.read(property_view, self.property_code)
        self.post_message(PropertyLoaded(hotel))
        first = start or hotel.business_date
        grid = self.desk.read(
            availability, self.property_code, first, first + dt.timedelta(days=NIGHTS)
        )
        self.post_message(AvailabilityLoaded(first, hotel.business_date, grid))

    @on(AvailabilityLoaded)
    def _show(self, message: AvailabilityLoaded) -> None:
        if self.start not in (None, message.start):
            return  # the clerk has moved on; the answer for the new window is coming
        self.start, self.business_date = message.start, message.business_date
        self.goto.business_date = message.business_date
        self.grid.loading = False
        self.grid.show(message.grid, message.business_date)
        last = message.start + dt.timedelta(days=NIGHTS - 1)
        self.query_one("#range", Static).update(
            Text.assemble(
                ("Availability", "bold"),
                f"  {short_date(message.start)} – {long_date(last)}   • business date",
            )
        )

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.grid.loading = False
            self.report_failure(event.worker.error)
