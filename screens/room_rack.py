"""Rack (F7): the room rack / tape chart — rooms down, nights across from the business date, each
stay a bar with the guest's name, and the stays without a room in a panel on the right.

`←`/`→` move a day and `↑`/`↓` a room; past the edge the window follows. `pgup`/`pgdn` turn a
week, `g` goes to a date. `enter` opens the stay under the cursor; `a` gives the stay highlighted
in the panel (`tab` goes there) to the room under the cursor; `m` on an in-house stay picks it
up, and `m` again on another room moves it there (asking why); `e` keeps an in-house guest one
night longer. Changes made at other desks appear by themselves: the screen asks every
POLL_SECONDS whether anything changed, and if so reads the rack again and redraws only the
rooms whose line differs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.worker import Worker, WorkerState

from pms.frontdesk.polling import RackVersion
from pms.frontdesk.rack import RackView, UnassignedStay, changed_rack, room_rack
from pms.frontdesk.rack_bars import RackBar
from pms.frontdesk.stay_changes import extend_stay, move_room
from pms.stays.rooms import assign_room
from screens.date_grid import STEP, GridCursor
from screens.dates import long_date, short_date
from screens.desk_footer import DeskFooter
from screens.go_to_date import GoToDate
from screens.grid_screen import DateGridScreen
from screens.header import DeskHeader
from screens.messages import OpenReservation
from screens.rack_dialogs import ReasonDialog
from screens.rack_grid import RackGrid
from screens.rack_info import MOVING, UnassignedPanel, cell_info

#: Seconds between the questions "did anything change at another desk?".
POLL_SECONDS = 2.0
#: Nights shown: as many as the width holds, within these.
FEWEST_NIGHTS, MOST_NIGHTS = 5, 62
#: Columns of the unassigned stays panel.
PANEL_WIDTH = 24

LEGEND = "● booked ▶ in-house ◀ due out ✓ out ▓ OOO ╱ OOS · ○ dirty ◐ clean ● inspected"
WEEK = Binding.Group("Week")


@dataclass
class RackLoaded(Message):
    """The rack for the window asked for; `remote` when a poll found another desk's change."""

    view: RackView
    remote: bool = False


@dataclass
class RackChanged(Message):
    """A change made from the rack was stored: `done` says what, for the clerk."""

    done: str


class RoomRackScreen(DateGridScreen):
    """The tape chart: who is in which room on which night, and the keys to change it."""

    CSS_PATH = "room_rack.tcss"
    AUTO_FOCUS = ""  # the keys move the cursor; the panel takes the focus only on tab
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Drop the stay picked up, or go back"),
        Binding("left", "move(0, -1)", "Day earlier", show=False, tooltip="One day earlier"),
        Binding("right", "move(0, 1)", "Day later", show=False, tooltip="One day later"),
        Binding("up", "move(-1, 0)", "Up", show=False, tooltip="The room above"),
        Binding("down", "move(1, 0)", "Down", show=False, tooltip="The room below"),
        Binding("pageup", "page(-7)", "Week earlier", tooltip="One week earlier", group=WEEK),
        Binding("pagedown", "page(7)", "Week later", tooltip="One week later", group=WEEK),
        Binding("g", "go_to", "Go to", tooltip="Go to a date"),
        Binding("enter", "open", "Open", tooltip="Open the stay under the cursor"),
        Binding("a", "assign", "Assign",
                tooltip="Give the highlighted unassigned stay the room under the cursor"),
        Binding("m", "move_stay", "Move", tooltip="Move an in-house stay to another room"),
        Binding("e", "extend", "Extend", tooltip="Keep an in-house guest one night longer"),
        Binding("tab", "panel", "Unassigned", show=False, tooltip="The stays without a room"),
        Binding("ctrl+r", "refresh", "Refresh", show=False, tooltip="Read the rack again"),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.version: RackVersion = (-1, -1)
        self.business_date: dt.date | None = None
        self._poll_problem = ""

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        yield Static(Text("Room rack"), id="range")
        with Horizontal(id="rack-body"):
            yield RackGrid(id="rack")
            with Vertical(id="side", classes="panel") as side:
                side.border_title = "Unassigned"
                yield UnassignedPanel(id="unassigned")
        yield Static(id="cell-info")
        yield Static(Text(LEGEND), id="legend")
        yield GoToDate()
        yield DeskFooter()

    @property
    def grid(self) -> RackGrid:
        """The rack."""
        return self.query_one("#rack", RackGrid)

    @property
    def panel(self) -> UnassignedPanel:
        """The stays without a room."""
        return self.query_one("#unassigned", UnassignedPanel)

    @property
    def unassigned(self) -> list[UnassignedStay]:
        """The stays without a room in the window shown."""
        return self.panel.stays

    def on_mount(self) -> None:
        self.grid.loading = True
        self.days = self._fitting_nights()
        self.set_interval(POLL_SECONDS, self.poll)

    def on_screen_resume(self) -> None:
        self.action_refresh()  # on arrival, and after a look at a stay

    def on_resize(self) -> None:
        nights = self._fitting_nights()
        if nights != self.days:
            self.days = nights
            self.action_refresh()

    def _fitting_nights(self) -> int:
        width = (self.app.size.width or 80) - PANEL_WIDTH - self.grid.gutter_width - 1
        return max(FEWEST_NIGHTS, min(MOST_NIGHTS, width // STEP))

    # Moving ------------------------------------------------------------------------------------

    @on(RackGrid.CellClicked)
    def _clicked(self, event: RackGrid.CellClicked) -> None:
        self.set_focus(None)
        self.move_to(event.row, event.night)

    def action_back(self) -> None:
        """Close the date box, leave the panel, drop the stay picked up, or go back."""
        if self.close_goto():
            return
        if self.focused is self.panel:
            self.set_focus(None)
        elif self.grid.picked:
            self.grid.picked = ""
            self.show_cursor()
        else:
            self.dismiss()

    def action_panel(self) -> None:
        """Go to the unassigned stays (and back)."""
        self.set_focus(None if self.focused is self.panel else self.panel)

    # Acting on stays ---------------------------------------------------------------------------

    def _bar(self) -> RackBar | None:
        return self.grid.bar_at(self.cursor)

    def _room_number(self) -> str | None:
        room = self.grid.room(self.cursor.row) if self.cursor else None
        return room.number if room else None

    def action_open(self) -> None:
        """Open the stay under the cursor (the panel opens its own with enter)."""
        bar = self._bar()
        if bar is not None:
            self.post_message(OpenReservation(bar.confirmation))

    @on(OptionList.OptionSelected, "#unassigned")
    def _open_unassigned(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.post_message(OpenReservation(event.option.id))

    def action_assign(self) -> None:
        """Give the stay highlighted in the panel the room under the cursor."""
        stay, number = self.panel.stay, self._room_number()
        if stay is None:
            self.notify("no stay without a room in these nights", severity="warning")
            return
        if number is not None:
            self.set_focus(None)
            self._change(
                f"{stay.guest_name} given room {number}",
                assign_room, stay.confirmation, number, expected_version=stay.version,
            )  # fmt: skip

    def action_move_stay(self) -> None:
        """Pick up the in-house stay under the cursor; on another room, move it there."""
        picked = self.grid.picked
        if not picked:
            bar = self._bar()
            if bar is None or not bar.in_house:
                self.notify("put the cursor on an in-house stay to move it", severity="warning")
                return
            self.grid.picked = bar.confirmation
            self.show_cursor()
            return
        number = self._room_number()
        bar = next((b for r in self.grid.rooms for b in r.bars if b.confirmation == picked), None)
        if number is None or bar is None:
            return

        def _answer(reason: str | None) -> None:
            if reason:
                self.grid.picked = ""
                self._change(
                    f"{bar.guest_name} moved to room {number}",
                    move_room, picked, number, reason, expected_version=bar.version,
                )  # fmt: skip

        self.app.push_screen(
            ReasonDialog(
                f"Move {bar.guest_name} to room {number} — why?", "reason (e.g. noisy neighbours)"
            ),
            _answer,
        )

    def action_extend(self) -> None:
        """Keep the in-house guest under the cursor one night longer, in the same room."""
        bar = self._bar()
        if bar is None or not bar.in_house:
            self.notify("put the cursor on an in-house stay to extend it", severity="warning")
            return
        departure = bar.departure + dt.timedelta(days=1)
        self._change(
            f"{bar.guest_name} stays until {short_date(departure)}",
            extend_stay, bar.confirmation, departure, expected_version=bar.version,
        )  # fmt: skip

    @work(thread=True, exclusive=True, group="rack-change", exit_on_error=False)
    def _change(self, done: str, action, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.desk.run(action, *args, **kwargs)
        self.post_message(RackChanged(done))

    @on(RackChanged)
    def _changed(self, message: RackChanged) -> None:
        self.notify(message.done)
        self.poll()

    # Loading and showing -----------------------------------------------------------------------

    def action_refresh(self) -> None:
        """Read the window shown again."""
        self._load()

    def load_window(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="rack", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(
            RackLoaded(self.desk.read(room_rack, self.property_code, self.start, self.days))
        )

    @work(thread=True, exclusive=True, group="rack-poll", exit_on_error=False)
    def poll(self) -> None:
        """Ask whether anything changed; if so, read the rack again (only changed rooms redraw)."""
        if self.start is None:
            return
        view = self.desk.read(changed_rack, self.property_code, self.start, self.days, self.version)
        if view is not None:
            self.post_message(RackLoaded(view, remote=True))

    @on(RackLoaded)
    def _show(self, message: RackLoaded) -> None:
        view = message.view
        if self.start is not None and (view.start, view.days) != (self.start, self.days):
            return  # the clerk has moved on; the answer for the new window is coming
        self.start, self.business_date, self.version = view.start, view.business_date, view.version
        self.goto.business_date = view.business_date
        self._poll_problem = ""
        self.grid.loading = False
        self.grid.update(view)
        if self.cursor is None:
            self.cursor = GridCursor(0, view.start)
        if view.unassigned != self.unassigned:
            self.panel.show(view.unassigned, self.business_date, self.grid.bar_style)
            self.query_one("#side").border_title = f"Unassigned {len(view.unassigned)}"
        self.show_cursor()
        last = view.start + dt.timedelta(days=view.days - 1)
        self.query_one("#range", Static).update(
            Text.assemble(("Room rack", "bold"), f"  {short_date(view.start)} – {long_date(last)}")
        )

    def show_cursor(self) -> None:
        self.grid.cursor = self.cursor
        self.query_one("#cell-info", Static).update(self._describe())

    def _describe(self) -> Text:
        """The line under the rack: the room and night under the cursor, and the stay on it."""
        cursor = self.cursor
        room = self.grid.room(cursor.row) if cursor else None
        if cursor is None or room is None:
            return Text("")
        if self.grid.picked:
            return Text(MOVING, style="bold")
        return cell_info(room, cursor.night)

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        self.grid.loading = False
        if event.worker.group == "rack-poll":
            # The poll runs every few seconds: say a failure once, not at every tick.
            problem = str(event.worker.error)
            if problem != self._poll_problem:
                self._poll_problem = problem
                self.report_failure(event.worker.error)
            return
        self.report_failure(event.worker.error)
