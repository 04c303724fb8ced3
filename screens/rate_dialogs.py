"""The manager's edits of the rate calendar: a price, or restrictions, for a block of the sheet.

Each dialog saves by itself (in a worker, one unit of work for every room type of the block), so
a refusal from the service stands beside its field with what was typed still there; it is
dismissed with one line saying what was done, or None when the manager backs out.
"""

from __future__ import annotations

import datetime as dt
import re
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
from pms.kernel.money import format_money, to_minor
from pms.rates.sheet_edits import RestrictionChange, restrict_block, set_block_rates
from screens.dates import long_date, short_date
from screens.desk_screen import DeskScreen
from screens.typing import DeskInput


@dataclass(frozen=True)
class RateBlock:
    """The part of the rate sheet an edit applies to: some room types of one plan, nights
    first..last (both included)."""

    property_code: str | None
    plan: str
    room_types: tuple[str, ...]
    first: dt.date
    last: dt.date
    currency: str

    @property
    def target(self) -> tuple[str | None, str, tuple[str, ...], dt.date, dt.date]:
        """Property, plan, room types, first and last night: what the block services take."""
        return self.property_code, self.plan, self.room_types, self.first, self.last

    def describe(self) -> str:
        """`DBL, TWN · Fri 04 Dec – Sun 06 Dec 2026 (3 nights)`."""
        nights = (self.last - self.first).days + 1
        when = (
            long_date(self.first)
            if nights == 1
            else f"{short_date(self.first)} – {long_date(self.last)}"
        )
        return f"{', '.join(self.room_types)} · {when} ({nights} night{'s' if nights > 1 else ''})"


def weekdays(text: str) -> list[str]:
    """`fri, sat` or `fri sat` as a list (empty: every day); the service checks the names."""
    return [day for day in re.split(r"[\s,]+", text.strip()) if day]


class BlockDialog(DeskScreen[str | None], ModalScreen[str | None]):
    """What both edits share: the fields grid with notes, saving in a worker, leaving. Their
    look is in `dialogs.tcss`, under this class's name."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "close", "Cancel"),
    ]
    #: The fields in order, and their labels; the ids the services name in InvalidInput.
    FIELDS: ClassVar[dict[str, str]] = {}
    TITLE_TEXT = ""

    def __init__(self, block: RateBlock) -> None:
        super().__init__()
        self.block = block
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.TITLE_TEXT.format(plan=self.block.plan)), classes="question")
            yield Label(Text(self.block.describe()), classes="block")
            with Grid():
                for field, label in self.FIELDS.items():
                    yield Label(label, classes="field-label")
                    yield self.field_widget(field)
                    yield Static(self.hint(field), id=f"{field}-note", classes="note")
            yield Static(id="problem", classes="problem")
            with Horizontal(id="buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)

    def field_widget(self, field: str) -> Widget:
        """The input for a field."""
        return DeskInput(id=field, compact=True)

    def hint(self, field: str) -> str:
        """What the note beside a field says before anything is wrong."""
        return "e.g. fri sat · blank: all" if field == "days" else ""

    def text(self, field: str) -> str:
        """A field's value as typed."""
        return self.query_one(f"#{field}", Input).value.strip()

    def note(self, field: str, error: str = "") -> None:
        """Say what is wrong beside a field, or put its hint back."""
        note = self.query_one(f"#{field}-note", Static)
        note.update(Text(f"✗ {error}" if error else self.hint(field)))
        note.set_class(bool(error), "error")

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        """Check what was typed, then save in a worker."""
        if self.saving:
            return
        for field in self.FIELDS:
            self.note(field)
        self.query_one("#problem", Static).update("")
        try:
            self.saving = True
            self.store()
        except InvalidInput as error:
            self.saving = False
            self._refused(error)

    def store(self) -> None:
        """Read the fields and start the worker (raise InvalidInput for a bad field)."""
        raise NotImplementedError

    @on(Button.Pressed, "#cancel")
    def action_close(self) -> None:
        """Leave without saving."""
        self.dismiss(None)

    def _refused(self, error: InvalidInput) -> None:
        field = {"to": "days", "plan": "problem"}.get(error.field, error.field)
        if field in self.FIELDS:
            self.note(field, str(error))
            self.query_one(f"#{field}").focus()
        else:
            self.query_one("#problem", Static).update(Text(f"✗ {error}"))

    @on(Worker.StateChanged)
    def _done(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.SUCCESS:
            self.dismiss(str(event.worker.result))
        elif event.state == WorkerState.ERROR:
            self.saving = False
            error = event.worker.error
            if isinstance(error, InvalidInput):
                self._refused(error)
            else:
                message = self.report_failure(error, quiet=True)
                self.query_one("#problem", Static).update(Text(f"✗ {message}"))


class PriceDialog(BlockDialog):
    """`e` on the rate calendar: one price for the block, optionally on some weekdays only."""

    FIELDS: ClassVar[dict[str, str]] = {"price": "Price per night", "days": "Weekdays"}
    TITLE_TEXT = "Set the {plan} price"
    AUTO_FOCUS = "#price"

    def __init__(self, block: RateBlock, current: int | None = None) -> None:
        super().__init__(block)
        self.current = current

    def hint(self, field: str) -> str:
        if field == "price":
            return f"now {format_money(self.current, self.block.currency)}" if self.current else ""
        return super().hint(field)

    def store(self) -> None:
        typed = self.text("price")
        if not typed:
            raise InvalidInput("price", "type the new price, like 129 or 129.50")
        price = to_minor(typed, self.block.currency, field="price")
        if price < 0:
            raise InvalidInput("price", "a price cannot be negative")
        self._save(price, weekdays(self.text("days")))

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _save(self, price: int, days: list[str]) -> str:
        nights = self.desk.run(set_block_rates, *self.block.target, price, days)
        money = format_money(price, self.block.currency)
        return f"{self.block.plan} {money} set on {nights} night{'s' if nights != 1 else ''}"


#: The three switches of a restriction: leave as is, turn on, turn off.
SWITCH = (("unchanged", ""), ("closed", "on"), ("open", "off"))


class RestrictionDialog(BlockDialog):
    """`r` on the rate calendar: lengths of stay, closed to arrival / departure, stop-sell.

    Blank or "unchanged" leaves a restriction as it is; a length of stay of 0 removes it.
    """

    FIELDS: ClassVar[dict[str, str]] = {
        "min_los": "Minimum stay",
        "max_los": "Maximum stay",
        "closed_to_arrival": "Closed to arrival",
        "closed_to_departure": "Closed to departure",
        "stop_sell": "Stop-sell",
        "days": "Weekdays",
    }
    TITLE_TEXT = "Restrictions on {plan}"
    AUTO_FOCUS = "#min_los"

    def field_widget(self, field: str) -> Widget:
        if field in ("closed_to_arrival", "closed_to_departure", "stop_sell"):
            return Select(SWITCH, value="", allow_blank=False, id=field, compact=True)
        return super().field_widget(field)

    def hint(self, field: str) -> str:
        if field in ("min_los", "max_los"):
            return "nights · 0 removes it"
        return super().hint(field)

    def _nights(self, field: str) -> int | None:
        typed = self.text(field)
        if not typed:
            return None
        if not typed.isdigit():
            raise InvalidInput(field, "a length of stay is a whole number of nights, like 3")
        return int(typed)

    def _switch(self, field: str) -> bool | None:
        value = self.query_one(f"#{field}", Select).value
        return {"on": True, "off": False}.get(value if isinstance(value, str) else "")

    def store(self) -> None:
        change = RestrictionChange(
            min_los=self._nights("min_los"),
            max_los=self._nights("max_los"),
            closed_to_arrival=self._switch("closed_to_arrival"),
            closed_to_departure=self._switch("closed_to_departure"),
            stop_sell=self._switch("stop_sell"),
        )
        if change == RestrictionChange():
            raise InvalidInput("min_los", "nothing to change: fill in at least one restriction")
        self._save(change, weekdays(self.text("days")))

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _save(self, change: RestrictionChange, days: list[str]) -> str:
        nights = self.desk.run(restrict_block, *self.block.target, change, days)
        return f"{self.block.plan} restrictions set on {nights} night{'s' if nights != 1 else ''}"
