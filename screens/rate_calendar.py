"""Rates (F9): the rate calendar — room types down, 14 nights across, one rate plan at a time.

Each cell shows the price a base-occupancy party pays per night on the plan (as it sells today:
derived plans and busy-night pricing included, taxes added on top not), the rooms left, and the
restriction marks (S stop-sell, A / D closed to arrival / departure, m / M minimum / maximum
stay). The line under the grid spells out the cell under the cursor.

`←`/`→` move a day and `↑`/`↓` a room type; past the edge the window follows. `pgup`/`pgdn` turn
a week, `g` goes to a date, `p` picks the plan. A manager marks a block — `shift`+arrows, or `m`
at one corner and the arrows to the other — then `e` sets its price (derived plans follow their
parent, so their prices are set there) and `r` its restrictions. Clerks see the same calendar;
the editing keys are greyed for them and say why when pressed. The services check the role
again, whatever the screen offers.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Input, Select, Static
from textual.worker import Worker, WorkerState

from pms.hotel.properties import RoomTypeView
from pms.kernel.desk import Role
from pms.rates.calendar_view import load_calendar
from pms.rates.plans import RatePlanView
from screens.date_grid import STEP, GridCursor
from screens.dates import long_date, short_date
from screens.desk_footer import DeskFooter
from screens.go_to_date import GoToDate
from screens.grid_screen import DateGridScreen
from screens.header import DeskHeader
from screens.messages import PropertyLoaded, RatesLoaded
from screens.rate_dialogs import PriceDialog, RateBlock, RestrictionDialog
from screens.rate_grid import GridSelection, RateGrid
from screens.rate_info import block_info, cell_info

#: Nights shown: as many as the width holds (10 at 80 columns, 13 at 100), within these.
FEWEST_NIGHTS, MOST_NIGHTS = 7, 31

LEGEND = "price over rooms left · S stop-sell · A/D closed to arr./dep. · m/M min/max"
WEEK = Binding.Group("Week")
EDIT = Binding.Group("Edit")


class RateCalendarScreen(DateGridScreen):
    """One rate plan's prices, rooms left and restrictions; managers edit blocks of it."""

    CSS_PATH = "rate_calendar.tcss"
    AUTO_FOCUS = ""  # the keys move the cursor; nothing takes the focus until asked
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Clear the selection, or go back"),
        # The arrows and marking stay off the footer (80 columns hold only so much; the line
        # under the grid says how to mark); the command palette has them by name.
        Binding("left", "move(0, -1)", "Day earlier", show=False, tooltip="One day earlier"),
        Binding("right", "move(0, 1)", "Day later", show=False, tooltip="One day later"),
        Binding("up", "move(-1, 0)", "Up", show=False, tooltip="Room type above"),
        Binding("down", "move(1, 0)", "Down", show=False, tooltip="Room type below"),
        Binding("pageup", "page(-7)", "Week earlier", tooltip="One week earlier", group=WEEK),
        Binding("pagedown", "page(7)", "Week later", tooltip="One week later", group=WEEK),
        Binding("shift+left", "move(0, -1, True)", "Select", show=False,
                tooltip="Select a day earlier"),
        Binding("shift+right", "move(0, 1, True)", "Select", show=False,
                tooltip="Select a day later"),
        Binding("shift+up", "move(-1, 0, True)", "Select", show=False,
                tooltip="Select the room type above"),
        Binding("shift+down", "move(1, 0, True)", "Select", show=False,
                tooltip="Select the room type below"),
        Binding("g", "go_to", "Go to", tooltip="Go to a date"),
        Binding("p", "pick_plan", "Plan", tooltip="Choose the rate plan"),
        Binding("m", "mark", "Mark", show=False, tooltip="Mark a corner of a block"),
        Binding("e", "set_price", "Price", group=EDIT, tooltip="Set the price of the block"),
        Binding("r", "restrict", "Restrict", group=EDIT, tooltip="Set restrictions on the block"),
        Binding("ctrl+r", "refresh", "Refresh", show=False, tooltip="Read the rates again"),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.plan: str | None = None
        self.business_date: dt.date | None = None
        self.currency = "EUR"
        self.plans: dict[str, RatePlanView] = {}
        self.room_types: dict[str, RoomTypeView] = {}
        self.anchor: GridCursor | None = None  # the other corner of the block, when marking

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        with Horizontal(id="rates-bar"):
            yield Static(Text("Rates"), id="range")
            yield Select[str]([], prompt="rate plan", id="plan", compact=True)
        yield RateGrid(id="grid")
        yield Static(id="cell-info")
        yield Static(Text(LEGEND), id="legend")
        yield GoToDate()
        yield DeskFooter()

    @property
    def grid(self) -> RateGrid:
        """The calendar grid."""
        return self.query_one("#grid", RateGrid)

    @property
    def plan_select(self) -> Select[str]:
        """The rate plan selector."""
        return self.query_one("#plan", Select)

    @property
    def can_edit(self) -> bool:
        """Whether the signed-in user may change rates (a manager or above)."""
        return self.desk.actor.can(Role.MANAGER)

    def on_mount(self) -> None:
        self.grid.loading = True
        self.watch(self.plan_select, "expanded", self._plan_menu, init=False)
        self.days = self._fitting_nights()

    def on_resize(self) -> None:
        nights = self._fitting_nights()
        if nights != self.days:
            self.days = nights
            self.action_refresh()

    def _fitting_nights(self) -> int:
        width = self.grid.size.width or self.app.size.width
        # one column spare for a vertical scrollbar, should the room types need one
        fits = (width - self.grid.gutter_width - 1) // STEP
        return max(FEWEST_NIGHTS, min(MOST_NIGHTS, fits))

    def on_screen_resume(self) -> None:
        self.action_refresh()  # on arrival, and after an edit or a look elsewhere

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Editing keys are greyed for anyone below manager (pressing them says why)."""
        if action in ("set_price", "restrict"):
            return True if self.can_edit else None
        return True

    def on_key(self, event: events.Key) -> None:
        # A greyed binding does nothing at all; a clerk who tries is told why instead.
        if event.key in ("e", "r") and not isinstance(self.focused, Input) and not self.can_edit:
            event.stop()
            self._may_edit()

    # Moving ------------------------------------------------------------------------------------

    def action_move(self, rows: int, days: int, extend: bool = False) -> None:
        """Move the cursor; with `extend` (shift) the selection grows with it."""
        if extend and self.anchor is None and self.cursor is not None and self.start is not None:
            self.anchor = self.cursor
        super().action_move(rows, days)

    def action_mark(self) -> None:
        """Mark the cursor's cell as one corner of a block; the arrows take the other."""
        self.anchor = None if self.anchor is not None else self.cursor
        self.show_cursor()

    def action_back(self) -> None:
        """Close the plan menu or the date box, else clear the selection, else go back."""
        if self.focused is self.plan_select:
            self.set_focus(None)
        elif self.close_goto():
            return
        elif self.anchor is not None:
            self.anchor = None
            self.show_cursor()
        else:
            self.dismiss()

    def action_refresh(self) -> None:
        """Read the window shown again."""
        self._load(self.plan, self.start)

    def load_window(self) -> None:
        self._load(self.plan, self.start)

    def action_pick_plan(self) -> None:
        """Open the rate plan menu."""
        self.plan_select.focus()
        self.plan_select.action_show_overlay()

    def _plan_menu(self, expanded: bool) -> None:
        if not expanded:  # the arrows go back to the grid (once the menu has let go)
            self.call_after_refresh(self.set_focus, None)

    @on(Select.Changed, "#plan")
    def _plan_chosen(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.plan:
            self.plan = event.value
            self.anchor = None
            self._load(self.plan, self.start)

    @on(RateGrid.CellClicked)
    def _clicked(self, event: RateGrid.CellClicked) -> None:
        self.move_to(event.row, event.night)

    # Editing -----------------------------------------------------------------------------------

    def _may_edit(self) -> bool:
        if self.can_edit:
            return True
        actor = self.desk.actor
        self.notify(
            f"Only a manager can change rates; {actor.username} is signed in as {actor.role}.",
            severity="warning",
        )
        return False

    def _block(self) -> RateBlock | None:
        cursor, rows = self.cursor, self.grid.rows
        if cursor is None or self.plan is None or not rows:
            return None
        block = GridSelection.between(self.anchor or cursor, cursor)
        return RateBlock(
            property_code=self.property_code,
            plan=self.plan,
            room_types=tuple(rows[i].room_type for i in range(block.first_row, block.last_row + 1)),
            first=block.first,
            last=block.last,
            currency=self.currency,
        )

    def action_set_price(self) -> None:
        """Ask for the block's new price (base plans only: derived ones follow them)."""
        block = self._block()
        if not self._may_edit() or block is None:
            return
        plan = self.plans.get(block.plan)
        if plan is not None and plan.parent is not None:
            self.notify(
                f"{plan.code} is derived from {plan.parent}: set {plan.parent}'s prices "
                f"and {plan.code} follows them.",
                severity="warning",
            )
            return
        cell = self.grid.cell(self.cursor) if self.cursor and self.anchor is None else None
        self.app.push_screen(PriceDialog(block, cell.price if cell else None), self._edited)

    def action_restrict(self) -> None:
        """Ask for the block's restrictions."""
        block = self._block()
        if self._may_edit() and block is not None:
            self.app.push_screen(RestrictionDialog(block), self._edited)

    def _edited(self, done: str | None) -> None:
        if done:
            self.notify(done)
            self.anchor = None
            self.show_cursor()
            # the calendar is read again as the screen resumes

    # Loading and showing -----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="rates", exit_on_error=False)
    def _load(self, plan: str | None, start: dt.date | None) -> None:
        hotel, plans, code, first, rows = self.desk.read(
            load_calendar, self.property_code, plan, start, self.days
        )
        self.post_message(PropertyLoaded(hotel))
        self.post_message(
            RatesLoaded(
                code,
                first,
                hotel.business_date,
                hotel.currency,
                {rt.code: rt for rt in hotel.room_types},
                plans,
                rows,
            )
        )

    @on(RatesLoaded)
    def _show(self, message: RatesLoaded) -> None:
        if self.plan not in (None, message.plan) or self.start not in (None, message.start):
            return  # the clerk has moved on; the answer for the new window is coming
        self.plan, self.start = message.plan, message.start
        self.business_date, self.currency = message.business_date, message.currency
        self.goto.business_date = message.business_date
        self.room_types = message.room_types
        self._fill_plans(message.plans)
        self.grid.loading = False
        self.grid.show(message.rows, message.start, message.business_date, message.currency)
        if self.cursor is None:
            self.cursor = GridCursor(0, message.start)
        self.show_cursor()
        shown = len(message.rows[0].cells) if message.rows else 1
        last = message.start + dt.timedelta(days=shown - 1)
        self.query_one("#range", Static).update(
            Text.assemble(
                ("Rates", "bold"),
                f"  {short_date(message.start)} – {long_date(last)}",
                "" if self.can_edit else (" · view only", "italic"),
            )
        )

    def _fill_plans(self, plans: list[RatePlanView]) -> None:
        known = {p.code: p for p in plans}
        if known != self.plans:
            self.plans = known
            with self.prevent(Select.Changed):
                self.plan_select.set_options(
                    (Text(f"{p.code}  {p.name}", no_wrap=True, overflow="ellipsis"), p.code)
                    for p in plans
                )
        if self.plan_select.value != self.plan:
            with self.prevent(Select.Changed):
                self.plan_select.value = self.plan

    def show_cursor(self) -> None:
        cursor = self.cursor
        self.grid.cursor = cursor
        self.grid.selection = (
            GridSelection.between(self.anchor, cursor) if self.anchor and cursor else None
        )
        self.query_one("#cell-info", Static).update(self._describe())

    def _describe(self) -> Text:
        """The line under the grid: the block marked, or the cell under the cursor."""
        cursor, block = self.cursor, self.grid.selection
        if cursor is None:
            return Text("")
        rows = self.grid.rows
        if block is not None:
            codes = [rows[i].room_type for i in range(block.first_row, block.last_row + 1)]
            return block_info(block, codes, self.can_edit)
        cell = self.grid.cell(cursor)
        if cell is None:
            return Text(f"{long_date(cursor.night)} · reading…")
        code = rows[cursor.row].room_type
        plan = self.plans.get(self.plan or "")
        line = cell_info(cell, code, self.room_types.get(code), self.plan, plan, self.currency)
        hint = " · shift+arrows or m mark a block"
        if self.can_edit and len(line) + len(hint) <= self.size.width - 2:
            line.append(hint, style="dim")
        return line

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.grid.loading = False
            self.report_failure(event.worker.error)
