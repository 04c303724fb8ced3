"""Small modal questions: are you sure, why is the stay cancelled, which room.

They are modals, so they keep their few lines of styling in DEFAULT_CSS, and they only answer:
the screen that asked does the work (in a worker) with what they return.
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

from pms.reservation_views import ReservationView
from pms.rooms import RoomChoice
from screens.widgets import long_date

_MODAL_CSS = """
{name} {
    align: center middle;
    background: $background 60%;
    & > Vertical {
        width: 64;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        padding: 1 2;
        border: thick $primary;
        background: $surface;
    }
    .question { width: 100%; margin-bottom: 1; }
    .problem { color: $text-error; height: auto; }
    Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
    Button { margin-left: 1; }
}
"""


class ConfirmDialog(ModalScreen[bool]):
    """A yes / no question; `y` and `n` answer it from the keyboard, `escape` means no."""

    DEFAULT_CSS = _MODAL_CSS.replace("{name}", "ConfirmDialog")
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

    DEFAULT_CSS = _MODAL_CSS.replace("{name}", "CancelDialog")
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
            yield Input(placeholder="reason (e.g. guest's flight cancelled)", id="reason")
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

    DEFAULT_CSS = (
        _MODAL_CSS.replace("{name}", "RoomPicker")
        + """
    RoomPicker OptionList { height: auto; max-height: 14; }
    """
    )
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close")]

    #: Housekeeping state as a coloured dot and a word (UX.md: dirty red, clean yellow,
    #: inspected green), so the choice never rests on colour alone.
    HOUSEKEEPING: ClassVar[dict[str, str]] = {
        "inspected": "[$text-success]●[/] inspected",
        "clean": "[$text-warning]●[/] clean    ",
        "dirty": "[$text-error]●[/] dirty    ",
    }

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
        state = Content.from_markup(self.HOUSEKEEPING.get(room.housekeeping, "? unknown  "))
        number = Content(f"{room.number:<6} floor {room.floor:<3} ")
        return Option(number + state + Content(f"  {', '.join(room.features)}"), id=room.number)

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        """Give no room."""
        self.dismiss(None)
