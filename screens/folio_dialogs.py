"""The folio's small questions: a reason or a name, a charge, a choice, an invoice.

Like the dialogs in `screens.dialogs` they only answer; the screen that asked calls the service
in a worker with what they return. What they can check without the database (a blank reason,
an unknown code, an amount that is not money) they say beside the field, keeping the typing.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from pms.billing.folios import TRANSACTION_CODES
from pms.kernel.errors import InvalidInput
from pms.kernel.money import to_minor
from screens.form_dialog import FormDialog
from screens.typing import DeskInput

#: The codes a clerk posts by hand as charges (payments and refunds go through pms.payments.take).
CHARGE_CODES: dict[str, str] = {
    code: label for code, (kind, label) in TRANSACTION_CODES.items() if kind == "charge"
}


class TextPrompt(FormDialog[str]):
    """One line of text that must not be blank: a reversal's reason, a new folio's name."""

    def __init__(self, question: str, placeholder: str, needed: str) -> None:
        super().__init__()
        self.question, self.placeholder, self.needed = question, placeholder, needed

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.question), classes="question")
            yield DeskInput(placeholder=self.placeholder, id="text", compact=True)
            yield Static("", classes="problem", id="problem")

    @on(Input.Submitted)
    def _done(self) -> None:
        if not self.value("text"):
            self.problem(self.needed, "text")
            return
        self.dismiss(self.value("text"))


@dataclass(frozen=True)
class ChargeInput:
    """A charge as the clerk typed it: code, amount in minor units, description."""

    code: str
    amount: int
    description: str


class PostChargeDialog(FormDialog[ChargeInput]):
    """Post a charge: code (minibar, FNB …), amount, description; `enter` in any field posts."""

    def __init__(self, currency: str, folio_label: str) -> None:
        super().__init__()
        self.currency, self.folio_label = currency, folio_label

    def compose(self) -> ComposeResult:
        codes = list(CHARGE_CODES)
        with Vertical():
            yield Label(Text(f"Post a charge to {self.folio_label}"), classes="question")
            yield DeskInput(
                placeholder="code",
                id="code",
                compact=True,
                suggester=SuggestFromList(codes, case_sensitive=False),
            )
            yield Static(Text(" · ".join(codes)), classes="hint")
            yield DeskInput(placeholder=f"amount ({self.currency})", id="amount", compact=True)
            yield DeskInput(placeholder="description (optional)", id="description", compact=True)
            yield Static("", classes="problem", id="problem")

    @on(Input.Submitted)
    def _done(self) -> None:
        code = self.value("code").upper()
        if code not in CHARGE_CODES:
            self.problem(f"{code or 'the code'} is not a charge code", "code")
            return
        try:
            amount = to_minor(self.value("amount"), self.currency)
        except InvalidInput:
            self.problem("type the amount as money, e.g. 12.50", "amount")
            return
        if amount <= 0:
            self.problem("a charge is a positive amount (reverse one to take it off)", "amount")
            return
        self.dismiss(ChargeInput(code, amount, self.value("description")))


class ChoiceDialog(FormDialog[str]):
    """Pick one of a few things (the folio to transfer to); `enter` picks the highlighted."""

    def __init__(self, question: str, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.question, self.choices = question, choices

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.question), classes="question")
            yield OptionList(*(Option(Text(label), id=key) for key, label in self.choices))

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class TextViewer(FormDialog[None]):
    """A text to read (an invoice as printed); `escape` closes it."""

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text, self.body = title, text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.title_text, style="bold"), classes="question")
            with VerticalScroll():
                yield Static(Text(self.body), id="body")


class PointsDialog(FormDialog[int]):
    """Pay with loyalty points: how many to spend. A refusal (more than the member has, more
    than the folio owes) opens it again with the points typed and the reason beside them."""

    def __init__(self, guest_name: str, points: str = "", problem: str = "") -> None:
        super().__init__()
        self.guest_name, self.points, self.first_problem = guest_name, points, problem

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(f"Pay with {self.guest_name}'s loyalty points"), classes="question")
            yield DeskInput(self.points, placeholder="points to spend, e.g. 5000", id="points",
                        compact=True)  # fmt: skip
            yield Static(self.first_problem, classes="problem", id="problem")

    @on(Input.Submitted)
    def _done(self) -> None:
        text = self.value("points").replace(",", "").replace(" ", "")
        if not text.isdigit() or int(text) <= 0:
            self.problem("type the points as a whole number, e.g. 5000", "points")
            return
        self.dismiss(int(text))
