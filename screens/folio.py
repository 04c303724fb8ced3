"""A stay's folios: the postings of each, the balance, and what a clerk does to them.

One table per folio. `[` and `]` switch between them; `s` shows them side by side (the split
view: room and tax on the company's folio, extras on the guest's). `p` posts a charge, `$` or
`y` takes a payment, `l` pays with the member's loyalty points, `v` reverses the highlighted
posting with a reason (the service asks for a supervisor when it is of an earlier business date,
and the screen shows its sentence; a points payment is given back, with its points), `t` moves
it to another folio, `n` opens another folio, `i` shows a closed folio's invoice.

Every change goes back with the folio's version, so a folio changed at another desk meanwhile
fails with "changed by someone else" instead of being posted twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.events import DescendantFocus
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from pms.billing.codes import POINTS_PAYMENT
from pms.billing.folios import (
    FolioView,
    PostingView,
    add_folio,
    post_charge,
    reverse_posting,
    transfer_posting,
)
from pms.billing.invoice_views import invoice_of_folio
from pms.billing.invoices import render_invoice_text
from pms.kernel.desk import Role
from pms.kernel.errors import InvalidInput
from pms.kernel.money import format_money
from pms.loyalty.redemption import redeem_points, return_points
from screens.desk_footer import DeskFooter
from screens.folio_base import StayFoliosScreen
from screens.folio_dialogs import (
    ChargeInput,
    ChoiceDialog,
    PointsDialog,
    PostChargeDialog,
    TextPrompt,
    TextViewer,
)
from screens.folio_table import FolioTable, balance_line, switch_line
from screens.header import DeskHeader
from screens.messages import FoliosLoaded, InvoiceTextLoaded

#: Actions that change the folio under the cursor: only while it is open.
_CHANGES = {"post_charge", "reverse", "transfer", "redeem"}


@dataclass
class PointsRefused(Message):
    """The points typed could not be spent: the dialog opens again with them and the reason."""

    points: int
    reason: str


class FolioScreen(StayFoliosScreen[None]):
    """The folios of one stay, one at a time or side by side."""

    CSS_PATH = "folio.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("p", "post_charge", "Post", tooltip="Post a charge"),
        Binding("dollar_sign,y", "pay", "Pay", key_display="$", tooltip="Take a payment"),
        # Off the footer (with it the area keys did not fit 120 columns); in the palette by name.
        Binding(
            "l", "redeem", "Points", show=False, tooltip="Pay with the member's loyalty points"
        ),
        Binding("v", "reverse", "Reverse", tooltip="Reverse the highlighted posting"),
        Binding("t", "transfer", "Transfer", tooltip="Move the posting to another folio"),
        Binding("left_square_bracket", "switch(-1)", "Prev", key_display="[", show=False),
        Binding("right_square_bracket", "switch(1)", "Folio", key_display="]"),
        Binding("s", "split", "Split", show=False, tooltip="Show the folios side by side"),
        Binding("n", "new_folio", "New folio", show=False, tooltip="Open another folio"),
        Binding("i", "invoice", "Invoice", tooltip="Show the closed folio's invoice"),
        Binding("R", "refund", "Refund", show=False, tooltip="Refund the highlighted payment"),
        Binding("r", "refresh", "Refresh", show=False, tooltip="Read the folios again"),
    ]
    WORKERS = "folio"

    def __init__(self, confirmation: str) -> None:
        super().__init__(confirmation)
        self.current = 0
        self.split = False
        self.member_number = ""

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        yield Static(Text(f"Folios of {self.confirmation}", style="bold"), id="folio-title")
        yield Static(id="folio-switch")
        yield Horizontal(id="folio-tables")
        yield Static(id="folio-balance")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.query_one("#folio-tables").loading = True
        self._read()

    @property
    def folio(self) -> FolioView | None:
        """The folio the clerk is working on."""
        return self.folios[self.current] if self.folios else None

    @property
    def table(self) -> FolioTable | None:
        """The table of the current folio."""
        folio = self.folio
        return self.query_one(f"#folio-{folio.id}", FolioTable) if folio else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        folio = self.folio
        if action in _CHANGES and folio is not None and not folio.is_open:
            return None
        if action in ("reverse", "transfer") and folio is None:
            return None
        if action == "redeem":
            member_folio = folio is not None and folio.kind == "guest" and bool(self.member_number)
            return member_folio or None
        if action == "transfer" and len(self.folios) < 2:
            return None
        if action in ("switch", "split") and len(self.folios) < 2:
            return None
        if action == "invoice":
            return (folio is not None and folio.invoice_number is not None) or None
        if action == "refund":  # a supervisor's; the services check it again
            return self.desk.actor.can(Role.SUPERVISOR) or None
        return True

    # --- reading and showing ---------------------------------------------------------------

    @work(thread=True, exclusive=True, group="folio", exit_on_error=False)
    def _read(self) -> None:
        self.reload()

    @on(FoliosLoaded)
    async def _loaded(self, message: FoliosLoaded) -> None:
        if message.done:
            self.notify(message.done)
        keep = self.folio.id if self.folio else None
        cursor = self.table.posting if self.table else None
        self.guest_name, self.currency = message.guest_name, message.currency
        self.member_number = message.member_number
        self.account = message.account
        ids = [f.id for f in self.folios]
        self.current = ids.index(keep) if keep in ids else 0
        box = self.query_one("#folio-tables", Horizontal)
        box.loading = False
        await box.remove_children()
        await box.mount_all(FolioTable(folio) for folio in self.folios)
        wanted = message.posting_id or (cursor.id if cursor else None)
        for table in box.query(FolioTable):
            key = str(wanted)
            if key in table.rows:
                table.move_cursor(row=table.get_row_index(key))
            elif table.row_count:
                table.move_cursor(row=table.row_count - 1)
        member = f" ◆ {message.member_number}" if message.member_number else ""
        title = f"Folios of {message.guest_name}{member} · {message.confirmation}"
        self.query_one("#folio-title", Static).update(Text(title, style="bold"))
        self._show_current()

    def _show_current(self) -> None:
        for index, table in enumerate(self.query(FolioTable)):
            table.display = self.split or index == self.current
            table.set_class(index == self.current, "current")
        self.query_one("#folio-switch", Static).update(switch_line(self.folios, self.current))
        self.query_one("#folio-balance", Static).update(balance_line(self.account, self.folio))
        if self.table is not None:
            self.table.focus()
        self.refresh_bindings()

    @on(DescendantFocus)
    def _focused(self, event: DescendantFocus) -> None:
        # In the split view a click or tab into another folio makes it the current one.
        if isinstance(event.widget, FolioTable) and event.widget.folio in self.folios:
            index = self.folios.index(event.widget.folio)
            if index != self.current:
                self.current = index
                self._show_current()

    # --- actions ------------------------------------------------------------------------------

    def action_back(self) -> None:
        """Back to where the clerk came from."""
        self.dismiss()

    def action_refresh(self) -> None:
        """Read the folios again."""
        self._read()

    def action_switch(self, step: int) -> None:
        """The next (or previous) folio of the stay."""
        if self.folios:
            self.current = (self.current + step) % len(self.folios)
            self._show_current()

    def action_split(self) -> None:
        """One folio at a time, or all side by side."""
        self.split = not self.split
        self._show_current()

    def action_post_charge(self) -> None:
        """Ask for the charge, then post it: to this folio when it is a split one, else where
        the stay's routing sends the code."""
        folio = self.folio
        target = folio.name if folio is not None and folio.kind != "guest" else None
        label = folio.label if folio is not None else self.confirmation

        def _typed(charge: ChargeInput | None) -> None:
            if charge is not None:
                self._post(charge, target, folio.version if folio and target else None)

        self.app.push_screen(PostChargeDialog(self.currency or "EUR", label), _typed)

    def action_reverse(self) -> None:
        """Ask why, then reverse the highlighted posting."""
        folio, posting = self.folio, self.table.posting if self.table else None
        if folio is None or posting is None:
            return
        if not posting.reversible:
            self.notify(
                f"{posting.code} {posting.description} cannot be reversed", severity="warning"
            )
            return
        amount = format_money(posting.amount, folio.currency)

        def _why(reason: str | None) -> None:
            if reason and posting.code == POINTS_PAYMENT:
                self._give_back(posting, reason)
            elif reason:
                self._reverse(posting, reason, folio.version)

        question = f"Reverse {posting.code} {amount} ({posting.description or 'no description'})?"
        self.app.push_screen(
            TextPrompt(question, "reason (e.g. not consumed)", "a reason is needed"), _why
        )

    def action_transfer(self) -> None:
        """Pick the folio (when there are several), ask why, then move the posting there."""
        folio, posting = self.folio, self.table.posting if self.table else None
        if folio is None or posting is None:
            return
        targets = [f for f in self.folios if f.id != folio.id and f.is_open]
        if not targets:
            self.notify("no other open folio — n opens one", severity="warning")
            return

        def _why(target_id: int, reason: str | None) -> None:
            if reason:
                self._transfer(posting, target_id, reason, folio.version)

        def _to(target: str | None) -> None:
            if target:
                name = next(f.name for f in targets if str(f.id) == target)
                prompt = TextPrompt(
                    f"Move {posting.code} {posting.description} to {name}?",
                    "reason (e.g. company pays the room)",
                    "a reason is needed",
                )
                self.app.push_screen(prompt, lambda reason: _why(int(target), reason))

        if len(targets) == 1:
            _to(str(targets[0].id))
        else:
            choices = [(str(f.id), f"{f.name} {f.balance_text}") for f in targets]
            self.app.push_screen(ChoiceDialog("Move the posting to which folio?", choices), _to)

    def action_refund(self) -> None:
        """Ask why, then give the highlighted payment back in full."""
        posting = self.table.posting if self.table else None
        if posting is None or posting.payment_id is None or posting.amount >= 0:
            self.notify("highlight a payment to refund it", severity="warning")
            return
        payment_id, amount = posting.payment_id, -posting.amount

        def _why(reason: str | None) -> None:
            if reason:
                self.refund_payment(payment_id, amount, reason)

        question = f"Refund {format_money(amount, self.currency)} of {posting.description}?"
        prompt = TextPrompt(question, "reason (e.g. paid twice)", "a reason is needed")
        self.app.push_screen(prompt, _why)

    def action_redeem(self, points: str = "", problem: str = "") -> None:
        """Ask how many points, then pay that much of the guest folio with them."""
        folio = self.folio

        def _typed(chosen: int | None) -> None:
            if chosen is not None and folio is not None:
                self._redeem(chosen, folio.version)

        self.app.push_screen(PointsDialog(self.guest_name, points, problem), _typed)

    @on(PointsRefused)
    def _points_refused(self, message: PointsRefused) -> None:
        self.action_redeem(str(message.points), message.reason)

    def action_new_folio(self) -> None:
        """Open another folio on the stay (split billing), by name."""

        def _named(name: str | None) -> None:
            if name:
                self._add_folio(name)

        prompt = TextPrompt("Name of the new folio", "e.g. Company", "the folio needs a name")
        self.app.push_screen(prompt, _named)

    def action_invoice(self) -> None:
        """Show the invoice the closed folio was billed on."""
        if self.folio is not None and self.folio.invoice_number is not None:
            self._invoice(self.folio.id)

    # --- workers -----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="folio", exit_on_error=False)
    def _post(self, charge: ChargeInput, folio_name: str | None, version: int | None) -> None:
        posted = self.desk.run(
            post_charge,
            self.confirmation,
            charge.code,
            charge.amount,
            charge.description,
            folio_name,
            expected_version=version,
        )
        self.reload(f"posted {charge.code} {format_money(posted.amount, self.currency)}", posted.id)

    @work(thread=True, exclusive=True, group="folio", exit_on_error=False)
    def _reverse(self, posting: PostingView, reason: str, version: int) -> None:
        reversal = self.desk.run(reverse_posting, posting.id, reason, expected_version=version)
        self.reload(f"reversed {posting.code} {posting.description}".strip(), reversal.id)

    @work(thread=True, exclusive=True, group="folio", exit_on_error=False)
    def _redeem(self, points: int, version: int) -> None:
        try:
            paid = self.desk.run(redeem_points, self.confirmation, points, expected_version=version)
        except InvalidInput as refused:
            self.post_message(PointsRefused(points, str(refused)))
            return
        money = format_money(paid.amount, paid.currency)
        self.reload(f"paid {money} with {points:,} points ({paid.balance:,} left)", paid.posting_id)

    @work(thread=True, exclusive=True, group="folio", exit_on_error=False)
    def _give_back(self, posting: PostingView, reason: str) -> None:
        back = self.desk.run(return_points, posting.id, reason)
        self.reload(f"gave back {abs(back.line.redeemable):,} points", back.posting_id)

    @work(thread=True, exclusive=True, group="folio", exit_on_error=False)
    def _transfer(self, posting: PostingView, target_id: int, reason: str, version: int) -> None:
        self.desk.run(transfer_posting, posting.id, target_id, reason, expected_version=version)
        self.reload(f"moved {posting.code} {posting.description}".strip())

    @work(thread=True, exclusive=True, group="folio", exit_on_error=False)
    def _add_folio(self, name: str) -> None:
        added = self.desk.run(add_folio, self.confirmation, name, "company")
        self.reload(f"opened folio {added.name}")

    @work(thread=True, exclusive=True, group="invoice", exit_on_error=False)
    def _invoice(self, folio_id: int) -> None:
        view = self.desk.read(invoice_of_folio, folio_id)
        self.post_message(InvoiceTextLoaded(view.number_text, render_invoice_text(view)))

    @on(InvoiceTextLoaded)
    def _show_invoice(self, message: InvoiceTextLoaded) -> None:
        self.app.push_screen(TextViewer(f"Invoice {message.number}", message.text))

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.query_one("#folio-tables").loading = False
            self.report_failure(event.worker.error)
