"""Check-in: the rooms that could take an arriving stay, best first, and one key to give one.

Ready rooms (clean or inspected, vacant, in service) come first, with the guest's preferences
they meet; each shows its housekeeping dot and word. A dirty room is offered only to a
supervisor, who confirms the override; the service checks the role again. The screen closes with
the `CheckInView` once the stay is in-house.

A rate plan that asks for a card guarantee refuses the check-in until a card is held: the screen
says so (from the plan, before a room is picked, and again if the service refuses) and `g` takes
it — the amount (the stay's total to start with) and the card token from the terminal, held
through the configured card gateway in a worker, then the refused check-in is tried again.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from pms.config import load_settings
from pms.desk import Role
from pms.errors import ConfigError, InvalidTransition
from pms.frontdesk import CheckInView, RoomSuggestion, check_in, suggest_rooms
from pms.gateways import CardDeclined, GatewayUnreachable, gateway_from_settings
from pms.money import format_money
from pms.payments import authorise_card, payments_of
from pms.rates import get_rate_plan
from pms.reservation_views import get_reservation
from screens.dialogs import ConfirmDialog
from screens.folio_dialogs import CardGuaranteeDialog, CardGuaranteeInput
from screens.messages import CardHeld, CheckedIn, GuaranteeRead, RoomsSuggested
from screens.widgets import DeskHeader, DeskScreen

#: Housekeeping state as a coloured dot and a word (UX.md: dirty red, clean yellow, inspected
#: green), so the choice never rests on colour alone.
HOUSEKEEPING: dict[str, str] = {
    "inspected": "[$text-success]●[/] inspected",
    "clean": "[$text-warning]●[/] clean    ",
    "dirty": "[$text-error]●[/] dirty    ",
}


#: How `pms.frontdesk.check_in` words its refusal when the rate plan's card guarantee is missing
#: ("rate plan X needs a card guarantee — authorise a card on the folio first").
CARD_REFUSAL = "needs a card guarantee"


def card_refusal(error: BaseException | None) -> bool:
    """Whether a failed check-in was refused for want of a card guarantee."""
    return isinstance(error, InvalidTransition) and CARD_REFUSAL in str(error)


def room_line(room: RoomSuggestion) -> Content:
    """One room of the picker: number, floor, housekeeping dot, what else a clerk weighs."""
    state = Content.from_markup(HOUSEKEEPING.get(room.housekeeping, "? unknown  "))
    notes = []
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


class CheckInScreen(DeskScreen[CheckInView | None]):
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
        super().__init__()
        self.confirmation = confirmation
        self.rooms: list[RoomSuggestion] = []
        self.busy = False
        #: The stay's rate plan wants a card held and none is (from the plan, or a refusal).
        self.card_due = False
        self.currency = ""
        self.total = 0
        self.guest_name = ""
        self.note = ""
        #: The room the last check-in tried (and whether dirty), to try again once the card
        #: is held.
        self.tried: tuple[str, bool] | None = None
        #: The hold on its way (what the clerk typed), to ask again if it does not happen.
        self.holding: CardGuaranteeInput | None = None

    @property
    def supervisor(self) -> bool:
        """Whether the clerk signed in may give a dirty room."""
        return self.desk.actor.can(Role.SUPERVISOR)

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        yield Static(Text(f"Check in {self.confirmation}", style="bold"), id="check-in-title")
        yield OptionList(id="rooms")
        yield Static(id="check-in-note")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.action_refresh()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`g` is offered only while a card guarantee is due."""
        if action == "guarantee":
            return self.card_due
        return True

    def action_back(self) -> None:
        """Leave without checking in."""
        self.dismiss(None)

    def action_refresh(self) -> None:
        """Read the rooms that could take the stay now."""
        self.query_one("#rooms").loading = True
        self._suggest()

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

    @work(thread=True, exclusive=True, group="card", exit_on_error=False)
    def _hold_card(self, typed: CardGuaranteeInput) -> None:
        # Outside desk.run: authorise_card opens its own short units of work around the calls
        # to the processor.
        gateway = gateway_from_settings(load_settings())
        held = authorise_card(
            self.desk,
            self.confirmation,
            typed.amount,
            gateway,
            typed.token,
            idempotency_key=typed.idempotency_key,
        )
        self.post_message(CardHeld(held))

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
    def _rooms_found(self, message: RoomsSuggested) -> None:
        picker = self.query_one("#rooms", OptionList)
        picker.loading = False
        # A clerk is not offered what only a supervisor may give.
        self.rooms = [r for r in message.rooms if self.supervisor or r.housekeeping != "dirty"]
        picker.clear_options()
        picker.add_options(
            Option(room_line(r), id=r.number, disabled=bool(r.out_of_service) or not r.vacant)
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

    @on(OptionList.OptionSelected, "#rooms")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        number = event.option.id
        room = next((r for r in self.rooms if r.number == number), None)
        if room is None or self.busy:
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
        self.busy = True
        self.query_one("#rooms").loading = True
        self._check_in(number, allow_dirty)

    @on(CheckedIn)
    def _checked_in(self, message: CheckedIn) -> None:
        view = message.view
        self.notify(f"{view.reservation.guest_name} checked in to room {view.room}")
        if view.guarantee_due:
            self.notify(f"take the {view.guarantee_due} guarantee now", severity="warning")
        self.dismiss(view)

    def action_guarantee(self) -> None:
        """Ask for the amount and the card token, then hold the card in a worker."""
        self._ask_card()

    def _ask_card(
        self, amount: int | None = None, token: str = "", problem: str = "", key: str = ""
    ) -> None:
        if not self.card_due or self.busy:
            return

        def _answer(typed: CardGuaranteeInput | None) -> None:
            if typed is not None:
                self.busy = True
                self.holding = typed
                self.query_one("#rooms").loading = True
                self._hold_card(typed)

        self.app.push_screen(
            CardGuaranteeDialog(
                self.currency,
                self.total if amount is None else amount,
                self.guest_name or self.confirmation,
                token=token,
                problem=problem,
                idempotency_key=key,
            ),
            _answer,
        )

    @on(CardHeld)
    def _card_held(self, message: CardHeld) -> None:
        self.holding = None
        held = message.payment
        self.notify(f"Held {format_money(held.amount, held.currency)} on the card")
        self.card_due = False
        self.refresh_bindings()
        self.busy = False
        self.query_one("#rooms").loading = False
        self._show_note()
        if self.tried is not None:  # the check-in the guarantee stopped: try it again
            number, allow_dirty = self.tried
            self._give(number, allow_dirty=allow_dirty)

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        self.busy = False
        self.query_one("#rooms").loading = False
        error = event.worker.error
        if event.worker.group == "card":
            self._card_failed(error)
            return
        message = self.report_failure(error)
        if card_refusal(error):
            self.card_due = True
            self.refresh_bindings()
            self._show_note(message)

    def _card_failed(self, error: BaseException | None) -> None:
        """A hold that did not happen: a missing key is a notification (the dialog cannot fix
        it); a decline or an unreachable processor opens the dialog again with the sentence
        beside the field — the same key after an unreachable processor (the same hold), a new
        one after a decline (another card)."""
        if isinstance(error, ConfigError):
            self.report_failure(error)
            return
        message = self.report_failure(error, quiet=True)
        typed, self.holding = self.holding, None
        if typed is None:
            self.notify(message, severity="error", timeout=8)
            return
        declined = isinstance(error, CardDeclined)
        self._ask_card(
            typed.amount,
            "" if declined else typed.token,
            message,
            typed.idempotency_key if isinstance(error, GatewayUnreachable) else "",
        )
