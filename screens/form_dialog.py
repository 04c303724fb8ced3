"""The base of the folio's and the payments' small forms (`screens.folio_dialogs`,
`screens.payment_dialogs`): they only answer, and say beside the form what is wrong with what
was typed. Their look is in `dialogs.tcss`, under this class's name.
"""

from __future__ import annotations

from typing import ClassVar, Generic, TypeVar

from textual import on
from textual.binding import Binding, BindingType
from textual.events import Mount
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

T = TypeVar("T")


class FormDialog(ModalScreen[T | None], Generic[T]):
    """A question with a few fields: `escape` answers None, a problem line shows what is wrong."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close")]

    @on(Mount)
    def _label_fields(self) -> None:
        """Put each field's name above it: a placeholder alone is gone once the field holds
        something, and the clerk must still see what the field is for."""
        for field in self.query(Input):
            if field.placeholder and field.parent is not None:
                label = Label(str(field.placeholder), classes="field-label")
                field.parent.mount(label, before=field)

    def action_close(self) -> None:
        """Answer nothing."""
        self.dismiss(None)

    def problem(self, text: str, field: str) -> None:
        """Say what is wrong beside the form and put the cursor back in the field."""
        self.query_one("#problem", Static).update(text)
        self.query_one(f"#{field}", Input).focus()

    def value(self, field: str) -> str:
        """What the clerk typed in a field, trimmed."""
        return self.query_one(f"#{field}", Input).value.strip()
