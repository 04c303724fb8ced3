"""The "go to a date" bar, and the base of the screens that move through nights with it (the
availability grid, the rate calendar and the room rack): `g` opens the bar, `escape` closes it
before doing anything else, and a date read from it moves the screen there.
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Static

from pms.kernel.dates import parse_date
from pms.kernel.errors import InvalidInput
from screens.desk_screen import DeskScreen
from screens.typing import DeskInput


class GoToDate(Horizontal):
    """The "go to a date" bar over the footer: hidden until `open()`, it reads a date the way the
    desk types dates (`4.12`, `+10`, `fri`, against `business_date`, which the screen sets), says
    beside the box what is wrong with one it cannot read, and on a good one closes and posts
    `GoToDate.Chosen`. The screen closes it on `escape` (`close()`) while it is `display`ed."""

    DEFAULT_CSS = """
    GoToDate {
        display: none;
        height: 1;
        dock: bottom;
        margin-bottom: 1;
    }
    GoToDate > #goto {
        width: 34;
    }
    GoToDate > #goto-note {
        padding: 0 1;
        color: $text-error;
    }
    """

    class Chosen(Message):
        """The clerk asked for `day`."""

        def __init__(self, day: dt.date) -> None:
            super().__init__()
            self.day = day

    def __init__(self, *, id: str = "goto-bar") -> None:
        super().__init__(id=id)
        self.business_date: dt.date | None = None

    def compose(self) -> ComposeResult:
        yield DeskInput(placeholder="date: 2026-12-04, 4.12, +3, fri", id="goto", compact=True)
        yield Static(id="goto-note")

    def open(self) -> None:
        """Show the bar, clear the note and take the keys."""
        self.display = True
        self.query_one("#goto-note", Static).update("")
        self.query_one("#goto", Input).focus()

    def close(self) -> None:
        """Hide the bar and give the keys back to the screen."""
        self.display = False
        self.screen.set_focus(None)

    @on(Input.Submitted, "#goto")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.business_date is None:
            return
        try:
            day = parse_date(event.value, self.business_date, field="date")
        except InvalidInput as error:
            self.query_one("#goto-note", Static).update(Text(f"✗ {error}"))
            return
        event.input.value = ""
        self.close()
        self.post_message(self.Chosen(day))


class GoToDateScreen(DeskScreen[None]):
    """A screen with the date bar (it composes a `GoToDate` and binds `g` to `go_to`): the bar's
    handling lives here once; each screen only says, in `show_from`, how it moves to a date."""

    @property
    def goto(self) -> GoToDate:
        """The date box."""
        return self.query_one("#goto-bar", GoToDate)

    def action_go_to(self) -> None:
        """Open the date box."""
        self.goto.open()

    def close_goto(self) -> bool:
        """Close the date box if it is open; whether it was (then `escape` does nothing more)."""
        if not self.goto.display:
            return False
        self.goto.close()
        return True

    @on(GoToDate.Chosen)
    def _date_chosen(self, message: GoToDate.Chosen) -> None:
        self.show_from(message.day)

    def show_from(self, day: dt.date) -> None:
        """Move the screen to the date the clerk typed."""
        raise NotImplementedError
