"""Small questions the rack and the housekeeping board ask: why (a room move, out of service),
and when and why a room is out of order. They only answer; the screen that asked does the work.
Their look is in `dialogs.tcss`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from pms.kernel.dates import parse_date
from pms.kernel.errors import InvalidInput
from screens.typing import DeskInput


class ReasonDialog(ModalScreen[str | None]):
    """Asks why (`enter` answers, `escape` drops the question); a reason is required unless
    `optional`, since the audit trail keeps it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "drop", "Never mind")]

    def __init__(self, question: str, placeholder: str, *, optional: bool = False) -> None:
        super().__init__()
        self.question, self.placeholder, self.optional = question, placeholder, optional

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.question), classes="question")
            yield DeskInput(placeholder=self.placeholder, id="reason")
            yield Static("", classes="problem", id="problem")
            with Horizontal():
                yield Button("OK (enter)", variant="primary", id="ok")
                yield Button("Never mind (esc)", id="drop")

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _answered(self) -> None:
        reason = self.query_one("#reason", Input).value.strip()
        if not reason and not self.optional:
            self.query_one("#problem", Static).update("say why, for the audit trail")
            self.query_one("#reason", Input).focus()
            return
        self.dismiss(reason)

    @on(Button.Pressed, "#drop")
    def action_drop(self) -> None:
        """Answer nothing."""
        self.dismiss(None)


@dataclass(frozen=True)
class OutOfOrderRequest:
    """A room to take out of order for the nights start..end (end: the first night back)."""

    room: str
    start: dt.date
    end: dt.date
    reason: str


class OutOfOrderDialog(ModalScreen[OutOfOrderRequest | None]):
    """From when, until when and why a room is out of order; dates as the desk writes them
    (`4.12`, `+3`, `fri`). `ctrl+s` or `enter` in the reason takes it out, `escape` drops it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "drop", "Never mind"),
        Binding("ctrl+s", "save", "Take out of order"),
    ]

    def __init__(self, room: str, business_date: dt.date) -> None:
        super().__init__()
        self.room, self.business_date = room, business_date

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(f"Room {self.room} out of order"), classes="question")
            yield DeskInput(value="+0", placeholder="first night out: 4.12, +0, fri", id="start")
            yield DeskInput(value="+1", placeholder="back in order on: 5.12, +1", id="end")
            yield DeskInput(placeholder="reason (e.g. leak in the bathroom)", id="reason")
            yield Static("", classes="problem", id="problem")
            with Horizontal():
                yield Button("Take out (ctrl+s)", variant="error", id="ok")
                yield Button("Never mind (esc)", id="drop")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    @on(Input.Submitted, "#reason")
    @on(Button.Pressed, "#ok")
    def action_save(self) -> None:
        """Check the answer and hand it back."""
        problem = self.query_one("#problem", Static)
        try:
            start = parse_date(self._value("start"), self.business_date, field="start")
            end = parse_date(self._value("end"), self.business_date, field="end")
        except InvalidInput as error:
            problem.update(Text(str(error)))
            return
        if end <= start:
            problem.update("the room must be back in order after its first night out")
            return
        reason = self._value("reason")
        if not reason:
            problem.update("say why the room is out of order")
            self.query_one("#reason", Input).focus()
            return
        self.dismiss(OutOfOrderRequest(self.room, start, end, reason))

    def _value(self, field: str) -> str:
        return self.query_one(f"#{field}", Input).value.strip()

    @on(Button.Pressed, "#drop")
    def action_drop(self) -> None:
        """Leave the room in order."""
        self.dismiss(None)
