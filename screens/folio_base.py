"""What the folio screen and the check-out share: the stay's folios as the services add them up,
read again after every change, and the one way a payment is taken at the desk.

A payment asks for the method and the amount (what the guest's folio owes, to start with) and
is taken in a worker of the screen's own group, so it queues behind nothing and nothing else of
the screen runs beside it; the folios are read again with it.
"""

from __future__ import annotations

from functools import partial
from typing import ClassVar

from textual.screen import ScreenResultType

from pms.billing.folios import FolioView
from pms.billing.ledger_views import StayFolios, stay_folios
from pms.kernel.config import load_settings
from pms.kernel.errors import ConfigError
from pms.kernel.money import format_money
from pms.payments.gateways.stripe_gateway import gateway_from_settings
from pms.payments.take import pay_by_card, refund, take_cash, take_terminal
from pms.stays.reservation_views import get_reservation
from screens.desk_screen import DeskScreen
from screens.messages import FoliosLoaded
from screens.payment_dialogs import PaymentDialog, PaymentInput


class StayFoliosScreen(DeskScreen[ScreenResultType]):
    """A screen over one stay's folios: `account` holds them with what the stay owes."""

    #: The group of the screen's workers: reads, payments and changes, one at a time.
    WORKERS: ClassVar[str] = ""

    def __init__(self, confirmation: str) -> None:
        super().__init__()
        self.confirmation = confirmation
        self.account = StayFolios([])
        self.guest_name = ""
        self.currency = ""

    @property
    def folios(self) -> list[FolioView]:
        """The stay's folios, the guest's own first."""
        return self.account.folios

    def reload(self, done: str = "", posting_id: int | None = None) -> None:
        """Read the stay and its folios and post them (call from a worker); `done` says what
        just happened, `posting_id` the posting it made."""
        view = self.desk.read(get_reservation, self.confirmation)
        account = self.desk.read(stay_folios, self.confirmation)
        self.post_message(
            FoliosLoaded(
                view.confirmation,
                view.guest_name,
                view.currency,
                view.status,
                account,
                done,
                posting_id,
                view.member_number,
            )
        )

    def action_pay(self) -> None:
        """Ask for the method and amount (what the guest's folio owes), then take it."""

        def _typed(payment: PaymentInput | None) -> None:
            if payment is not None:
                self._pay(payment)

        owed = self.account.guest_balance
        self.app.push_screen(PaymentDialog(self.currency or "EUR", owed, self.guest_name), _typed)

    def _pay(self, payment: PaymentInput) -> None:
        self.run_worker(
            partial(self._take_payment, payment),
            name="_pay",
            group=self.WORKERS,
            exclusive=True,
            thread=True,
            exit_on_error=False,
        )

    def refund_payment(self, payment_id: int, amount: int, reason: str) -> None:
        """Give a payment back (supervisors; the services check the role), in a worker."""
        self.run_worker(
            partial(self._give_back_payment, payment_id, amount, reason),
            name="_refund",
            group=self.WORKERS,
            exclusive=True,
            thread=True,
            exit_on_error=False,
        )

    def _give_back_payment(self, payment_id: int, amount: int, reason: str) -> None:
        try:
            gateway = gateway_from_settings(load_settings())
        except ConfigError:  # no card processor set up: cash and terminal refunds need none
            gateway = None
        done = refund(self.desk, payment_id, amount, reason, gateway)
        self.reload(f"refunded {format_money(amount, done.currency)}")

    def _take_payment(self, payment: PaymentInput) -> None:
        if payment.method == "terminal":
            taken = take_terminal(
                self.desk,
                self.confirmation,
                payment.amount,
                payment.reference,
                idempotency_key=payment.idempotency_key,
            )
        elif payment.method == "card":
            gateway = gateway_from_settings(load_settings())
            taken = pay_by_card(
                self.desk,
                self.confirmation,
                payment.amount,
                gateway,
                idempotency_key=payment.idempotency_key,
            )
        else:
            taken = take_cash(
                self.desk,
                self.confirmation,
                payment.amount,
                idempotency_key=payment.idempotency_key,
            )
        self.reload(f"took {format_money(taken.amount, taken.currency)} by {payment.method}")
