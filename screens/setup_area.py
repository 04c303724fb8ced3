"""Set-up (F11, administrators and managers): the property the desk is on — its details and
settings, room types, rooms, features, rate plans and taxes — as tables to change.

`n` adds to the table shown (a range of rooms in one go), `e` / `enter` changes the row under
the cursor (or the property's details), `x` retires a room type or rooms, `s` opens the
settings; `1`…`6` go to a table. Every change goes through the service the CLI calls, in a
worker, and the tables are read again after it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from pms.kernel.errors import RoomHoldsStays
from pms.setup.overview import SetupOverview, setup_overview
from pms.setup.room_types import retire_room_type
from pms.setup.rooms_admin import retire_rooms
from screens.desk_footer import DeskFooter
from screens.desk_screen import DeskScreen
from screens.dialogs import ConfirmDialog
from screens.header import DeskHeader
from screens.setup_dialogs import (
    FeatureDialog,
    PropertyDialog,
    RoomEditDialog,
    RoomsDialog,
    RoomTypeDialog,
    SettingsDialog,
)
from screens.setup_form import SetupForm
from screens.setup_rate_dialogs import RatePlanDialog, TaxDialog
from screens.setup_tables import TABLES, fill_table, property_lines

#: The tabs in order, by id, and their titles.
TABS = {
    "property": "1 Property",
    "room-types": "2 Room types",
    "rooms": "3 Rooms",
    "features": "4 Features",
    "rate-plans": "5 Rate plans",
    "taxes": "6 Taxes",
}


@dataclass
class SetupLoaded(Message):
    """The property's set-up as read."""

    overview: SetupOverview


class SetupScreen(DeskScreen[None]):
    """The Set-up area: the property's house and prices, as tables to change."""

    CSS_PATH = "setup_area.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("n", "new", "New", tooltip="Add to the table shown (a range of rooms …)"),
        Binding("e", "edit", "Edit", tooltip="Change the row under the cursor"),
        Binding("x", "retire", "Retire", tooltip="Retire the room type or room under the cursor"),
        Binding("s", "settings", "Settings", tooltip="The property's settings"),
        Binding("r", "refresh", "Refresh", show=False, tooltip="Read the set-up again"),
        *(Binding(str(i), f"tab('{tab}')", title, show=False, tooltip=f"Set-up: {title[2:]}")
          for i, (tab, title) in enumerate(TABS.items(), start=1)),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.overview: SetupOverview | None = None

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        with TabbedContent(id="setup"):
            with TabPane(TABS["property"], id="property"):
                yield Static(id="property-details")
            for tab in list(TABS)[1:]:
                with TabPane(TABS[tab], id=tab):
                    yield DataTable(id=f"{tab}-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="setup-note")
        yield DeskFooter()

    def on_mount(self) -> None:
        for tab, columns in TABLES.items():
            self.table(tab).add_columns(*columns)
        self._load()

    def table(self, tab: str) -> DataTable[Text]:
        """The table of a tab."""
        return self.query_one(f"#{tab}-table", DataTable)

    @property
    def tab(self) -> str:
        """The tab shown."""
        return self.query_one("#setup", TabbedContent).active

    def action_back(self) -> None:
        """Back to where the desk was."""
        self.dismiss()

    def action_tab(self, tab: str) -> None:
        """Go to one of the tables."""
        self.query_one("#setup", TabbedContent).active = tab
        if tab != "property":
            self.table(tab).focus()

    def action_refresh(self) -> None:
        """Read the set-up again."""
        self._load()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(SetupLoaded(self.desk.read(setup_overview, self.property_code)))

    @on(SetupLoaded)
    def _loaded(self, message: SetupLoaded) -> None:
        self.overview = view = message.overview
        self.query_one("#property-details", Static).update(property_lines(view))
        for tab in TABLES:
            fill_table(self.table(tab), tab, view)
        rooms = len(view.rooms)
        self.query_one("#setup-note", Static).update(
            Text(f"{view.details.code} · {len(view.room_types)} room types · {rooms} rooms · "
                 "n new · e edit · x retire · s settings", no_wrap=True)
        )  # fmt: skip

    # Changing it --------------------------------------------------------------------------------

    def _row(self, tab: str) -> str | None:
        """The key of the row under the cursor of a tab's table."""
        table = self.table(tab)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def action_new(self) -> None:
        """Add to the table shown."""
        view = self.overview
        if view is None:
            return
        currency, words = view.details.currency, [f.name for f in view.features]
        types = [t.code for t in view.room_types if t.retired_on is None]
        forms: dict[str, Callable[[], SetupForm]] = {
            "property": PropertyDialog,
            "room-types": lambda: RoomTypeDialog(currency, words),
            "rooms": lambda: RoomsDialog(types, words),
            "features": FeatureDialog,
            "rate-plans": lambda: RatePlanDialog(currency, [p.code for p in view.rate_plans]),
            "taxes": lambda: TaxDialog(currency),
        }
        if self.tab == "rooms" and not types:
            self.notify("Add a room type first (2 Room types, n).", severity="warning")
            return
        self.app.push_screen(forms[self.tab](), self._saved)

    @on(DataTable.RowSelected)
    def _row_picked(self) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        """Change the row under the cursor, or the property's details."""
        view = self.overview
        if view is None:
            return
        words = [f.name for f in view.features]
        row = self._row(self.tab) if self.tab != "property" else None
        if self.tab == "property":
            self.app.push_screen(PropertyDialog(view.details), self._saved)
        elif self.tab == "room-types" and row:
            kind = next(t for t in view.room_types if t.code == row)
            if kind.retired_on is not None:
                self.notify(f"{kind.code} was retired on {kind.retired_on}.", severity="warning")
                return
            self.app.push_screen(RoomTypeDialog(view.details.currency, words, kind), self._saved)
        elif self.tab == "rooms" and row:
            room = next(r for r in view.rooms if r.number == row)
            types = [t.code for t in view.room_types if t.retired_on is None]
            self.app.push_screen(RoomEditDialog(room, types, words), self._saved)
        elif self.tab in ("features", "rate-plans", "taxes"):
            self.notify("These are added here and changed on the command line.", timeout=4)

    def action_settings(self) -> None:
        """The property's settings."""
        if self.overview is not None:
            dialog = SettingsDialog(self.overview.details, self.overview.setting_descriptions)
            self.app.push_screen(dialog, self._saved)

    def action_retire(self) -> None:
        """Retire the room type or the room under the cursor, after asking."""
        row = self._row(self.tab) if self.tab in ("room-types", "rooms") else None
        if row is None:
            return
        what = f"room type {row} and its rooms" if self.tab == "room-types" else f"room {row}"

        def answered(yes: bool | None) -> None:
            if yes:
                self._retire(self.tab, row, move=False)

        question = f"Retire {what} from the business date on? Its history stays."
        self.app.push_screen(ConfirmDialog(question, "Retire", "Keep"), answered)

    @work(thread=True, exclusive=True, group="retire", exit_on_error=False)
    def _retire(self, tab: str, key: str, *, move: bool) -> str:
        if tab == "room-types":
            self.desk.run(retire_room_type, self.property_code, key)
            return f"Retired room type {key} and its rooms"
        done = self.desk.run(retire_rooms, self.property_code, key, move=move)
        moved = f"; {len(done.moved)} stay(s) moved" if done.moved else ""
        return f"Retired room {key}{moved}"

    @on(Worker.StateChanged)
    def _worker_done(self, event: Worker.StateChanged) -> None:
        """A read that failed is said; a retirement done is said and the tables read again;
        one refused because stays hold the room offers to move them."""
        if event.worker.group == "load" and event.state == WorkerState.ERROR:
            self.report_failure(event.worker.error)
        if event.worker.group != "retire":
            return
        if event.state == WorkerState.SUCCESS:
            self._saved(str(event.worker.result))
        elif event.state == WorkerState.ERROR:
            error = event.worker.error
            if isinstance(error, RoomHoldsStays) and self._row("rooms"):
                self._offer_moves(error, self._row("rooms") or "")
            else:
                self.report_failure(error)

    def _offer_moves(self, error: RoomHoldsStays, number: str) -> None:
        def answered(move: bool | None) -> None:
            if move:
                self._retire("rooms", number, move=True)

        question = f"{error}. Move them to other rooms of their type and retire it?"
        self.app.push_screen(ConfirmDialog(question, "Move them", "Keep the room"), answered)

    def _saved(self, done: str | None) -> None:
        """A form or a retirement finished: say what was done and read the tables again."""
        if done:
            self.notify(done, timeout=4)
            self._load()
