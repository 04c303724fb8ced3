"""Housekeeping (F8): every room by floor with its status as of the business date, filterable,
and its status changed in one keystroke.

`d` dirty, `c` clean, `i` inspected (a supervisor's pass: the service refuses anyone else), `o`
out of order (a small dialog asks the nights and why), `s` out of service (asks why; on a room
out of service, `s` puts it back). `/` filters as you type: every word must appear on the line
(`dirty`, `vacant`, `floor 2`, `ooo`, a room number). Changes at other desks appear by themselves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Input, Static
from textual.worker import Worker, WorkerState

from pms.frontdesk.polling import RackVersion, read_board
from pms.housekeeping.board import RoomStatusView
from pms.housekeeping.out_of_order import set_out_of_order
from pms.housekeeping.room_status import set_housekeeping, set_out_of_service
from screens.board_lines import matches, room_line
from screens.dates import short_date
from screens.desk_footer import DeskFooter
from screens.desk_screen import DeskScreen
from screens.header import DeskHeader
from screens.rack_dialogs import OutOfOrderDialog, OutOfOrderRequest, ReasonDialog
from screens.typing import DeskInput

#: Seconds between the questions "did anything change at another desk?".
POLL_SECONDS = 2.0

STATUS = Binding.Group("Status")


@dataclass
class BoardLoaded(Message):
    """The housekeeping board as of the business date, read at change-log `version`."""

    rooms: list[RoomStatusView]
    business_date: dt.date
    version: RackVersion


@dataclass
class BoardChanged(Message):
    """A room's status was changed from the board: `done` says what, for the clerk."""

    done: str


class HousekeepingScreen(DeskScreen[None]):
    """The housekeeping board: rooms by floor and status, changed one key at a time."""

    CSS_PATH = "housekeeping.tcss"
    AUTO_FOCUS = "#board"  # the letter keys act on the room under the cursor; / filters
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Clear the filter, or go back"),
        Binding("d", "status('dirty')", "Dirty", group=STATUS, tooltip="Mark the room dirty"),
        Binding("c", "status('clean')", "Clean", group=STATUS, tooltip="Mark the room clean"),
        Binding("i", "status('inspected')", "Inspected", group=STATUS,
                tooltip="Pass the room as inspected (supervisor)"),
        Binding("o", "out_of_order", "OOO", tooltip="Take the room out of order"),
        Binding("s", "out_of_service", "OOS", tooltip="Out of service, or back in service"),
        Binding("slash", "filter", "Filter", tooltip="Filter the rooms as you type"),
        Binding("r", "refresh", "Refresh", show=False, tooltip="Read the board again"),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.rooms: list[RoomStatusView] = []
        self.business_date: dt.date | None = None
        self.version: RackVersion | None = None
        self._poll_problem = ""

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        yield Static(Text("Housekeeping"), id="board-title")
        yield DeskInput(placeholder="/ filter: dirty, vacant, floor 2, ooo, 204 …", id="filter",
                    compact=True)  # fmt: skip
        yield DataTable(id="board", cursor_type="row", zebra_stripes=True)
        yield Static(id="board-note")
        yield DeskFooter()

    @property
    def table(self) -> DataTable[Text]:
        """The board."""
        return self.query_one("#board", DataTable)

    def on_mount(self) -> None:
        self.table.add_columns("Floor", "Room", "Type", "Status", "Occupancy", "Guest", "Note")
        self.table.loading = True
        self.set_interval(POLL_SECONDS, self.poll)

    def on_screen_resume(self) -> None:
        self.action_refresh()

    def action_back(self) -> None:
        """Clear the filter (back to the board), or go back."""
        box = self.query_one("#filter", Input)
        if box.value or self.focused is box:
            box.value = ""
            self.table.focus()
        else:
            self.dismiss()

    def action_filter(self) -> None:
        """Type to filter the rooms."""
        self.query_one("#filter", Input).focus()

    @on(Input.Changed, "#filter")
    def _filtered(self) -> None:
        self._fill()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.table.focus()

    def action_refresh(self) -> None:
        """Read the board again."""
        self._load()

    # Changing a room ---------------------------------------------------------------------------

    def _room(self) -> RoomStatusView | None:
        table = self.table
        if not table.row_count:
            return None
        number = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((r for r in self.rooms if r.number == number), None)

    def action_status(self, status: str) -> None:
        """Set the room's cleanliness."""
        room = self._room()
        if room is not None:
            self._change(
                f"room {room.number} {status}",
                set_housekeeping, room.number, status, property_code=self.property_code,
            )  # fmt: skip

    def action_out_of_order(self) -> None:
        """Ask for the nights and the reason, then take the room out of order."""
        room = self._room()
        if room is None or self.business_date is None:
            return

        def _answer(request: OutOfOrderRequest | None) -> None:
            if request is not None:
                self._change(
                    f"room {request.room} out of order until {short_date(request.end)}",
                    set_out_of_order, request.room, request.start, request.end, request.reason,
                    property_code=self.property_code,
                )  # fmt: skip

        self.app.push_screen(OutOfOrderDialog(room.number, self.business_date), _answer)

    def action_out_of_service(self) -> None:
        """Take the room out of service (asking why), or put it back in service."""
        room = self._room()
        if room is None:
            return
        if room.out_of_service:
            self._change(
                f"room {room.number} back in service",
                set_out_of_service, room.number, "", property_code=self.property_code,
            )  # fmt: skip
            return

        def _answer(reason: str | None) -> None:
            if reason:
                self._change(
                    f"room {room.number} out of service",
                    set_out_of_service, room.number, reason, property_code=self.property_code,
                )  # fmt: skip

        self.app.push_screen(
            ReasonDialog(f"Room {room.number} out of service — why?", "reason (e.g. smell)"),
            _answer,
        )

    @work(thread=True, exclusive=True, group="board-change", exit_on_error=False)
    def _change(self, done: str, action, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.desk.run(action, *args, **kwargs)
        self.post_message(BoardChanged(done))

    @on(BoardChanged)
    def _changed(self, message: BoardChanged) -> None:
        self.notify(message.done)
        self._load()

    # Loading and showing -----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="board", exit_on_error=False)
    def _load(self) -> None:
        read = self.desk.read(read_board, self.property_code)
        assert read is not None
        self.post_message(BoardLoaded(*read))

    @work(thread=True, exclusive=True, group="board-poll", exit_on_error=False)
    def poll(self) -> None:
        """Read the board again when anything changed at any desk."""
        if self.version is None:
            return
        read = self.desk.read(read_board, self.property_code, self.version)
        if read is not None:
            self.post_message(BoardLoaded(*read))

    @on(BoardLoaded)
    def _loaded(self, message: BoardLoaded) -> None:
        self.table.loading = False
        self.business_date, self.version = message.business_date, message.version
        self._poll_problem = ""
        if message.rooms != self.rooms:
            self.rooms = message.rooms
            self._fill()
        dirty = sum(r.housekeeping == "dirty" for r in self.rooms)
        ready = sum(r.ready for r in self.rooms)
        self.query_one("#board-title", Static).update(
            Text.assemble(
                ("Housekeeping", "bold"),
                f"  {short_date(message.business_date)} · {len(self.rooms)} rooms · "
                f"{dirty} dirty · {ready} ready",
            )
        )

    def _fill(self) -> None:
        table = self.table
        keep = self._room()
        words = self.query_one("#filter", Input).value.lower().split()
        table.clear()
        floor = None

        def paint(name: str) -> Style:
            return self.get_component_rich_style(name, partial=True)

        for room in self.rooms:
            if not matches(room, words):
                continue
            cells = room_line(room, paint)
            label = Text(str(room.floor) if room.floor != floor else "", style="bold")
            floor = room.floor
            table.add_row(label, *cells, key=room.number)
        if keep is not None and keep.number in table.rows:
            table.move_cursor(row=table.get_row_index(keep.number))
        shown = table.row_count
        self.query_one("#board-note", Static).update(
            Text(
                f"{shown} of {len(self.rooms)} rooms · ○ dirty ◐ clean ● inspected · "
                "▓ out of order · ╱ out of service"
            )
        )

    COMPONENT_CLASSES: ClassVar[set[str]] = {"hk--dirty", "hk--clean", "hk--inspected", "hk--note"}

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        self.table.loading = False
        if event.worker.group == "board-poll":
            # The poll runs every few seconds: say a failure once, not at every tick.
            problem = str(event.worker.error)
            if problem != self._poll_problem:
                self._poll_problem = problem
                self.report_failure(event.worker.error)
            return
        self.report_failure(event.worker.error)
