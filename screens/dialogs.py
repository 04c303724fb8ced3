"""Small modal questions: are you sure, why is the stay cancelled, which room.

They only answer: the screen that asked does the work (in a worker) with what they return. Their
look is in `dialogs.tcss`, with every other dialog's.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from pms.stays.reservation_views import ReservationView
from pms.stays.rooms import RoomChoice
from screens.dates import long_date
from screens.status_marks import HOUSEKEEPING_DOTS, UNKNOWN_DOT
from screens.typing import DeskInput


class ConfirmDialog(ModalScreen[bool]):
    """A yes / no question; `y` and `n` answer it from the keyboard, `escape` means no."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str, yes: str, no: str) -> None:
        super().__init__()
        self.question, self.yes, self.no = question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question, classes="question")
            with Horizontal():
                yield Button(f"{self.yes} (y)", variant="error", id="yes")
                yield Button(f"{self.no} (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        """Answer from the keyboard."""
        self.dismiss(yes)


class CancelDialog(ModalScreen[str | None]):
    """Asks why a stay is cancelled and confirms it: `enter` in the reason cancels the stay,
    `escape` keeps it. A reason is required, since the audit log keeps it for the guest's
    history and any later dispute about charges."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "keep", "Keep the stay")]

    def __init__(self, view: ReservationView) -> None:
        super().__init__()
        self.view = view

    def compose(self) -> ComposeResult:
        view = self.view
        with Vertical():
            yield Label(
                Text(
                    f"Cancel {view.confirmation} for {view.guest_name}, "
                    f"{long_date(view.arrival)} to {long_date(view.departure)}?"
                ),
                classes="question",
            )
            yield DeskInput(placeholder="reason (e.g. guest's flight cancelled)", id="reason")
            yield Static("", classes="problem", id="problem")
            with Horizontal():
                yield Button("Cancel the stay", variant="error", id="cancel-stay")
                yield Button("Keep it (esc)", id="keep")

    @on(Input.Submitted)
    @on(Button.Pressed, "#cancel-stay")
    def _confirmed(self) -> None:
        reason = self.query_one("#reason", Input).value.strip()
        if not reason:
            self.query_one("#problem", Static).update("a reason is needed to cancel a stay")
            self.query_one("#reason", Input).focus()
            return
        self.dismiss(reason)

    @on(Button.Pressed, "#keep")
    def action_keep(self) -> None:
        """Leave the stay as it is."""
        self.dismiss(None)


class RoomPicker(ModalScreen[str | None]):
    """The free rooms for a stay, best first (inspected, clean, dirty; lower floors first);
    `enter` gives the highlighted one to the stay, `escape` gives none."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close")]

    def __init__(self, view: ReservationView, rooms: list[RoomChoice]) -> None:
        super().__init__()
        self.view = view
        self.rooms = rooms

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                Text(
                    f"Room for {self.view.guest_name} · {self.view.room_type}, "
                    f"{self.view.nights} nights from {long_date(self.view.arrival)}"
                ),
                classes="question",
            )
            yield OptionList(*(self._option(room) for room in self.rooms))

    def _option(self, room: RoomChoice) -> Option:
        state = Content.from_markup(HOUSEKEEPING_DOTS.get(room.housekeeping, UNKNOWN_DOT))
        number = Content(f"{room.number:<6} floor {room.floor:<3} ")
        return Option(number + state + Content(f"  {', '.join(room.features)}"), id=room.number)

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        """Give no room."""
        self.dismiss(None)
