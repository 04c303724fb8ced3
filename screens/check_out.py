"""Check-out: the stay's folios and what is owed, a payment if needed, then one key to let the
guest go; the invoices issued stand on the screen with their numbers and text.

Opening it posts the room and tax no audit has charged yet (`post_charges_due`), so the
balance shown is what the guest owes. The service closes every folio (used ones into invoices)
and refuses while any balance is not zero, so the screen offers `o` only when everything is
settled and the refusal, if another desk posted meanwhile, is its sentence.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState

from pms.billing.folios import FolioView
from pms.billing.invoices import render_invoice_text
from pms.frontdesk.check_out import CheckOutView, check_out, post_charges_due
from pms.kernel.money import format_money
from screens.desk_footer import DeskFooter
from screens.folio_base import StayFoliosScreen
from screens.header import DeskHeader
from screens.messages import CheckedOut, FoliosLoaded, OpenFolio


class CheckOutScreen(StayFoliosScreen[CheckOutView | None]):
    """Settle and check out one in-house stay."""

    CSS_PATH = "check_out.tcss"
    AUTO_FOCUS = "#check-out-folios"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("dollar_sign,y", "pay", "Pay", key_display="$", tooltip="Take a payment"),
        Binding("f", "folio", "Folio", tooltip="Open the folios"),
        Binding("o", "check_out", "Check out", tooltip="Check the guest out"),
    ]
    WORKERS = "check-out"

    def __init__(self, confirmation: str) -> None:
        super().__init__(confirmation)
        self.status = ""
        self.done: CheckOutView | None = None
        self.busy = False

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        yield Static(Text(f"Check out {self.confirmation}", style="bold"), id="check-out-title")
        yield DataTable(id="check-out-folios", cursor_type="row", zebra_stripes=True)
        yield Static(id="check-out-balance")
        with VerticalScroll(id="invoices"):
            yield Static(id="invoice-text")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.query_one("#check-out-folios", DataTable).add_columns("Folio", "Status", "Balance")
        self.query_one("#check-out-folios").loading = True
        self._begin()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("pay", "check_out", "folio") and (self.done or self.status != "checked_in"):
            return action == "folio" or None
        if action == "check_out":
            return (not self.busy and self.account.settled) or None
        return True

    def action_back(self) -> None:
        """Back, with the check-out if it happened."""
        self.dismiss(self.done)

    def action_folio(self) -> None:
        """The folios in full (post, reverse, transfer); read again on the way back."""
        self.post_message(OpenFolio(self.confirmation, closed=lambda _: self._read()))

    def action_check_out(self) -> None:
        """Close the folios into invoices and let the guest go."""
        if self.busy:
            return
        self.busy = True
        self.refresh_bindings()
        self._check_out()

    @work(thread=True, exclusive=True, group="check-out", exit_on_error=False)
    def _begin(self) -> None:
        """The check-out starts by posting the room and tax no audit has charged yet (a day
        use, a night before the audit ran), so what the guest pays is what the invoice shows."""
        due = self.desk.run(post_charges_due, self.confirmation)
        posted = format_money(due.amount, due.currency) if due.amount else ""
        self.reload(f"room and tax not charged yet posted: {posted}" if posted else "")

    @work(thread=True, exclusive=True, group="check-out", exit_on_error=False)
    def _read(self) -> None:
        self.reload()

    @work(thread=True, exclusive=True, group="check-out", exit_on_error=False)
    def _check_out(self) -> None:
        done = self.desk.run(check_out, self.confirmation)
        self.post_message(CheckedOut(done, [render_invoice_text(i) for i in done.invoices]))

    @on(FoliosLoaded)
    def _loaded(self, message: FoliosLoaded) -> None:
        if message.done:
            self.notify(message.done)
        self.account = message.account
        self.guest_name, self.currency, self.status = (
            message.guest_name,
            message.currency,
            message.status,
        )
        table = self.query_one("#check-out-folios", DataTable)
        table.loading = False
        table.clear()
        for folio in self.folios:
            table.add_row(
                Text(folio.name),
                Text(_folio_status(folio)),
                Text(folio.balance_text, justify="right"),
                key=str(folio.id),
            )
        title = f"Check out {message.guest_name} · {message.confirmation}"
        self.query_one("#check-out-title", Static).update(Text(title, style="bold"))
        if self.done is None:  # after the check-out the balance line says what was done
            self.query_one("#check-out-balance", Static).update(self._balance())
        self.refresh_bindings()

    def _balance(self) -> Text:
        if self.done is not None:
            return Text("")
        if self.status != "checked_in":
            return Text(f"This stay is {self.status.replace('_', ' ')}, not in-house.")
        owed = format_money(self.account.balance, self.currency or "EUR")
        if self.account.balance:
            return Text(f"Owed: {owed} — $ takes a payment, f opens the folios", style="bold")
        return Text(f"Balance {owed} — o checks the guest out", style="bold")

    @on(CheckedOut)
    def _checked_out(self, message: CheckedOut) -> None:
        view = message.view
        self.done, self.busy = view, False
        numbers = ", ".join(i.number_text for i in view.invoices)
        invoiced = f"invoice {numbers}" if numbers else "nothing to invoice"
        room = f" · room {view.room} to clean" if view.room else ""
        line = f"{view.reservation.guest_name} checked out · {invoiced}{room}"
        self.query_one("#check-out-balance", Static).update(Text(line, style="bold"))
        self.query_one("#invoice-text", Static).update(Text("\n\n".join(message.invoice_texts)))
        self.notify(f"{view.reservation.guest_name} checked out · {invoiced}")
        self.refresh_bindings()
        self._read()  # the folios as they now stand: closed, with their invoice numbers

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.busy = False
            self.query_one("#check-out-folios").loading = False
            self.report_failure(event.worker.error)
            self.refresh_bindings()


def _folio_status(folio: FolioView) -> str:
    """`open`, or `closed · TST-000001` once the folio became an invoice."""
    if folio.invoice_number is None:
        return folio.status
    return f"{folio.status} · {folio.property_code}-{folio.invoice_number:06d}"
