"""Taking money: card holds, captures, refunds and voids against a real localstripe through the
official SDK, and cash and terminal payments — on both databases. The fake ignores idempotency
keys and lets any refund through, so everything exactly-once here is the desk's own doing."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import stripe
from conftest import BUSINESS_DATE, SUPERVISOR
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from stripe_fake import API_KEY, running_localstripe

from db.folios import Payment, Posting
from db.models import AuditLog
from pms.billing.folios import balance_of, guest_folio, post_charge
from pms.guests.lookup import GuestInput
from pms.kernel.config import PaymentSettings, Settings
from pms.kernel.desk import Desk
from pms.kernel.errors import ConfigError, InvalidInput, InvalidTransition, PermissionDenied
from pms.payments.gateways.interface import (
    CardDeclined,
    GatewayUnreachable,
    IntentStatus,
    UnknownIntent,
)
from pms.payments.gateways.stripe_gateway import StripeGateway, gateway_from_settings
from pms.payments.take import (
    NOTHING_CHARGED,
    Overpayment,
    authorise_card,
    capture,
    increase_authorisation,
    payment_view,
    payments_of,
    pending_payments,
    reconcile,
    refund,
    take_cash,
    take_terminal,
    void,
)
from pms.reservations.booking import BookingRequest, book
from pms.stays.reservation_views import load_reservation

#: Money taken before anything is posted: a deposit, said so.
DEPOSIT = Overpayment(deposit=True)

NOW = dt.timedelta(0)  # reconcile everything, however young (the tests have no other desk)


class Crash(BaseException):
    """The desk process dying: nothing in the services may catch it."""


@pytest.fixture(scope="session")
def stripe_url() -> Iterator[str]:
    """One localstripe for the session, on a free port, spoken to on 127.0.0.1 only."""
    with running_localstripe() as url:
        yield url


@pytest.fixture
def gateway(stripe_url: str) -> StripeGateway:
    return StripeGateway(API_KEY, stripe_url, timeout=10, max_network_retries=0)


@pytest.fixture
def stay(hotel: Desk) -> str:
    """Two nights in a double (€200.00) arriving today; its confirmation number."""
    request = BookingRequest(
        arrival=BUSINESS_DATE, nights=2, room_type="DBL", guest=GuestInput("Lucía García")
    )
    return hotel.run(book, request).confirmation


class Scripted(StripeGateway):
    """The real gateway, with a fault injected after (or before) one kind of call."""

    def __init__(self, url: str, fault: dict[str, tuple[str, type[BaseException]]]) -> None:
        super().__init__(API_KEY, url, timeout=10, max_network_retries=0)
        self.fault = fault
        self.calls: list[str] = []

    def _inject(self, name: str, when: str) -> None:
        planned = self.fault.get(name)
        if planned and planned[0] == when:
            del self.fault[name]
            raise planned[1]("the line went dead")

    def authorise(self, intent_id: str, *, key: str) -> IntentStatus:
        self.calls.append("authorise")
        self._inject("authorise", "before")
        status = super().authorise(intent_id, key=key)
        self._inject("authorise", "after")
        return status

    def capture(self, intent_id: str, amount: int, *, key: str) -> IntentStatus:
        self.calls.append("capture")
        self._inject("capture", "before")
        status = super().capture(intent_id, amount, key=key)
        self._inject("capture", "after")
        return status

    def open_intent(self, **kwargs: Any) -> str:
        self.calls.append("open_intent")
        intent = super().open_intent(**kwargs)
        self._inject("open_intent", "after")
        return intent

    def refund(self, intent_id: str, amount: int, *, key: str, payment_id: int) -> str:
        self.calls.append("refund")
        self._inject("refund", "before")
        made = super().refund(intent_id, amount, key=key, payment_id=payment_id)
        self._inject("refund", "after")
        return made


def balance(desk: Desk, confirmation: str) -> int:
    def _read(session: Session) -> int:
        return balance_of(session, guest_folio(session, load_reservation(session, confirmation)).id)

    return desk.run(_read)  # run: the first payment may open the guest folio


def postings_of(desk: Desk, payment_id: int) -> list[tuple[str, int]]:
    def _read(session: Session) -> list[tuple[str, int]]:
        rows = session.execute(
            select(Posting.code, Posting.amount)
            .where(Posting.payment_id == payment_id)
            .order_by(Posting.id)
        )
        return [(code, amount) for code, amount in rows]

    return desk.read(_read)


def payment_rows(desk: Desk) -> int:
    return desk.read(lambda s: s.scalar(select(func.count()).select_from(Payment)))


def audit_actions(desk: Desk, payment_id: int) -> list[str]:
    def _read(session: Session) -> list[str]:
        rows = session.scalars(
            select(AuditLog.action)
            .where(AuditLog.entity == "payment", AuditLog.entity_id == payment_id)
            .order_by(AuditLog.id)
        )
        return list(rows)

    return desk.read(_read)


def declining_card(stripe_url: str) -> str:
    """A payment method from the card localstripe declines at charge time (4000000000000341).
    Made straight at the fake: the card number never comes near the desk."""
    client = stripe.StripeClient(API_KEY, base_addresses={"api": stripe_url})
    card = {"number": "4000000000000341", "exp_month": 12, "exp_year": 2030, "cvc": "123"}
    return str(client.v1.payment_methods.create(params={"type": "card", "card": card}).id)


# --- the happy path ----------------------------------------------------------------------


def test_a_hold_at_check_in_then_a_smaller_capture_posts_once(
    hotel: Desk, stay: str, gateway: StripeGateway
) -> None:
    held = authorise_card(hotel, stay, 20000, gateway)

    assert (held.state, held.amount, held.captured, held.confirmation) == (
        "authorised",
        20000,
        0,
        stay,
    )
    assert held.intent_id and gateway.lookup(held.intent_id).state == "authorised"
    assert postings_of(hotel, held.id) == []  # a hold is not money taken

    taken = capture(hotel, held.id, 17500, gateway)

    assert (taken.state, taken.captured) == ("captured", 17500)
    assert gateway.lookup(held.intent_id).state == "captured"
    assert postings_of(hotel, held.id) == [("PAY-CARD", -17500)]
    assert balance(hotel, stay) == -17500
    assert audit_actions(hotel, held.id) == ["authorise", "capture_start", "capture"]
    # Capturing again (a double click after the answer) changes nothing.
    assert capture(hotel, held.id, 17500, gateway).captured == 17500
    assert postings_of(hotel, held.id) == [("PAY-CARD", -17500)]


def test_capture_is_bounded_by_the_hold(hotel: Desk, stay: str, gateway: StripeGateway) -> None:
    held = authorise_card(hotel, stay, 10000, gateway)
    with pytest.raises(InvalidInput, match=r"only €100\.00 is authorised"):
        capture(hotel, held.id, 10001, gateway)
    assert hotel.read(payment_view, held.id).state == "authorised"


def test_amounts_must_be_positive(hotel: Desk, stay: str, gateway: StripeGateway) -> None:
    for bad in (0, -500):
        with pytest.raises(InvalidInput, match="positive"):
            authorise_card(hotel, stay, bad, gateway)
        with pytest.raises(InvalidInput, match="positive"):
            take_cash(hotel, stay, bad)
    assert payment_rows(hotel) == 0


# --- refunds -----------------------------------------------------------------------------


def test_partial_refund_then_an_over_refund_is_refused_then_the_rest(
    hotel: Desk, stay: str, gateway: StripeGateway
) -> None:
    held = authorise_card(hotel, stay, 20000, gateway)
    capture(hotel, held.id, 15000, gateway)
    with pytest.raises(PermissionDenied):  # Ana is a clerk
        refund(hotel, held.id, 1000, "goodwill", gateway)
    hotel.actor = SUPERVISOR

    part = refund(hotel, held.id, 5000, "minibar charged twice", gateway)
    assert (part.state, part.refunded, part.refundable) == ("captured", 5000, 10000)

    with pytest.raises(InvalidInput, match=r"only €100\.00 of payment \d+ is left to refund"):
        refund(hotel, held.id, 10001, "too much", gateway)
    # The fake itself would have let it through: the bound above is ours alone.
    assert held.intent_id
    assert gateway.refund(held.intent_id, 10**6, key="probe", payment_id=0)  # €10,000 back!

    rest = refund(hotel, held.id, 10000, "stay cancelled", gateway)
    assert (rest.state, rest.refunded, rest.refundable) == ("refunded", 15000, 0)
    assert postings_of(hotel, held.id) == [
        ("PAY-CARD", -15000),
        ("REFUND", 5000),
        ("REFUND", 10000),
    ]
    assert balance(hotel, stay) == 0
    with pytest.raises(InvalidInput, match=r"only €0\.00"):
        refund(hotel, held.id, 1, "again", gateway)
    ours = [r for r in gateway.refunds_of(held.intent_id) if r.key and r.key.startswith("refund-")]
    assert sorted(r.amount for r in ours) == [5000, 10000]
    assert audit_actions(hotel, held.id)[-4:] == [
        "refund_start",
        "refund",
        "refund_start",
        "refund",
    ]


@pytest.mark.slow
def test_two_desks_refunding_at_once_never_give_back_more_than_was_taken(
    hotel: Desk, db_url: str, stay: str, gateway: StripeGateway
) -> None:
    held = authorise_card(hotel, stay, 15000, gateway)
    capture(hotel, held.id, 15000, gateway)
    desks = [Desk.open(db_url) for _ in range(4)]
    outcomes: list[str] = []
    start = threading.Barrier(len(desks))

    def refund_at_once(desk: Desk) -> None:
        desk.actor = SUPERVISOR
        start.wait()
        try:
            refund(desk, held.id, 10000, "raced", gateway)
            outcomes.append("refunded")
        except (InvalidInput, InvalidTransition):  # nothing left, or the other desk's is on its way
            outcomes.append("refused")

    threads = [threading.Thread(target=refund_at_once, args=(desk,)) for desk in desks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for desk in desks:
        desk.close()

    assert sorted(outcomes) == ["refunded", "refused", "refused", "refused"]
    assert hotel.read(payment_view, held.id).refunded == 10000
    assert postings_of(hotel, held.id) == [("PAY-CARD", -15000), ("REFUND", 10000)]
    assert held.intent_id
    assert [r.amount for r in gateway.refunds_of(held.intent_id) if r.key] == [10000]


# --- declines and an unreachable processor ----------------------------------------------


@pytest.mark.parametrize("card", ["made from 4000000000000341", "pm_card_chargeCustomerFail"])
def test_a_declined_card_is_a_clear_message_and_a_failed_row(
    hotel: Desk, stay: str, gateway: StripeGateway, stripe_url: str, card: str
) -> None:
    method = declining_card(stripe_url) if card.startswith("made") else card
    with pytest.raises(CardDeclined, match=r"^the card was declined: Your card was declined"):
        authorise_card(hotel, stay, 20000, gateway, method)

    [failed] = hotel.read(payments_of, stay)
    assert failed.state == "failed"
    assert "declined" in failed.error
    assert postings_of(hotel, failed.id) == []
    assert hotel.read(pending_payments) == []
    # Another card is a new attempt with a new row and key.
    assert authorise_card(hotel, stay, 20000, gateway).state == "authorised"
    assert [p.state for p in hotel.read(payments_of, stay)] == ["failed", "authorised"]


def test_an_unreachable_processor_charges_nothing_and_a_retry_reuses_the_row(
    hotel: Desk, stay: str, gateway: StripeGateway
) -> None:
    closed_port = StripeGateway(API_KEY, "http://127.0.0.1:9", timeout=2, max_network_retries=0)
    with pytest.raises(GatewayUnreachable) as caught:
        authorise_card(hotel, stay, 20000, closed_port)
    assert str(caught.value) == NOTHING_CHARGED

    [waiting] = hotel.read(pending_payments)
    assert (waiting.state, waiting.intent_id) == ("pending", None)

    held = authorise_card(hotel, stay, 20000, gateway)
    assert (held.id, held.state) == (waiting.id, "authorised")
    assert payment_rows(hotel) == 1


def test_a_lost_answer_then_a_retry_does_not_hold_or_charge_twice(
    hotel: Desk, stay: str, stripe_url: str
) -> None:
    flaky = Scripted(
        stripe_url,
        {"authorise": ("after", GatewayUnreachable), "capture": ("after", GatewayUnreachable)},
    )
    with pytest.raises(GatewayUnreachable, match="nothing was charged; try again"):
        authorise_card(hotel, stay, 20000, flaky)  # the hold was made; its answer was lost
    [first] = hotel.read(pending_payments)
    assert first.intent_id

    held = authorise_card(hotel, stay, 20000, flaky)  # the clerk tries again

    assert (held.id, held.intent_id, held.state) == (first.id, first.intent_id, "authorised")
    assert flaky.calls == ["open_intent", "authorise"]  # looked up, not confirmed again

    with pytest.raises(GatewayUnreachable, match="will not be taken twice"):
        capture(hotel, held.id, 18000, flaky)
    assert hotel.read(payment_view, held.id).state == "pending"
    taken = capture(hotel, held.id, 18000, flaky)

    assert (taken.state, taken.captured) == ("captured", 18000)
    assert flaky.calls.count("capture") == 1
    assert postings_of(hotel, held.id) == [("PAY-CARD", -18000)]
    assert payment_rows(hotel) == 1


def test_the_same_idempotency_key_is_the_same_payment(
    hotel: Desk, stay: str, gateway: StripeGateway
) -> None:
    first = authorise_card(hotel, stay, 20000, gateway, idempotency_key="form-7")
    again = authorise_card(hotel, stay, 20000, gateway, idempotency_key="form-7")
    assert again.id == first.id and again.intent_id == first.intent_id
    with pytest.raises(InvalidInput, match="another payment"):
        authorise_card(hotel, stay, 30000, gateway, idempotency_key="form-7")
    cash = take_cash(hotel, stay, 5000, idempotency_key="till-1", over=DEPOSIT)
    assert take_cash(hotel, stay, 5000, idempotency_key="till-1", over=DEPOSIT).id == cash.id
    assert payment_rows(hotel) == 2
    assert balance(hotel, stay) == -5000


# --- crashes and reconciliation ----------------------------------------------------------


@pytest.mark.slow
def test_a_crash_after_the_hold_is_settled_by_reconcile(
    hotel: Desk, stay: str, stripe_url: str, gateway: StripeGateway
) -> None:
    dying = Scripted(stripe_url, {"authorise": ("after", Crash)})
    with pytest.raises(Crash):
        authorise_card(hotel, stay, 20000, dying)
    [stuck] = hotel.read(pending_payments)

    assert reconcile(hotel, gateway) == []  # too young: another desk may still be on it
    [result] = reconcile(hotel, gateway, older_than=NOW)

    assert (result.payment_id, result.was, result.now) == (stuck.id, "pending", "authorised")
    assert hotel.read(payment_view, stuck.id).state == "authorised"
    assert reconcile(hotel, gateway, older_than=NOW) == []


@pytest.mark.slow
def test_a_crash_between_capture_and_commit_posts_once_after_reconcile(
    hotel: Desk, stay: str, stripe_url: str, gateway: StripeGateway
) -> None:
    held = authorise_card(hotel, stay, 20000, gateway)
    dying = Scripted(stripe_url, {"capture": ("after", Crash)})
    with pytest.raises(Crash):
        capture(hotel, held.id, 16000, dying)  # the money is taken; the desk dies
    assert postings_of(hotel, held.id) == []
    assert held.intent_id and gateway.lookup(held.intent_id).state == "captured"

    [result] = reconcile(hotel, gateway, older_than=NOW)
    assert (result.was, result.now) == ("pending", "captured")
    assert reconcile(hotel, gateway, older_than=NOW) == []
    # The clerk's retry after the crash finds it done as well.
    assert capture(hotel, held.id, 16000, gateway).state == "captured"

    assert postings_of(hotel, held.id) == [("PAY-CARD", -16000)]
    assert balance(hotel, stay) == -16000


@pytest.mark.slow
def test_a_crash_before_the_capture_left_the_desk_goes_back_to_the_hold(
    hotel: Desk, stay: str, stripe_url: str, gateway: StripeGateway
) -> None:
    held = authorise_card(hotel, stay, 20000, gateway)
    with pytest.raises(Crash):
        capture(hotel, held.id, 16000, Scripted(stripe_url, {"capture": ("before", Crash)}))
    [result] = reconcile(hotel, gateway, older_than=NOW)
    assert (result.was, result.now) == ("pending", "authorised")
    assert capture(hotel, held.id, 16000, gateway).captured == 16000
    assert postings_of(hotel, held.id) == [("PAY-CARD", -16000)]


@pytest.mark.slow
def test_a_crash_before_the_intent_id_was_stored_voids_the_row(
    hotel: Desk, stay: str, stripe_url: str, gateway: StripeGateway
) -> None:
    with pytest.raises(Crash):
        authorise_card(hotel, stay, 20000, Scripted(stripe_url, {"open_intent": ("after", Crash)}))
    [stuck] = hotel.read(pending_payments)
    assert stuck.intent_id is None  # the card was never asked: that waits for the stored id

    [result] = reconcile(hotel, gateway, older_than=NOW)
    assert (result.was, result.now) == ("pending", "voided")
    assert postings_of(hotel, stuck.id) == []


@pytest.mark.slow
def test_a_crash_before_confirming_cancels_the_intent(
    hotel: Desk, stay: str, stripe_url: str, gateway: StripeGateway
) -> None:
    with pytest.raises(Crash):
        authorise_card(hotel, stay, 20000, Scripted(stripe_url, {"authorise": ("before", Crash)}))
    [stuck] = hotel.read(pending_payments)
    assert stuck.intent_id and gateway.lookup(stuck.intent_id).state == "unconfirmed"

    [result] = reconcile(hotel, gateway, older_than=NOW)
    assert result.now == "voided"
    assert gateway.lookup(stuck.intent_id).state == "voided"


def test_reconcile_leaves_what_it_cannot_ask_about_for_the_next_run(
    hotel: Desk, stay: str, stripe_url: str, gateway: StripeGateway
) -> None:
    with pytest.raises(Crash):
        authorise_card(hotel, stay, 20000, Scripted(stripe_url, {"authorise": ("after", Crash)}))
    [stuck] = hotel.read(pending_payments)
    offline = StripeGateway(API_KEY, "http://127.0.0.1:9", timeout=2, max_network_retries=0)

    [result] = reconcile(hotel, offline, older_than=NOW)

    assert (result.payment_id, result.now) == (stuck.id, "pending")
    assert result.note.startswith("left as it is: could not reach the card processor")
    with pytest.raises(InvalidTransition, match="still waiting for the card processor"):
        capture(hotel, stuck.id, 100, gateway)
    assert [r.now for r in reconcile(hotel, gateway, older_than=NOW)] == ["authorised"]


@pytest.mark.slow
@pytest.mark.parametrize("when", ["after", "before"])
def test_a_crash_during_a_refund_is_posted_or_released_by_reconcile(
    hotel: Desk, stay: str, stripe_url: str, gateway: StripeGateway, when: str
) -> None:
    held = authorise_card(hotel, stay, 20000, gateway)
    capture(hotel, held.id, 20000, gateway)
    hotel.actor = SUPERVISOR
    with pytest.raises(Crash):
        refund(
            hotel,
            held.id,
            7000,
            "late check-out waived",
            Scripted(stripe_url, {"refund": (when, Crash)}),
        )
    [stuck] = hotel.read(pending_payments)
    assert (stuck.refunded, stuck.refund_in_flight) == (7000, 7000)
    with pytest.raises(InvalidTransition, match="on its way to the card processor"):
        refund(hotel, held.id, 7000, "late check-out waived", gateway)

    [result] = reconcile(hotel, gateway, older_than=NOW)

    made = when == "after"
    assert "posted" in result.note if made else "never reached" in result.note
    after = hotel.read(payment_view, held.id)
    assert (after.refunded, after.refund_in_flight) == ((7000 if made else 0), 0)
    expected = [("PAY-CARD", -20000)] + ([("REFUND", 7000)] if made else [])
    assert postings_of(hotel, held.id) == expected
    assert reconcile(hotel, gateway, older_than=NOW) == []
    assert hotel.read(pending_payments) == []


def test_a_refund_retried_after_a_lost_answer_is_made_once(
    hotel: Desk, stay: str, stripe_url: str, gateway: StripeGateway
) -> None:
    held = authorise_card(hotel, stay, 20000, gateway)
    capture(hotel, held.id, 20000, gateway)
    hotel.actor = SUPERVISOR
    flaky = Scripted(stripe_url, {"refund": ("after", GatewayUnreachable)})
    with pytest.raises(GatewayUnreachable, match="will not be refunded twice"):
        refund(hotel, held.id, 4000, "noisy room", flaky)

    done = refund(hotel, held.id, 4000, "noisy room", flaky)

    assert (done.refunded, done.refund_in_flight) == (4000, 0)
    assert flaky.calls.count("refund") == 1
    assert held.intent_id
    assert [r.amount for r in gateway.refunds_of(held.intent_id) if r.key] == [4000]
    assert postings_of(hotel, held.id) == [("PAY-CARD", -20000), ("REFUND", 4000)]


# --- void and a bigger hold --------------------------------------------------------------


def test_void_releases_the_hold(hotel: Desk, stay: str, gateway: StripeGateway) -> None:
    held = authorise_card(hotel, stay, 20000, gateway)
    voided = void(hotel, held.id, gateway)
    assert voided.state == "voided"
    assert held.intent_id and gateway.lookup(held.intent_id).state == "voided"
    assert void(hotel, held.id, gateway).state == "voided"  # again: nothing to do
    with pytest.raises(InvalidTransition, match="only an authorised card can be captured"):
        capture(hotel, held.id, 100, gateway)
    assert audit_actions(hotel, held.id) == ["authorise", "void"]


def test_a_bigger_hold_replaces_the_old_one(hotel: Desk, stay: str, gateway: StripeGateway) -> None:
    old = authorise_card(hotel, stay, 20000, gateway)
    with pytest.raises(InvalidInput, match="more than"):
        increase_authorisation(hotel, old.id, 20000, gateway)
    new = increase_authorisation(hotel, old.id, 32000, gateway)

    assert (new.state, new.amount) == ("authorised", 32000)
    assert new.reference == f"replaces payment {old.id}"
    assert hotel.read(payment_view, old.id).state == "voided"
    assert capture(hotel, new.id, 30000, gateway).captured == 30000
    with pytest.raises(InvalidTransition, match="not a card authorisation"):
        increase_authorisation(hotel, new.id, 40000, gateway)


# --- cash and the terminal ---------------------------------------------------------------


def test_cash_and_terminal_payments_post_and_settle_the_balance(hotel: Desk, stay: str) -> None:
    hotel.run(post_charge, stay, "MINIBAR", 12000)

    cash = take_cash(hotel, stay, 5000)
    terminal = take_terminal(hotel, stay, 7000, "  AUTH 004211 ")

    assert (cash.gateway, cash.state, cash.captured) == ("cash", "captured", 5000)
    assert (terminal.gateway, terminal.reference) == ("terminal", "AUTH 004211")
    assert postings_of(hotel, cash.id) == [("PAY-CASH", -5000)]
    assert postings_of(hotel, terminal.id) == [("PAY-TERMINAL", -7000)]
    assert balance(hotel, stay) == 0
    assert audit_actions(hotel, cash.id) == ["create"]

    hotel.actor = SUPERVISOR
    back = refund(hotel, cash.id, 2000, "overpaid")
    assert (back.refunded, back.state) == (2000, "captured")
    with pytest.raises(InvalidInput, match=r"only €30\.00"):
        refund(hotel, cash.id, 3001, "too much")
    refund(hotel, terminal.id, 7000, "wrong card", reference="RFND 99")
    assert balance(hotel, stay) == 9000
    assert hotel.read(payment_view, terminal.id).state == "refunded"
    with pytest.raises(InvalidTransition, match="refund it instead"):
        void(hotel, cash.id, StripeGateway(API_KEY, "http://127.0.0.1:9"))


def test_a_card_number_is_never_taken_as_a_terminal_reference(hotel: Desk, stay: str) -> None:
    for typed in ("4242 4242 4242 4242", "ref 4000-0000-0000-0341", ""):
        with pytest.raises(InvalidInput):
            take_terminal(hotel, stay, 1000, typed)
    assert payment_rows(hotel) == 0
    taken = take_terminal(hotel, stay, 1000, "1234567890123", over=DEPOSIT)  # fails Luhn
    assert taken.state == "captured"


# --- configuration -----------------------------------------------------------------------


def test_the_gateway_comes_from_settings_and_the_environment(
    stripe_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(payments=PaymentSettings(stripe_api_base=stripe_url))
    monkeypatch.delenv("STRIPE_API_KEY", raising=False)
    with pytest.raises(ConfigError, match="STRIPE_API_KEY"):
        gateway_from_settings(settings)
    monkeypatch.setenv("STRIPE_API_KEY", API_KEY)
    gateway = gateway_from_settings(settings)
    with pytest.raises(UnknownIntent):  # answered by the fake, so the base URL was used
        gateway.lookup("pi_doesnotexist")
