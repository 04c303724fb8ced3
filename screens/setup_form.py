"""The base of the Set-up area's forms (`screens.setup_dialogs`, `screens.setup_rate_dialogs`):
fields in a grid, each with a note beside it; a field is checked as it is left and the whole
form on save (`ctrl+s`), in a worker, through the same service the CLI calls — so a refusal
stands beside its field in the same words, and what was typed stays. The form is dismissed
with one line saying what was done, or None when the administrator backs out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from pms.kernel.errors import InvalidInput
from screens.desk_screen import DeskScreen
from screens.typing import DeskInput


@dataclass(frozen=True)
class Field:
    """One field of a form: its id (the name the services give it in InvalidInput), its
    label, a hint for the note beside it, its choices when it is picked from a list, and the
    check run when the field is left."""

    id: str
    label: str
    hint: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    check: Callable[[str], object] | None = None


class SetupForm(DeskScreen[str | None], ModalScreen[str | None]):
    """A form of the Set-up area; subclasses say their fields and how they are saved."""

    CSS_PATH = "setup_form.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "close", "Cancel"),
    ]
    TITLE_TEXT = ""
    #: The services' names for fields this form names another way (`number` → `numbers`).
    ALIASES: ClassVar[dict[str, str]] = {}

    def __init__(self, values: dict[str, str] | None = None) -> None:
        super().__init__()
        self.values = values or {}
        self.saving = False

    def fields(self) -> list[Field]:
        """The form's fields, in the order an administrator fills them."""
        raise NotImplementedError

    def store(self) -> None:
        """Read the fields and start saving (raise InvalidInput for a bad field)."""
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.TITLE_TEXT), classes="question")
            with Grid():
                for field in self.fields():
                    yield Label(field.label, classes="field-label")
                    yield self._widget(field)
                    yield Static(Text(field.hint), id=f"{field.id}-note", classes="note")
            yield Static(id="problem", classes="problem")
            with Horizontal(id="buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)

    def _widget(self, field: Field) -> Widget:
        value = self.values.get(field.id, "")
        if field.choices:
            known = {choice for _, choice in field.choices}
            start = value if value in known else field.choices[0][1]
            return Select(field.choices, value=start, allow_blank=False, id=field.id, compact=True)
        return DeskInput(value, id=field.id, compact=True)

    def text(self, field: str) -> str:
        """A field's value as typed (or picked)."""
        widget = self.query_one(f"#{field}")
        if isinstance(widget, Select):
            return str(widget.value) if isinstance(widget.value, str) else ""
        assert isinstance(widget, Input)
        return widget.value.strip()

    def note(self, field: str, error: str = "") -> None:
        """Say what is wrong beside a field, or put its hint back."""
        hint = next((f.hint for f in self.fields() if f.id == field), "")
        note = self.query_one(f"#{field}-note", Static)
        note.update(Text(f"✗ {error}" if error else hint))
        note.set_class(bool(error), "error")

    @on(Input.Blurred)
    def _left_field(self, event: Input.Blurred) -> None:
        """Check a field as it is left, with the check the service will use."""
        field = next((f for f in self.fields() if f.id == event.input.id), None)
        if field is None or field.check is None:
            return
        try:
            if event.value.strip():
                field.check(event.value)
            self.note(field.id)
        except InvalidInput as error:
            self.note(field.id, str(error))

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        """Check what was typed, then save in a worker."""
        if self.saving:
            return
        for field in self.fields():
            self.note(field.id)
        self.query_one("#problem", Static).update("")
        try:
            self.saving = True
            self.store()
        except InvalidInput as error:
            self.saving = False
            self.refused(error)

    def save(self, action: Callable[[], str]) -> None:
        """Run `action` (one or more service calls through the desk, returning what was done)
        in a worker; its result dismisses the form."""
        self._save(action)

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _save(self, action: Callable[[], str]) -> str:
        return action()

    @on(Button.Pressed, "#cancel")
    def action_close(self) -> None:
        """Leave without saving."""
        self.dismiss(None)

    def refused(self, error: InvalidInput) -> None:
        """Show a refusal beside its field (or under the form when no field has its name)."""
        field = self.ALIASES.get(error.field, error.field)
        if field in {f.id for f in self.fields()}:
            self.note(field, str(error))
            self.query_one(f"#{field}").focus()
        else:
            self.query_one("#problem", Static).update(Text(f"✗ {error}"))

    @on(Worker.StateChanged)
    def _done(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "save":
            return
        if event.state == WorkerState.SUCCESS:
            self.dismiss(str(event.worker.result))
        elif event.state == WorkerState.ERROR:
            self.saving = False
            error = event.worker.error
            if isinstance(error, InvalidInput):
                self.refused(error)
            elif not self.failed(error):
                message = self.report_failure(error, quiet=True)
                self.query_one("#problem", Static).update(Text(f"✗ {message}"))

    def failed(self, error: BaseException | None) -> bool:
        """A form's own answer to a refusal that is not about a field (True: handled)."""
        return False
