"""A rate plan's card guarantee, taken at the desk before check-in.

A rate plan that asks for a card guarantee refuses the check-in until a card is held. `g` takes
it: the amount (the stay's total to start with) and the card token from the terminal, held
through the configured card gateway in a worker. A hold that does not happen asks again, with
the reason beside the field.
"""

from __future__ import annotations

from textual import on, work

from pms.frontdesk.check_in import CheckInView
from pms.kernel.config import load_settings
from pms.kernel.errors import ConfigError, InvalidTransition
from pms.kernel.money import format_money
from pms.payments.gateways.interface import CardDeclined, GatewayUnreachable
from pms.payments.gateways.stripe_gateway import gateway_from_settings
from pms.payments.take import authorise_card
from screens.desk_screen import DeskScreen
from screens.messages import CardHeld
from screens.payment_dialogs import CardGuaranteeDialog, CardGuaranteeInput

#: How `pms.frontdesk.check_in.check_in` words its refusal when the rate plan's card guarantee
#: is missing ("rate plan X needs a card guarantee — authorise a card on the folio first").
CARD_REFUSAL = "needs a card guarantee"


def card_refusal(error: BaseException | None) -> bool:
    """Whether a failed check-in was refused for want of a card guarantee."""
    return isinstance(error, InvalidTransition) and CARD_REFUSAL in str(error)


class CardGuaranteeScreen(DeskScreen[CheckInView | None]):
    """A stay's screen that holds a card guarantee on `g` (its worker group is "card"). The
    screen shows it is busy in `working`, says what follows a hold in `guarantee_held`, and
    passes a failed hold to `card_failed`."""

    def __init__(self, confirmation: str) -> None:
        super().__init__()
        self.confirmation = confirmation
        self.busy = False
        #: The stay's rate plan wants a card held and none is (from the plan, or a refusal).
        self.card_due = False
        self.currency = ""
        self.total = 0
        self.guest_name = ""
        #: The hold on its way (what the clerk typed), to ask again if it does not happen.
        self.holding: CardGuaranteeInput | None = None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`g` is offered only while a card guarantee is due."""
        if action == "guarantee":
            return self.card_due
        return True

    def working(self, busy: bool) -> None:
        """Show that a hold (or whatever else the screen does in a worker) is on its way, or is
        over."""
        self.busy = busy

    def guarantee_held(self) -> None:
        """What follows once the card is held."""

    def action_guarantee(self) -> None:
        """Ask for the amount and the card token, then hold the card in a worker."""
        self._ask_card()

    def _ask_card(
        self, amount: int | None = None, token: str = "", problem: str = "", key: str = ""
    ) -> None:
        if not self.card_due or self.busy:
            return

        def _answer(typed: CardGuaranteeInput | None) -> None:
            if typed is not None:
                self.working(True)
                self.holding = typed
                self._hold_card(typed)

        self.app.push_screen(
            CardGuaranteeDialog(
                self.currency,
                self.total if amount is None else amount,
                self.guest_name or self.confirmation,
                token=token,
                problem=problem,
                idempotency_key=key,
            ),
            _answer,
        )

    @work(thread=True, exclusive=True, group="card", exit_on_error=False)
    def _hold_card(self, typed: CardGuaranteeInput) -> None:
        # Outside desk.run: authorise_card opens its own short units of work around the calls
        # to the processor.
        gateway = gateway_from_settings(load_settings())
        held = authorise_card(
            self.desk,
            self.confirmation,
            typed.amount,
            gateway,
            typed.token,
            idempotency_key=typed.idempotency_key,
        )
        self.post_message(CardHeld(held))

    @on(CardHeld)
    def _card_held(self, message: CardHeld) -> None:
        self.holding = None
        held = message.payment
        self.notify(f"Held {format_money(held.amount, held.currency)} on the card")
        self.card_due = False
        self.refresh_bindings()
        self.working(False)
        self.guarantee_held()

    def card_failed(self, error: BaseException | None) -> None:
        """A hold that did not happen: a missing key is a notification (the dialog cannot fix
        it); a decline or an unreachable processor opens the dialog again with the sentence
        beside the field — the same key after an unreachable processor (the same hold), a new
        one after a decline (another card)."""
        if isinstance(error, ConfigError):
            self.report_failure(error)
            return
        message = self.report_failure(error, quiet=True)
        typed, self.holding = self.holding, None
        if typed is None:
            self.notify(message, severity="error", timeout=8)
            return
        declined = isinstance(error, CardDeclined)
        self._ask_card(
            typed.amount,
            "" if declined else typed.token,
            message,
            typed.idempotency_key if isinstance(error, GatewayUnreachable) else "",
        )
