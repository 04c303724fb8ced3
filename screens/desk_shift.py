"""The front desk's shift: who is signed in, and what every screen needs to follow the house.

The app opens on the sign-in screen when its desk has nobody signed in (the real `pms`; tests
hand in a signed-in desk); it locks after `rules.idle_lock_minutes` without a key or click (or at
`ctrl+g`), and whoever signs in then takes the desk over with its screens as they are. Every
LIVE_SECONDS it asks the change log where it stands: when another desk changed something, the
screens in `LIVE_SCREENS` read their data again, and a database that went away raises the
header's "reconnecting…" banner until it answers. A clerk's action the database lost
(`screens.desk_screen`) is kept, and ctrl+r runs it again on its screen once it answers. Once
someone is signed in, a worker settles the card attempts a stopped desk left pending (when a
card processor is configured), and one notification says what it settled.

`screens.app.FrontDeskApp` builds on this, so the app module keeps to the areas and screens.
"""

from __future__ import annotations

import time
from typing import ClassVar

from textual import events, on, work
from textual.app import App, ScreenStackError
from textual.binding import BindingType
from textual.reactive import var
from textual.screen import Screen

from pms.frontdesk.polling import RackVersion, rack_version
from pms.hotel.sign_in import SignedIn
from pms.kernel.config import load_settings
from pms.kernel.desk import Desk
from pms.kernel.errors import ConfigError
from pms.payments.gateways.stripe_gateway import gateway_from_settings
from screens.desk_app import KeptAction
from screens.messages import ActionKept, CardsSettled, HouseChanged
from screens.sign_in import SignInScreen
from screens.typing import FIELD_KEYS, FIELD_MOVES, moves_between_fields

#: Seconds between looks at how long the desk has been idle (`rules.idle_lock_minutes`).
IDLE_CHECK_SECONDS = 5.0
#: Seconds between looks at the change log: another desk's change reaches the live screens (the
#: rack, the housekeeping board and search follow it themselves), and a database that went
#: away is noticed, and its return too, this quickly.
LIVE_SECONDS = 2.0


#: What keys may still do while the sign-in screen covers the desk: quit, and move between its
#: two fields (tab is the app's `next_field`, or Textual's `focus_next` off a field).
_WHILE_SIGNING_IN = frozenset({"quit", "focus_next", "focus_previous", *FIELD_MOVES})


class ShiftApp(App[None]):
    """An app over one desk that signs its clerk in, locks when left, and follows the house."""

    #: Tab and shift+tab between fields, in the order typed (`screens.typing`).
    BINDINGS: ClassVar[list[BindingType]] = [*FIELD_KEYS]

    #: The screens that read their data again (`action_refresh`) when the house changed.
    LIVE_SCREENS: ClassVar[tuple[type[Screen], ...]] = ()

    #: Who is signed in ("" before anyone is): the header follows it.
    signed_in: var[str] = var("")
    #: Why the database cannot be reached, or "" while it answers.
    offline: var[str] = var("")
    #: The action the database lost, offered again at ctrl+r (None: nothing to retry).
    kept: var[KeptAction | None] = var(None)

    desk: Desk

    def start_shift(self) -> None:
        """Ask for a sign-in when nobody is, and start watching the idle time and the house."""
        self._last_input = time.monotonic()
        self._house_version: RackVersion | None = None
        self.signed_in = self.desk.actor.username if self.desk.actor else ""
        if self.desk.actor is None:
            self.push_screen(SignInScreen(), self._signed_in)
        else:
            self.settle_cards_left_behind()
        self.set_interval(IDLE_CHECK_SECONDS, self.lock_if_idle)
        self.follow_other_desks()  # where the house stands as the desk opens
        self.set_interval(LIVE_SECONDS, self.follow_other_desks)

    @work(thread=True, exclusive=True, group="live", exit_on_error=False)
    def follow_other_desks(self) -> None:
        """Ask the change log where it stands (two primary-key reads)."""
        self.post_message(HouseChanged(self.desk.read(rack_version)))

    @work(thread=True, exclusive=True, group="left-behind", exit_on_error=False)
    def settle_cards_left_behind(self) -> None:
        """Settle the card attempts a stopped desk left pending, by asking the processor
        (one indexed read when there are none; nothing without a card processor)."""
        try:
            gateway = gateway_from_settings(load_settings())
        except ConfigError:
            return  # no card processor configured: no card was ever asked from this house
        from pms.payments.take import settle_left_behind, settled_line  # the card path's modules

        if line := settled_line(settle_left_behind(self.desk, gateway)):
            self.post_message(CardsSettled(line))

    @on(CardsSettled)
    def _cards_settled(self, message: CardsSettled) -> None:
        self.notify(message.line, title="Card payments settled", timeout=20)

    @on(HouseChanged)
    def _house_changed(self, message: HouseChanged) -> None:
        """Read the list or dashboard again when the house changed: the cursor stays on its
        reservation and the filter keeps what was typed (`ReservationTable.show`)."""
        self.offline = ""
        seen, self._house_version = self._house_version, message.version
        if seen is None or seen == message.version:
            return
        try:
            screen = self.screen
        except ScreenStackError:  # the desk is closing: no screen to read again
            return
        if isinstance(screen, self.LIVE_SCREENS):
            screen.action_refresh()

    @on(ActionKept)
    def _action_kept(self, message: ActionKept) -> None:
        """Keep the action the database lost (the latest one: the clerk's last wish); drop a
        kept one the clerk has since done by hand."""
        if message.kept is not None:
            self.kept = message.kept
        elif self.kept and (self.kept.screen, self.kept.label) == (message.screen, message.label):
            self.kept = None
        self.refresh_bindings()

    def action_retry(self) -> None:
        """ctrl+r: run the action the database lost again, as it was asked."""
        kept, self.kept = self.kept, None
        self.refresh_bindings()
        if kept is not None:
            kept.again()

    async def on_event(self, event: events.Event) -> None:
        """Every key and click passes here first: the desk is in use."""
        if isinstance(event, events.Key | events.MouseDown):
            self._last_input = time.monotonic()
        await super().on_event(event)

    def lock_if_idle(self) -> None:
        """Lock the desk once nobody has touched it for `rules.idle_lock_minutes`."""
        minutes = self.desk.rules.idle_lock_minutes
        if minutes and time.monotonic() - self._last_input >= minutes * 60:
            self.action_lock()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While the sign-in screen covers the desk, no key leads past it (quitting aside)."""
        if isinstance(self.screen, SignInScreen) and action not in _WHILE_SIGNING_IN:
            return False
        if action in FIELD_MOVES:
            return moves_between_fields(self.focused)
        if action == "retry":  # offered on the screen the action was asked on, and only there
            return self.kept is not None and self.kept.screen is self.screen
        return super().check_action(action, parameters)

    def action_next_field(self) -> None:
        """tab in a field: the next one, before the keys typed after the tab are handed on."""
        self.screen.focus_next()

    def action_previous_field(self) -> None:
        """shift+tab in a field: the previous one."""
        self.screen.focus_previous()

    def action_lock(self) -> None:
        """ctrl+g: cover every screen until the clerk's password (or another clerk's) is typed."""
        if self.desk.actor is not None and not isinstance(self.screen, SignInScreen):
            self.push_screen(SignInScreen(locked_by=self.desk.actor.username), self._signed_in)

    def _signed_in(self, signed: SignedIn | None) -> None:
        """Act as whoever signed in; the screens stay as they were (a change of shift)."""
        if signed is None:
            return
        before = self.desk.actor
        self.desk.actor = signed.actor
        self.signed_in = signed.username
        self._last_input = time.monotonic()
        if before is None:
            self.call_later(self.run_action, "screen.refresh")
            self.settle_cards_left_behind()
        elif before.username != signed.username:
            self.notify(
                f"Signed in as {signed.username}; the screens are as {before.username} left them."
            )
