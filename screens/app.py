"""The front desk: a Textual app over one `Desk`, opened by `pms` with no sub-command.

The app only holds what every screen shares — the desk, the property, the header's state — the
function keys that lead to the main areas, and the handlers that open a screen when another
asks for it (`screens.messages`): the app is the one module that knows every screen, so the
screens never import one another. Each screen is in its own module.

The main areas are Textual modes, side by side like tabs: F4–F9 and F11 switch to an area's
own stack of screens (the desk's half-filled form stays where it was), so nothing piles up;
leaving an area (`escape` on its first screen) goes back to the desk.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import SystemCommand
from textual.await_complete import AwaitComplete
from textual.binding import Binding, BindingType
from textual.reactive import var
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from pms.hotel.properties import PropertyView, property_codes, property_view
from pms.kernel.desk import Desk, Role
from pms.kernel.errors import DatabaseUnavailable, PmsError
from pms.kernel.permissions import allowed
from screens.area_keys import area_bindings
from screens.dashboard import DashboardScreen
from screens.desk_shift import ShiftApp
from screens.messages import (
    ConfirmOffer,
    DatabaseDown,
    EditGuest,
    ListKind,
    ModifyReservation,
    OpenCheckIn,
    OpenCheckOut,
    OpenFolio,
    OpenGuest,
    OpenReservation,
    PickGuest,
    PropertyLoaded,
    ShowOffers,
)
from screens.palette import binding_commands

if TYPE_CHECKING:
    from pms.stays.reservation_views import ReservationView


def _area(module: str, screen: str, *args: str) -> Callable[[], Screen]:
    """A main area's first screen, its module imported when the area first opens: the desk
    starts with the dashboard's module only (importing every screen, and every service they
    call, cost the start more than a second)."""

    def make() -> Screen:
        return getattr(importlib.import_module(f"screens.{module}"), screen)(*args)

    return make


def _if_loaded(module: str, screen: str) -> type[Screen] | None:
    """The screen class when its module was imported, else None: no such screen can be open."""
    loaded = sys.modules.get(f"screens.{module}")
    return getattr(loaded, screen) if loaded is not None else None


#: The desk's own mode: the dashboard and whatever the clerk opened from it.
DESK = "desk"
#: The main areas, each a mode with its own stack, by the name its key switches to.
AREA_MODES: dict[str, Callable[[], Screen]] = {
    "arrivals": _area("reservation_list", "ReservationListScreen", "arrivals"),
    "in_house": _area("reservation_list", "ReservationListScreen", "in_house"),
    "departures": _area("reservation_list", "ReservationListScreen", "departures"),
    "all": _area("reservation_list", "ReservationListScreen", "all"),
    "availability": _area("availability", "AvailabilityScreen"),
    "rates": _area("rate_calendar", "RateCalendarScreen"),
    "rack": _area("room_rack", "RoomRackScreen"),
    "housekeeping": _area("housekeeping", "HousekeepingScreen"),
    "setup": _area("setup_area", "SetupScreen"),
}

#: Seconds between checks that the database still answers (and the business date is current).
HEARTBEAT_SECONDS = 20.0


class FrontDeskApp(ShiftApp):
    """The clerk's full-screen front desk."""

    CSS_PATH: ClassVar[list[str]] = ["app.tcss", "dialogs.tcss"]
    # The dashboard is the bottom of the desk's stack (a mode, unlike get_default_screen,
    # loads the screen's own stylesheet); every main area is a mode beside it.
    MODES: ClassVar[dict[str, Callable[[], Screen]]] = {DESK: DashboardScreen, **AREA_MODES}
    DEFAULT_MODE = DESK
    TITLE = "Front desk"
    BINDINGS: ClassVar[list[BindingType]] = [
        # Shown on every screen: ctrl+q quits from anywhere (UX.md).
        Binding("ctrl+q", "quit", "Quit", priority=True, tooltip="Quit the front desk"),
        *area_bindings(),
        Binding("ctrl+o", "switch_property", "Property", show=False, tooltip="Switch property"),
        Binding(
            "ctrl+e",
            "end_of_day",
            "End of day",
            show=False,
            tooltip="End of day: pre-checks and the night audit",
        ),
        Binding(
            "f12",
            "reports",
            "Reports",
            key_display="F12",
            show=False,
            tooltip="Reports: flash, forecast and revenue",
        ),
        Binding(
            "w", "walk_in", "Walk-in", show=False, tooltip="Book a guest at the desk, check in"
        ),
        # q quits on every screen as on the dashboard (ctrl+q too, Textual's own); a field
        # being typed in keeps its q.
        Binding("q", "quit", "Quit", show=False),
        # Not in the footer (80 columns hold only so much); in the command palette by name.
        Binding("ctrl+l", "open_list('all')", "All reservations", show=False),
        # Shift+F9 beside the rates; most terminals report it as F21.
        Binding("shift+f9,f21", "availability", "Availability", key_display="⇧F9", show=False),
        # Priority: the lock is up before the keys typed behind ctrl+g are handed on.
        Binding(
            "ctrl+g",
            "lock",
            "Lock",
            show=False,
            priority=True,
            tooltip="Lock the desk / switch user",
        ),
        # Shown (and in the palette) only while an action the database lost is kept for the
        # screen on view; otherwise ctrl+r is the screen's own (the rack's refresh).
        Binding(
            "ctrl+r",
            "retry",
            "Retry",
            priority=True,
            tooltip="Retry the action the database lost",
        ),
        Binding(
            "f10", "audit_trail", "Audit", key_display="F10", show=False, tooltip="Audit trail"
        ),
    ]

    #: The property as last read; None until the database first answers.
    hotel: var[PropertyView | None] = var(None)

    def __init__(self, desk: Desk, property_code: str | None = None) -> None:
        super().__init__()
        self.desk = desk
        # PMS_PROPERTY names the hotel a desk of a multi-property database works on.
        self.property_code = property_code or os.environ.get("PMS_PROPERTY") or None
        self._ask_property = False
        if self.property_code is None:
            self.property_code, self._ask_property = self._first_of_several()
        self._last_problem = ""

    @property
    def LIVE_SCREENS(self) -> tuple[type[Screen], ...]:
        """The screens that read their data again when another desk changed something (those
        whose module is loaded: a screen never opened cannot be showing)."""
        live = (
            _if_loaded("reservation_list", "ReservationListScreen"),
            _if_loaded("folio", "FolioScreen"),
        )
        return (DashboardScreen, *(screen for screen in live if screen is not None))

    def _first_of_several(self) -> tuple[str | None, bool]:
        """With several properties and none named, the desk starts on the first (so no screen
        asks for "the" property) and the switcher asks which; read once, before any screen."""
        try:
            codes = self.desk.read(property_codes)
        except PmsError:
            return None, False  # the header's banner will say why once the app runs
        return (codes[0], True) if len(codes) > 1 else (None, False)

    def on_mount(self) -> None:
        if self._ask_property:
            self.action_switch_property()
        self.start_shift()
        self.check_database()
        self.set_interval(HEARTBEAT_SECONDS, self.check_database)

    @work(thread=True, exclusive=True, group="heartbeat", exit_on_error=False)
    def check_database(self) -> None:
        """Read the property: keeps the header's business date current (the night audit moves
        it) and notices when the database goes away or comes back."""
        self.post_message(PropertyLoaded(self.desk.read(property_view, self.property_code)))

    @on(PropertyLoaded)
    def _property_loaded(self, message: PropertyLoaded) -> None:
        self.hotel = message.property
        self.offline = ""

    @on(DatabaseDown)
    def _database_down(self, message: DatabaseDown) -> None:
        self.offline = message.reason

    @on(Worker.StateChanged)
    def _heartbeat_failed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, DatabaseUnavailable):
            self.offline = str(error)
        elif str(error) != self._last_problem:  # say it once, not at every heartbeat
            self._last_problem = str(error)
            self.notify(str(error), severity="error", timeout=8)

    def open_area(self, mode: str) -> None:
        """Go to a main area, like a tab: its own stack as the clerk left it; asked for again
        from inside it, its first screen."""
        if self.current_mode != mode:
            self.switch_mode(mode)
            return
        while len(self.screen_stack) > 1:
            super().pop_screen()

    def pop_screen(self) -> AwaitComplete:
        """Close the current screen; closing an area's first screen goes back to the desk
        (an area is a mode beside it, not a screen on top of it)."""
        if self.current_mode != DESK and len(self.screen_stack) <= 1:
            return AwaitComplete(self.switch_mode(DESK))
        return super().pop_screen()

    def action_open_list(self, kind: ListKind) -> None:
        """F4 arrivals, F5 in-house, F6 departures, ctrl+l everything."""
        self.open_area(kind)

    def action_availability(self) -> None:
        """Shift+F9: rooms left per room type for the next 14 nights."""
        self.open_area("availability")

    def action_rates(self) -> None:
        """F9: the rate calendar (prices, rooms left, restrictions; managers edit it)."""
        self.open_area("rates")

    def action_rack(self) -> None:
        """F7: the room rack (rooms × nights, stays as bars; assign, move, extend)."""
        self.open_area("rack")

    def action_housekeeping(self) -> None:
        """F8: the housekeeping board (rooms by floor and status, changed in a keystroke)."""
        self.open_area("housekeeping")

    def action_setup(self) -> None:
        """F11: set-up of the property (managers and administrators)."""
        if not self.desk.actor.can(Role.MANAGER):
            self.notify("Set-up is for managers and administrators.", severity="warning")
        else:
            self.open_area("setup")

    def action_end_of_day(self) -> None:
        """ctrl+e: the night audit's pre-checks, its run and the flash."""
        from screens.end_of_day import EndOfDayScreen

        if not isinstance(self.screen, EndOfDayScreen):
            self.push_screen(EndOfDayScreen())

    def action_reports(self) -> None:
        """F12: the flash, the 30-day forecast and the revenue by day, as charts."""
        from screens.reports import ReportsScreen

        if not isinstance(self.screen, ReportsScreen):
            self.push_screen(ReportsScreen())

    def action_audit_trail(self) -> None:
        """F10: who did what to money, overrides and users (supervisors and above)."""
        from screens.audit_trail import AuditTrailScreen

        if self.desk.actor is None or not allowed(self.desk.actor, "audit.read"):
            self.notify("The audit trail is for supervisors and above.", severity="warning")
        elif not isinstance(self.screen, AuditTrailScreen):
            self.push_screen(AuditTrailScreen())

    def action_switch_property(self) -> None:
        """ctrl+o: work on another property of the database."""
        from screens.property_switcher import PropertySwitcher

        self.push_screen(PropertySwitcher(), self._switch_to)

    def _switch_to(self, code: str | None) -> None:
        """Work on `code` from now on: back to the dashboard, read for that property."""
        if not code or code == self.property_code:
            return
        self.property_code = code
        self.switch_mode(DESK)
        while len(self.screen_stack) > 1:
            self.pop_screen()
        for mode, make in AREA_MODES.items():  # areas open afresh, on the new property
            self.remove_mode(mode)
            self.add_mode(mode, make)
        self.check_database()
        self.call_later(self.run_action, "screen.refresh")

    def action_search(self) -> None:
        """F3: find a guest, room or reservation as you type."""
        from screens.search import SearchScreen

        if not isinstance(self.screen, SearchScreen):
            self.push_screen(SearchScreen())

    def action_new_reservation(self) -> None:
        """F2: a new booking (dates and party → offers → guest); once it is booked, the new
        reservation's detail."""
        from screens.booking_confirm import ConfirmBookingScreen
        from screens.offers import OffersScreen
        from screens.reservation_detail import ReservationDetailScreen
        from screens.reservation_form import ReservationFormScreen

        current = self.screen
        if isinstance(current, OffersScreen | ConfirmBookingScreen) or (
            isinstance(current, ReservationFormScreen) and current.creating
        ):
            return  # a booking is under way: F2 again does not start another on top

        def _booked(view: ReservationView | None) -> None:
            if view is not None:
                self.push_screen(ReservationDetailScreen(view.confirmation, view))

        self.push_screen(ReservationFormScreen(), _booked)

    def action_walk_in(self) -> None:
        """w: a guest standing at the desk, as one action: the booking form for tonight, then
        the check-in picker for the stay just booked."""
        from screens.booking_confirm import ConfirmBookingScreen
        from screens.check_in import CheckInScreen
        from screens.offers import OffersScreen
        from screens.reservation_form import ReservationFormScreen

        if isinstance(self.screen, ReservationFormScreen | OffersScreen | ConfirmBookingScreen):
            return

        def _booked(view: ReservationView | None) -> None:
            if view is not None:
                self.push_screen(CheckInScreen(view.confirmation))

        self.push_screen(ReservationFormScreen(walk_in=True), _booked)

    async def action_quit(self) -> None:
        """Quit, asking first when a form holds input that would be lost."""
        # Every mode's stack: a form left on the desk counts while the clerk is in the rack.
        form = _if_loaded("reservation_form", "ReservationFormScreen")
        unsaved = form is not None and any(
            isinstance(s, form) and s.has_input
            for stack in self._screen_stacks.values()
            for s in stack
        )
        if not unsaved:
            self.exit()
            return

        def _answer(discard: bool | None) -> None:
            if discard:
                self.exit()

        from screens.dialogs import ConfirmDialog

        self.push_screen(
            ConfirmDialog("A form holds unsaved input. Quit anyway?", "Quit", "Keep working"),
            _answer,
        )

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The command palette: Textual's own commands, then every key binding of this app and
        of the current screen by name (Textual's stock screen keys, like tab, stay out)."""
        return binding_commands(self, screen, super().get_system_commands(screen))

    # Screens asking for another ------------------------------------------------------------------

    @on(OpenReservation)
    def _open_reservation(self, message: OpenReservation) -> None:
        from screens.reservation_detail import ReservationDetailScreen

        self.push_screen(ReservationDetailScreen(message.confirmation))

    @on(OpenGuest)
    def _open_guest(self, message: OpenGuest) -> None:
        from screens.guest_profile import GuestProfileScreen

        self.push_screen(GuestProfileScreen(message.guest_id))

    @on(PickGuest)
    def _pick_guest(self, message: PickGuest) -> None:
        from screens.search import SearchScreen

        self.push_screen(SearchScreen(kind="guest", pick=True, text=message.text), message.picked)

    @on(EditGuest)
    def _edit_guest(self, message: EditGuest) -> None:
        from screens.guest_form import GuestFormScreen

        self.push_screen(GuestFormScreen(message.profile), message.saved)

    @on(ModifyReservation)
    def _modify_reservation(self, message: ModifyReservation) -> None:
        from screens.reservation_form import ReservationFormScreen

        self.push_screen(ReservationFormScreen(message.view), message.saved)

    @on(OpenCheckIn)
    def _open_check_in(self, message: OpenCheckIn) -> None:
        from screens.check_in import CheckInScreen

        self.push_screen(CheckInScreen(message.confirmation), message.closed)

    @on(OpenCheckOut)
    def _open_check_out(self, message: OpenCheckOut) -> None:
        from screens.check_out import CheckOutScreen

        self.push_screen(CheckOutScreen(message.confirmation), message.closed)

    @on(OpenFolio)
    def _open_folio(self, message: OpenFolio) -> None:
        from screens.folio import FolioScreen

        self.push_screen(FolioScreen(message.confirmation), message.closed)

    @on(ShowOffers)
    def _show_offers(self, message: ShowOffers) -> None:
        from screens.offers import OffersScreen

        offers = OffersScreen(message.draft, message.request, message.offers, message.currency)
        self.push_screen(offers, message.done)

    @on(ConfirmOffer)
    def _confirm_offer(self, message: ConfirmOffer) -> None:
        from screens.booking_confirm import ConfirmBookingScreen

        confirm = ConfirmBookingScreen(message.draft, message.request, message.offer)
        self.push_screen(confirm, message.answered)
