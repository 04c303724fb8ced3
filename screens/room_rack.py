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
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from pms.rack import (
    RackBar,
    RackVersion,
    RackView,
    UnassignedStay,
    changed_rack,
    rack_state,
    room_rack,
)
from pms.rooms import assign_room
from pms.stay_changes import extend_stay, move_room
from screens.rack_dialogs import ReasonDialog
from screens.rack_grid import BAR_SYMBOLS, HOUSEKEEPING_MARKS, STEP, RackCursor, RackGrid
from screens.reservation_detail import ReservationDetailScreen
from screens.widgets import STATES, DeskHeader, DeskScreen, GoToDate, long_date, short_date

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


class RoomRackScreen(DeskScreen[None]):
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
        self.start: dt.date | None = None
        self.days = 14
        self.version: RackVersion = (-1, -1)
        self.business_date: dt.date | None = None
        self.cursor: RackCursor | None = None
        self.unassigned: list[UnassignedStay] = []
        self._poll_problem = ""

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        yield Static(Text("Room rack"), id="range")
        with Horizontal(id="rack-body"):
            yield RackGrid(id="rack")
            with Vertical(id="side", classes="panel") as side:
                side.border_title = "Unassigned"
                yield OptionList(id="unassigned", compact=True)
        yield Static(id="cell-info")
        yield Static(Text(LEGEND), id="legend")
        yield GoToDate()
        yield Footer(compact=True)

    @property
    def grid(self) -> RackGrid:
        """The rack."""
        return self.query_one("#rack", RackGrid)

    @property
    def panel(self) -> OptionList:
        """The stays without a room."""
        return self.query_one("#unassigned", OptionList)

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

    def action_move(self, rows: int, days: int) -> None:
        """Move the cursor a room or a night."""
        if self.cursor is not None:
            self._go(self.cursor.row + rows, self.cursor.night + dt.timedelta(days=days))

    def action_page(self, days: int) -> None:
        """Turn the window (and the cursor) by `days`."""
        if self.cursor is not None and self.start is not None:
            self.start += dt.timedelta(days=days)
            self._go(self.cursor.row, self.cursor.night + dt.timedelta(days=days))
            self._load()

    def _go(self, row: int, night: dt.date) -> None:
        if self.cursor is None or self.start is None:
            return
        self.cursor = RackCursor(max(0, min(row, len(self.grid.rooms) - 1)), night)
        last = self.start + dt.timedelta(days=self.days - 1)
        if not self.start <= night <= last:  # the window follows the cursor past its edge
            self.start = night if night < self.start else night - dt.timedelta(days=self.days - 1)
            self._load()
        self._show_cursor()

    @on(RackGrid.CellClicked)
    def _clicked(self, event: RackGrid.CellClicked) -> None:
        self.set_focus(None)
        self._go(event.row, event.night)

    def action_back(self) -> None:
        """Close the date box, leave the panel, drop the stay picked up, or go back."""
        if self.goto.display:
            self.goto.close()
        elif self.focused is self.panel:
            self.set_focus(None)
        elif self.grid.picked:
            self.grid.picked = ""
            self._show_cursor()
        else:
            self.dismiss()

    def action_panel(self) -> None:
        """Go to the unassigned stays (and back)."""
        self.set_focus(None if self.focused is self.panel else self.panel)

    @property
    def goto(self) -> GoToDate:
        """The date box."""
        return self.query_one("#goto-bar", GoToDate)

    def action_go_to(self) -> None:
        """Open the date box."""
        self.goto.open()

    @on(GoToDate.Chosen)
    def _go_to(self, message: GoToDate.Chosen) -> None:
        if self.cursor is None:
            return
        self.start = message.day
        self._load()
        self._go(self.cursor.row, message.day)

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
            self.app.push_screen(ReservationDetailScreen(bar.confirmation))

    @on(OptionList.OptionSelected, "#unassigned")
    def _open_unassigned(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.app.push_screen(ReservationDetailScreen(event.option.id))

    def _highlighted(self) -> UnassignedStay | None:
        index = self.panel.highlighted
        return (
            self.unassigned[index] if index is not None and index < len(self.unassigned) else None
        )

    def action_assign(self) -> None:
        """Give the stay highlighted in the panel the room under the cursor."""
        stay, number = self._highlighted(), self._room_number()
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
            self._show_cursor()
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
            self.cursor = RackCursor(0, view.start)
        if view.unassigned != self.unassigned:
            self._fill_panel(view.unassigned)
        self._show_cursor()
        last = view.start + dt.timedelta(days=view.days - 1)
        self.query_one("#range", Static).update(
            Text.assemble(("Room rack", "bold"), f"  {short_date(view.start)} – {long_date(last)}")
        )

    def _fill_panel(self, stays: list[UnassignedStay]) -> None:
        def state(stay: UnassignedStay) -> str:
            today = self.business_date or stay.arrival
            return rack_state(stay.status, stay.arrival, stay.departure, today)

        keep = self._highlighted()
        self.unassigned = stays
        panel = self.panel
        panel.clear_options()
        panel.add_options(
            Option(
                Text.assemble(
                    (f"{BAR_SYMBOLS.get(state(s), '?')} ", self.grid.bar_style(state(s))),
                    Text(s.guest_name, no_wrap=True, overflow="ellipsis"),
                    f"\n  {s.room_type} {s.arrival:%d.%m} {s.nights}n",
                ),
                id=s.confirmation,
            )
            for s in stays
        )
        if stays:
            confirmations = [s.confirmation for s in stays]
            index = confirmations.index(keep.confirmation) if keep in stays else 0
            panel.highlighted = index
        self.query_one("#side").border_title = f"Unassigned {len(stays)}"

    def _show_cursor(self) -> None:
        self.grid.cursor = self.cursor
        self.query_one("#cell-info", Static).update(self._describe())

    def _describe(self) -> Text:
        """The line under the rack: the room and night under the cursor, and the stay on it."""
        cursor = self.cursor
        room = self.grid.room(cursor.row) if cursor else None
        if cursor is None or room is None:
            return Text("")
        mark = HOUSEKEEPING_MARKS.get(room.housekeeping, "?")
        parts = [
            f"{room.number} {room.room_type} {mark} {room.housekeeping}",
            short_date(cursor.night),
        ]
        if room.out_of_service:
            parts.append(f"out of service: {room.out_of_service}")
        window = room.window_on(cursor.night)
        bar = room.bar_on(cursor.night)
        if window is not None:
            parts.append(f"out of order until {short_date(window.end)}: {window.reason}")
        elif bar is not None:
            symbol = BAR_SYMBOLS.get(bar.state, "?")
            word = STATES.get(bar.state, ("", bar.state))[1]
            parts.append(
                f"{symbol} {bar.guest_name}, {word}, {bar.arrival:%d.%m}–{bar.departure:%d.%m}"
            )
        line = Text(" · ".join(parts), no_wrap=True, overflow="ellipsis")
        if self.grid.picked:
            line = Text(
                "Moving a stay: put the cursor on its new room and press m · esc drops it",
                style="bold",
            )
        return line

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
