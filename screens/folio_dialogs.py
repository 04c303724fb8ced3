"""The folio's small questions: a reason or a name, a charge, a payment, a card guarantee, a
choice, an invoice.

Like the dialogs in `screens.dialogs` they only answer; the screen that asked calls the service
in a worker with what they return. What they can check without the database (a blank reason,
an unknown code, an amount that is not money) they say beside the field, keeping the typing.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from pms.errors import InvalidInput
from pms.folios import TRANSACTION_CODES
from pms.money import from_minor, to_minor

#: The codes a clerk posts by hand as charges (payments and refunds go through pms.payments).
CHARGE_CODES: dict[str, str] = {
    code: label for code, (kind, label) in TRANSACTION_CODES.items() if kind == "charge"
}

#: A card token as the processor gives it (`pm_…`): what the guarantee dialog accepts, so a card
#: number typed by mistake is refused, never sent or stored.
CARD_TOKEN = re.compile(r"pm_[A-Za-z0-9_]+")

#: How a payment can be taken at the desk, as the Select lists them: (label, value).
PAYMENT_METHODS: list[tuple[str, str]] = [("Cash", "cash"), ("Card terminal", "terminal")]

_MODAL_CSS = """
{name} {
    align: center middle;
    background: $background 60%;
    & > Vertical {
        width: 68;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        padding: 1 2;
        border: thick $primary;
        background: $surface;
    }
    .question { width: 100%; margin-bottom: 1; }
    .hint { color: $text-muted; margin-bottom: 1; }
    Input, Select { margin-bottom: 1; }
    .problem { color: $text-error; height: auto; }
    Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
    Button { margin-left: 1; }
}
"""


T = TypeVar("T")


class _Modal(ModalScreen[T | None], Generic[T]):
    """A folio question: `escape` answers None, a problem line shows what is wrong."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close")]

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


class TextPrompt(_Modal[str]):
    """One line of text that must not be blank: a reversal's reason, a new folio's name."""

    DEFAULT_CSS = _MODAL_CSS.replace("{name}", "TextPrompt")

    def __init__(self, question: str, placeholder: str, needed: str) -> None:
        super().__init__()
        self.question, self.placeholder, self.needed = question, placeholder, needed

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.question), classes="question")
            yield Input(placeholder=self.placeholder, id="text", compact=True)
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


class PostChargeDialog(_Modal[ChargeInput]):
    """Post a charge: code (minibar, FNB …), amount, description; `enter` in any field posts."""

    DEFAULT_CSS = _MODAL_CSS.replace("{name}", "PostChargeDialog")

    def __init__(self, currency: str, folio_label: str) -> None:
        super().__init__()
        self.currency, self.folio_label = currency, folio_label

    def compose(self) -> ComposeResult:
        codes = list(CHARGE_CODES)
        with Vertical():
            yield Label(Text(f"Post a charge to {self.folio_label}"), classes="question")
            yield Input(
                placeholder="code",
                id="code",
                compact=True,
                suggester=SuggestFromList(codes, case_sensitive=False),
            )
            yield Static(Text(" · ".join(codes)), classes="hint")
            yield Input(placeholder=f"amount ({self.currency})", id="amount", compact=True)
            yield Input(placeholder="description (optional)", id="description", compact=True)
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


@dataclass(frozen=True)
class PaymentInput:
    """A payment as the clerk typed it: `cash` or `terminal`, amount, terminal reference."""

    method: str
    amount: int
    reference: str


class PaymentDialog(_Modal[PaymentInput]):
    """Take a payment for the guest's folio: cash or the card terminal (its receipt reference
    typed in, never a card number); the amount starts at what is owed."""

    DEFAULT_CSS = _MODAL_CSS.replace("{name}", "PaymentDialog")

    def __init__(self, currency: str, owed: int, guest_name: str) -> None:
        super().__init__()
        self.currency, self.owed, self.guest_name = currency, owed, guest_name

    def compose(self) -> ComposeResult:
        owed = from_minor(max(self.owed, 0), self.currency)
        with Vertical():
            yield Label(Text(f"Take a payment from {self.guest_name}"), classes="question")
            yield Select(
                PAYMENT_METHODS, value="cash", allow_blank=False, id="method", compact=True
            )
            yield Static(
                Text(f"amount in {self.currency}; for the card terminal, its receipt reference"),
                classes="hint",
            )
            yield Input(
                str(owed), placeholder=f"amount ({self.currency})", id="amount", compact=True
            )
            yield Input(
                placeholder="terminal receipt reference (card terminal)",
                id="reference",
                compact=True,
            )
            yield Static("", classes="problem", id="problem")
            with Horizontal():
                yield Button("Take it", variant="primary", id="take")

    def on_mount(self) -> None:
        self.query_one("#amount", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#take")
    def _done(self) -> None:
        method = str(self.query_one("#method", Select).value)
        try:
            amount = to_minor(self.value("amount"), self.currency)
        except InvalidInput:
            self.problem("type the amount as money, e.g. 120.00", "amount")
            return
        if amount <= 0:
            self.problem("a payment is a positive amount", "amount")
            return
        reference = self.value("reference")
        if method == "terminal" and not reference:
            self.problem("type the terminal's receipt reference", "reference")
            return
        self.dismiss(PaymentInput(method, amount, reference))


@dataclass(frozen=True)
class CardGuaranteeInput:
    """A card guarantee as the clerk typed it: the amount to hold, the card token the reader
    gave (never a card number), and the idempotency key the dialog made for this hold."""

    amount: int
    token: str
    idempotency_key: str


class CardGuaranteeDialog(_Modal[CardGuaranteeInput]):
    """Hold a card guarantee: the amount (the stay's total to start with) and the card token
    from the terminal. Nothing is charged; the key is made once per dialog, so a retry after an
    unreachable processor is the same hold, never a second one."""

    DEFAULT_CSS = _MODAL_CSS.replace("{name}", "CardGuaranteeDialog")

    def __init__(
        self,
        currency: str,
        amount: int,
        guest_name: str,
        *,
        token: str = "",
        problem: str = "",
        idempotency_key: str = "",
    ) -> None:
        super().__init__()
        self.currency, self.amount, self.guest_name = currency, amount, guest_name
        self.token, self.first_problem = token, problem
        self.idempotency_key = idempotency_key or f"tui-guarantee-{uuid.uuid4().hex}"

    def compose(self) -> ComposeResult:
        amount = from_minor(max(self.amount, 0), self.currency)
        with Vertical():
            yield Label(Text(f"Take a card guarantee from {self.guest_name}"), classes="question")
            yield Static(
                Text(
                    f"amount in {self.currency} to hold (nothing is charged now); the card "
                    "token the terminal shows — never the card number"
                ),
                classes="hint",
            )
            yield Input(
                str(amount), placeholder=f"amount ({self.currency})", id="amount", compact=True
            )
            yield Input(
                self.token,
                placeholder="card token from the terminal, e.g. pm_…",
                id="token",
                compact=True,
            )
            yield Static(self.first_problem, classes="problem", id="problem")
            with Horizontal():
                yield Button("Hold it", variant="primary", id="hold")

    def on_mount(self) -> None:
        self.query_one("#token" if self.first_problem else "#amount", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#hold")
    def _done(self) -> None:
        try:
            amount = to_minor(self.value("amount"), self.currency)
        except InvalidInput:
            self.problem("type the amount as money, e.g. 300.00", "amount")
            return
        if amount <= 0:
            self.problem("a guarantee is a positive amount", "amount")
            return
        token = self.value("token")
        if not token:
            self.problem("type the card token the terminal shows (pm_…)", "token")
            return
        if not CARD_TOKEN.fullmatch(token):
            # Whatever was typed is dropped with the dialog: a card number is never kept.
            self.query_one("#token", Input).value = ""
            self.problem(
                "that is not a card token: type the pm_… token from the terminal, "
                "never the card number",
                "token",
            )
            return
        if amount != self.amount:
            # A key belongs to one amount: another amount is another hold.
            self.idempotency_key = f"tui-guarantee-{uuid.uuid4().hex}"
            self.amount = amount
        self.dismiss(CardGuaranteeInput(amount, token, self.idempotency_key))


class ChoiceDialog(_Modal[str]):
    """Pick one of a few things (the folio to transfer to); `enter` picks the highlighted."""

    DEFAULT_CSS = (
        _MODAL_CSS.replace("{name}", "ChoiceDialog")
        + "\nChoiceDialog OptionList { height: auto; max-height: 12; }\n"
    )

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


class TextViewer(_Modal[None]):
    """A text to read (an invoice as printed); `escape` closes it."""

    DEFAULT_CSS = (
        _MODAL_CSS.replace("{name}", "TextViewer")
        + "\nTextViewer > Vertical { width: 80; }\nTextViewer VerticalScroll { height: auto; "
        "max-height: 30; }\n"
    )

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text, self.body = title, text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.title_text, style="bold"), classes="question")
            with VerticalScroll():
                yield Static(Text(self.body), id="body")
