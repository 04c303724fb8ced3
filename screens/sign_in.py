"""Signing in at the front desk: the first screen of `pms`, and the lock that covers every
screen after the idle minutes (or `ctrl+g`) until the same clerk types their password again —
or someone else signs in, taking over the desk with its screens as they are (a shift change).

It covers what lies under it (a full screen, not a dialog), and there is no way past it but a
password; failed tries count towards the lockout like `pms login`'s.

A clerk often types ahead of the screen (the desk is starting, the machine is loaded), and the
terminal hands over `ana⏎demo⏎` in one read: the keys go where the clerk meant them as every
field's do (`screens.typing`), and so do this screen's own — enter from the user field, and the
field the clerk types in first, focused as soon as the screen is composed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static
from textual.worker import Worker, WorkerState

from pms.hotel.sign_in import SignedIn, sign_in
from screens.desk_footer import DeskFooter
from screens.desk_screen import DeskScreen
from screens.typing import DeskInput


@dataclass
class PasswordChecked(Message):
    """The password was right: who is signed in now."""

    signed_in: SignedIn


class SignInScreen(DeskScreen[SignedIn]):
    """User and password; answers who signed in. `locked_by` names the clerk whose desk is
    locked: their name is filled in, and anyone else may sign in instead."""

    CSS_PATH = "sign_in.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "sign_in", "Sign in", tooltip="Sign in with the password typed"),
        # Priority, as tab (`screens.typing`): the app moves on to the password before it hands
        # on the keys typed after the enter. ctrl+j is an enter typed before `pms` took the
        # terminal (which turns it into a newline); in the password field it signs in, after
        # the keys typed before it, as the field's own enter does.
        Binding("enter,ctrl+j", "to_password", show=False, priority=True),
        Binding("ctrl+j", "sign_in", show=False),
    ]
    # The field typed in first (the password when the desk is locked) has the focus as soon as
    # it is composed: a focus() on mount would come after the keys already typed ahead.
    AUTO_FOCUS = ".typed-first"

    def __init__(self, locked_by: str | None = None) -> None:
        super().__init__()
        self.locked_by = locked_by

    def compose(self) -> ComposeResult:
        if self.locked_by:
            title = f"The desk is locked — {self.locked_by}, type your password to go on"
            hint = "Or sign in as someone else: the screens stay as they are."
        else:
            title, hint = "Front desk — sign in", "Ask an administrator if you have no user."
        with Vertical():
            yield Label(Text(title), classes="question")
            yield DeskInput(
                value=self.locked_by or "",
                placeholder="user",
                id="username",
                classes="" if self.locked_by else "typed-first",
            )
            yield DeskInput(
                placeholder="password",
                password=True,
                id="password",
                classes="typed-first" if self.locked_by else "",
            )
            yield Static("", classes="problem", id="problem")
            yield Static(Text(hint), classes="hint")
        yield DeskFooter()

    def action_to_password(self) -> None:
        """enter in the user field goes on to the password; in the password field it is the
        field's own enter (it signs in)."""
        if self.focused is not self.query_one("#username", Input):
            raise SkipAction()
        self.set_focus(self.query_one("#password", Input))

    @on(Input.Submitted, "#password")
    def action_sign_in(self) -> None:
        """Check the password typed (in a worker: argon2 takes its time on purpose)."""
        username = self.query_one("#username", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not username or not password:
            self._say("type your user and your password")
            return
        self.query_one("#problem", Static).update("")
        self._check(username, password)

    @work(thread=True, exclusive=True, group="sign-in", exit_on_error=False)
    def _check(self, username: str, password: str) -> None:
        self.post_message(PasswordChecked(sign_in(self.desk, username, password)))

    @on(PasswordChecked)
    def _checked(self, message: PasswordChecked) -> None:
        self.dismiss(message.signed_in)

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "sign-in" and event.state == WorkerState.ERROR:
            self._say(self.report_failure(event.worker.error, quiet=True))
            password = self.query_one("#password", Input)
            password.value = ""
            password.focus()

    def _say(self, problem: str) -> None:
        self.query_one("#problem", Static).update(Text(problem))
