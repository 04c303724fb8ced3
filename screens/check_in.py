"""Check-in: the rooms that could take an arriving stay, best first, and one key to give one.

Ready rooms (clean or inspected, vacant, in service) come first, with the guest's preferences
they meet; each shows its housekeeping dot and word. A dirty room is offered only to a
supervisor, who confirms the override; the service checks the role again. The screen closes with
the `CheckInView` once the stay is in-house.

A rate plan that asks for a card guarantee refuses the check-in until a card is held: the screen
says so (from the plan, before a room is picked, and again if the service refuses) and `g` takes
it (`screens.card_guarantee`), then the refused check-in is tried again.

A clerk who knows the desk types ahead: the keys pressed while the rooms are still being read
(a room number, the arrows, enter) are held and applied once the rooms are there, so `c` then
enter at once gives the best room. Typing a room number highlights the room it names.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap, BindingType
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from pms.frontdesk.check_in import check_in
from pms.frontdesk.room_suggestions import RoomSuggestion, suggest_rooms
from pms.kernel.desk import Role
from pms.payments.take import payments_of
from pms.rates.plans import get_rate_plan
from pms.stays.reservation_views import get_reservation
from screens.card_guarantee import CardGuaranteeScreen, card_refusal
from screens.desk_footer import DeskFooter
from screens.dialogs import ConfirmDialog
from screens.header import DeskHeader
from screens.messages import CheckedIn, GuaranteeRead, RoomsSuggested
from screens.status_marks import HOUSEKEEPING_DOTS, UNKNOWN_DOT

#: The picker's own keys (arrows, home/end, enter), held like a room number while rooms load.
PICKER_KEYS = BindingsMap(OptionList.BINDINGS).key_to_bindings


def _not_givable(room: RoomSuggestion) -> str:
    """Why the room cannot be given now, or "" when it can."""
    if not room.vacant:
        return "its guest has not checked out yet"
    if room.out_of_service:
        return f"out of service ({room.out_of_service})"
    return ""


def room_line(room: RoomSuggestion) -> Content:
    """One room of the picker: number, floor, housekeeping dot, what else a clerk weighs."""
    state = Content.from_markup(HOUSEKEEPING_DOTS.get(room.housekeeping, UNKNOWN_DOT))
    notes = ["assigned"] if room.assigned else []
    if not room.vacant:
        notes.append("guest still in (due out)")
    if room.out_of_service:
        notes.append(f"out of service: {room.out_of_service}")
    if room.matches:
        notes.append("✓ " + ", ".join(room.matches))
    elif room.features:
        notes.append(", ".join(room.features))
    return (
        Content(f"{room.number:<6} floor {room.floor:<3} ")
        + state
        + Content("  " + " · ".join(notes))
    )


class CheckInScreen(CardGuaranteeScreen):
    """Pick a room for an arriving stay and check it in; `escape` leaves it as it was."""

    CSS_PATH = "check_in.tcss"
    AUTO_FOCUS = "#rooms"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("r", "refresh", "Refresh", tooltip="Read the rooms again"),
        Binding(
            "g",
            "guarantee",
            "Take card guarantee",
            tooltip="Hold the rate plan's card guarantee (card token from the terminal)",
        ),
    ]

    def __init__(self, confirmation: str) -> None:
        super().__init__(confirmation)
        self.rooms: list[RoomSuggestion] = []
        self.note = ""
        #: The room the last check-in tried (and whether dirty), to try again once the card
        #: is held.
        self.tried: tuple[str, bool] | None = None
        #: The keys pressed while the rooms are read, or None when the rooms are there.
        self.held_keys: list[events.Key] | None = None
        #: The room number typed so far, to highlight the room it names.
        self.typed = ""

    @property
    def supervisor(self) -> bool:
        """Whether the clerk signed in may give a dirty room."""
        return self.desk.actor.can(Role.SUPERVISOR)

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        yield Static(Text(f"Check in {self.confirmation}", style="bold"), id="check-in-title")
        yield OptionList(id="rooms")
        yield Static(id="check-in-note")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.action_refresh()

    def action_back(self) -> None:
        """Leave without checking in."""
        self.dismiss(None)

    def action_refresh(self) -> None:
        """Read the rooms that could take the stay now."""
        self.query_one("#rooms").loading = True
        self.held_keys = []
        self._suggest()

    def on_key(self, event: events.Key) -> None:
        """Hold what is typed for the picker while its rooms are read; a room number typed
        highlights the room."""
        if event.key not in PICKER_KEYS and not self._room_key(event):
            return
        if self.held_keys is not None:
            self.held_keys.append(event)
            event.stop()
            event.prevent_default()
        elif event.character and self._room_key(event):
            self._type_room(event.character)
            event.stop()
        else:
            self.typed = ""

    def _room_key(self, event: events.Key) -> bool:
        """Whether the key is part of a room number (and not one of the screen's own keys)."""
        return (
            event.character is not None
            and event.character.isalnum()
            and event.key not in self.active_bindings
        )

    def _type_room(self, character: str) -> None:
        """Highlight the first room whose number starts with what was typed."""
        for typed in (self.typed + character, character):
            index = next((i for i, r in enumerate(self.rooms) if r.number.startswith(typed)), None)
            if index is not None:
                self.typed = typed
                self.query_one("#rooms", OptionList).highlighted = index
                return
        self.typed = ""

    async def _replay_held_keys(self) -> None:
        """Apply, in order, the keys pressed while the rooms were read."""
        held, self.held_keys = self.held_keys or [], None
        picker = self.query_one("#rooms", OptionList)
        for event in held:
            if bindings := PICKER_KEYS.get(event.key):
                self.typed = ""
                await picker.run_action(bindings[0].action)
            elif event.character:
                self._type_room(event.character)

    @work(thread=True, exclusive=True, group="check-in", exit_on_error=False)
    def _suggest(self) -> None:
        view = self.desk.read(get_reservation, self.confirmation)
        rooms = self.desk.read(suggest_rooms, self.confirmation)
        plan = self.desk.read(get_rate_plan, view.property_code, view.rate_plan)
        card_due = plan.guarantee == "card" and not any(
            p.state in ("authorised", "captured")
            for p in self.desk.read(payments_of, view.confirmation)
        )
        self.post_message(GuaranteeRead(view.confirmation, view.currency, view.total, card_due))
        self.post_message(RoomsSuggested(view.confirmation, view.guest_name, view.room_type, rooms))

    @work(thread=True, exclusive=True, group="check-in", exit_on_error=False)
    def _check_in(self, number: str, allow_dirty: bool) -> None:
        done = self.desk.run(check_in, self.confirmation, number, allow_dirty=allow_dirty)
        self.post_message(CheckedIn(done))

    @on(GuaranteeRead)
    def _guarantee_read(self, message: GuaranteeRead) -> None:
        self.currency, self.total = message.currency, message.total
        self.card_due = message.card_due
        self.refresh_bindings()
        self._show_note()

    def _show_note(self, refusal: str = "") -> None:
        note = self.note
        if self.card_due:
            due = refusal or "the rate plan needs a card guarantee before check-in"
            note = f"{due} · g takes the card guarantee"
        self.query_one("#check-in-note", Static).update(Text(note))

    @on(RoomsSuggested)
    async def _rooms_found(self, message: RoomsSuggested) -> None:
        picker = self.query_one("#rooms", OptionList)
        picker.loading = False
        # A clerk is not offered what only a supervisor may give.
        self.rooms = [r for r in message.rooms if self.supervisor or r.housekeeping != "dirty"]
        picker.clear_options()
        picker.add_options(
            # Not disabled: enter on a room that cannot be given says why (`_picked`).
            Option(room_line(r), id=r.number)
            for r in self.rooms
        )
        title = f"Check in {message.guest_name} · {message.confirmation} · {message.room_type}"
        self.query_one("#check-in-title", Static).update(Text(title, style="bold"))
        hidden = len(message.rooms) - len(self.rooms)
        note = "enter gives the highlighted room"
        if not self.rooms:
            note = f"no {message.room_type} room can be given now"
        if hidden:
            note += f" · {hidden} dirty room{'s' if hidden != 1 else ''} only a supervisor can give"
        self.guest_name = message.guest_name
        self.note = note
        self._show_note()
        if self.rooms:
            picker.highlighted = 0
        picker.focus()
        await self._replay_held_keys()

    @on(OptionList.OptionSelected, "#rooms")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        number = event.option.id
        room = next((r for r in self.rooms if r.number == number), None)
        if room is None or self.busy:
            return
        if why := _not_givable(room):
            self.note = f"room {room.number} cannot be given now: {why}"
            self._show_note()
            return
        if room.housekeeping != "dirty":
            self._give(room.number, allow_dirty=False)
            return

        def _answer(yes: bool | None) -> None:
            if yes:
                self._give(room.number, allow_dirty=True)

        self.app.push_screen(
            ConfirmDialog(
                f"Room {room.number} is dirty. Give it anyway?", "Give it", "Pick another"
            ),
            _answer,
        )

    def _give(self, number: str, *, allow_dirty: bool) -> None:
        self.tried = (number, allow_dirty)
        self.working(True)
        self._check_in(number, allow_dirty)

    @on(CheckedIn)
    def _checked_in(self, message: CheckedIn) -> None:
        view = message.view
        self.notify(f"{view.reservation.guest_name} checked in to room {view.room}")
        if view.guarantee_due:
            self.notify(f"take the {view.guarantee_due} guarantee now", severity="warning")
        self.dismiss(view)

    def working(self, busy: bool) -> None:
        """The room list stands greyed while a check-in or a hold is on its way."""
        super().working(busy)
        self.query_one("#rooms").loading = busy

    def guarantee_held(self) -> None:
        """The card is held: the check-in it stopped is tried again."""
        self._show_note()
        if self.tried is not None:
            number, allow_dirty = self.tried
            self._give(number, allow_dirty=allow_dirty)

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        self.held_keys = None  # the rooms did not come: what was typed for them is dropped
        self.working(False)
        error = event.worker.error
        if event.worker.group == "card":
            self.card_failed(error)
            return
        message = self.report_failure(error)
        if card_refusal(error):
            self.card_due = True
            self.refresh_bindings()
            self._show_note(message)
