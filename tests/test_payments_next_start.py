"""A card attempt a dying desk left pending is settled by the next start — the front desk after
sign-in, or the next CLI command that takes a card — by asking the processor (a real
localstripe), once: the card is never charged twice and the money is posted once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import BUSINESS_DATE
from sqlalchemy import update
from sqlalchemy.orm import Session
from stripe_fake import API_KEY, running_localstripe
from test_cli import pms
from test_payments import Crash, Scripted, postings_of
from test_tui import SIZE, settle
from test_tui_frontdesk import notifications

from db.folios import Payment
from pms.frontdesk.check_in import check_in
from pms.guests.lookup import GuestInput
from pms.kernel.desk import Desk
from pms.payments.gateways.stripe_gateway import StripeGateway
from pms.payments.take import (
    authorise_card,
    capture,
    payments_of,
    pending_payments,
    settle_left_behind,
)
from pms.reservations.booking import BookingRequest, book
from screens.app import FrontDeskApp

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def stripe_url() -> Iterator[str]:
    with running_localstripe() as url:
        yield url


@pytest.fixture
def gateway(stripe_url: str) -> StripeGateway:
    return StripeGateway(API_KEY, stripe_url, timeout=10, max_network_retries=0)


@pytest.fixture
def arriving(hotel: Desk) -> str:
    """Two nights in a double (€200.00) arriving today; its confirmation number."""
    request = BookingRequest(
        arrival=BUSINESS_DATE, nights=2, room_type="DBL", guest=GuestInput("Lucía García")
    )
    return hotel.run(book, request).confirmation


@pytest.fixture
def card_config(stripe_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The hotel's config and environment point the card gateway at localstripe."""
    config = tmp_path / "pms.toml"
    config.write_text(f'[payments]\nstripe_api_base = "{stripe_url}"\n', encoding="utf-8")
    monkeypatch.setenv("PMS_CONFIG", str(config))
    monkeypatch.setenv("STRIPE_API_KEY", API_KEY)


def two_minutes_pass(desk: Desk) -> None:
    """The clock moves on past LEFT_BEHIND_AFTER for every unsettled payment."""
    then = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=2)

    def _age(session: Session) -> None:
        session.execute(update(Payment).values(updated_at=then))

    desk.run(_age)


@pytest.mark.usefixtures("card_config")
def test_a_hold_the_desk_died_on_is_settled_by_the_next_card_command(
    hotel: Desk, db_url: str, arriving: str, stripe_url: str, gateway: StripeGateway
) -> None:
    with pytest.raises(Crash):  # the card is held at the processor; the desk dies
        authorise_card(
            hotel, arriving, 20000, Scripted(stripe_url, {"authorise": ("after", Crash)})
        )
    [stuck] = hotel.read(pending_payments)
    assert settle_left_behind(hotel, gateway) == []  # seconds old: a desk may still be on it

    two_minutes_pass(hotel)
    checked_in = pms(db_url, "--user", "ana", "checkin", arriving, "--room", "101",
                     "--authorise", "150")  # fmt: skip

    assert checked_in.exit_code == 0, checked_in.output
    assert checked_in.stderr.strip() == (
        f"Settled 1 card payment a stopped desk left unsettled: payment {stuck.id} pending → "
        "authorised (the processor says authorised)"
    )
    assert "The card is held already: €200.00" in checked_in.stdout  # not held a second time
    [payment] = hotel.read(payments_of, arriving)
    assert (payment.id, payment.state, payment.amount) == (stuck.id, "authorised", 20000)
    assert payment.intent_id and gateway.lookup(payment.intent_id).state == "authorised"


@pytest.mark.tui
@pytest.mark.usefixtures("card_config")
async def test_money_taken_as_the_desk_died_is_posted_once_when_the_desk_next_opens(
    hotel: Desk, arriving: str, stripe_url: str, gateway: StripeGateway
) -> None:
    hotel.run(check_in, arriving, "101")
    held = authorise_card(hotel, arriving, 20000, gateway)
    with pytest.raises(Crash):  # the money is taken at the processor; the desk dies
        capture(hotel, held.id, 16000, Scripted(stripe_url, {"capture": ("after", Crash)}))
    assert postings_of(hotel, held.id) == []
    two_minutes_pass(hotel)

    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:  # the clerk signs in again
        await settle(pilot)
        [line] = [n for n in notifications(pilot) if "card payment" in n]
        assert f"payment {held.id} pending → captured" in line

    assert hotel.read(pending_payments) == []
    assert postings_of(hotel, held.id) == [("PAY-CARD", -16000)]
    # The clerk tries the capture again: found done, not taken a second time.
    assert capture(hotel, held.id, 16000, gateway).captured == 16000
    assert postings_of(hotel, held.id) == [("PAY-CARD", -16000)]
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:  # nothing left: nothing said
        await settle(pilot)
        assert not [n for n in notifications(pilot) if "card payment" in n]
