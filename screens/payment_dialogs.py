"""The desk's payment questions: a payment for the guest's folio (cash or the card terminal)
and a card guarantee held before check-in.

Like every dialog they only answer; the screen that asked takes the payment in a worker. A card
number is never asked for: the terminal gives a receipt reference or a card token instead.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from pms.kernel.errors import InvalidInput
from pms.kernel.money import from_minor, to_minor
from screens.form_dialog import FormDialog
from screens.typing import DeskInput

#: A card token as the processor gives it (`pm_…`): what the guarantee dialog accepts, so a card
#: number typed by mistake is refused, never sent or stored.
CARD_TOKEN = re.compile(r"pm_[A-Za-z0-9_]+")

#: How a payment can be taken at the desk, as the Select lists them: (label, value).
PAYMENT_METHODS: list[tuple[str, str]] = [
    ("Cash", "cash"),
    ("Card terminal", "terminal"),
    ("Card on file (captures the hold)", "card"),
]


@dataclass(frozen=True)
class PaymentInput:
    """A payment as the clerk typed it: `cash` or `terminal`, amount, terminal reference, and
    the idempotency key made when it was typed — so taking it again (ctrl+r after the database
    came back) records it once and never charges the card twice."""

    method: str
    amount: int
    reference: str
    idempotency_key: str = field(default_factory=lambda: f"tui-payment-{uuid.uuid4().hex}")


class PaymentDialog(FormDialog[PaymentInput]):
    """Take a payment for the guest's folio: cash or the card terminal (its receipt reference
    typed in, never a card number); the amount starts at what is owed."""

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
            yield Static(Text(f"amount in {self.currency}"), classes="hint")
            yield DeskInput(str(owed), id="amount", compact=True)
            yield Static(Text("terminal receipt reference (card terminal only)"), classes="hint")
            yield DeskInput(id="reference", compact=True)
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
        except InvalidInput as error:
            self.problem(str(error), "amount")
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


class CardGuaranteeDialog(FormDialog[CardGuaranteeInput]):
    """Hold a card guarantee: the amount (the stay's total to start with) and the card token
    from the terminal. Nothing is charged; the key is made once per dialog, so a retry after an
    unreachable processor is the same hold, never a second one."""

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
            yield DeskInput(
                str(amount), placeholder=f"amount ({self.currency})", id="amount", compact=True
            )
            yield DeskInput(
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
