"""A card guarantee taken at the TUI's check-in: a rate plan that asks for one refuses the
check-in, `g` holds the card through localstripe (a token, never a card number), and the stay
goes in-house — with the services asked afterwards what was stored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import BUSINESS_DATE, CLERK, MANAGER
from stripe_fake import API_KEY, running_localstripe
from test_tui import SIZE, d, settle, shown, stay
from test_tui_frontdesk import notifications
from textual.pilot import Pilot
from textual.widgets import Input, Select

from pms.billing.folios import post_charge
from pms.frontdesk.check_in import check_in
from pms.kernel.config import load_settings
from pms.kernel.desk import Desk
from pms.kernel.money import from_minor
from pms.payments.gateways.stripe_gateway import gateway_from_settings
from pms.payments.take import authorise_card, payments_of
from pms.rates.plan_terms import PlanTermsInput
from pms.rates.plans import create_rate_plan
from pms.stays.reservation_views import get_reservation
from screens.app import FrontDeskApp
from screens.check_in import CheckInScreen
from screens.payment_dialogs import CardGuaranteeDialog, PaymentDialog

#: The front desk driven through Textual's Pilot (left out of `make test-fast`).
pytestmark = pytest.mark.tui


@pytest.fixture(scope="module")
def stripe_url() -> Iterator[str]:
    with running_localstripe() as url:
        yield url


@pytest.fixture
def card_config(stripe_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the card gateway at localstripe, as a hotel's config file would (no key yet)."""
    config = tmp_path / "pms.toml"
    config.write_text(f'[payments]\nstripe_api_base = "{stripe_url}"\n', encoding="utf-8")
    monkeypatch.setenv("PMS_CONFIG", str(config))
    monkeypatch.delenv("STRIPE_API_KEY", raising=False)


def guaranteed_stay(hotel: Desk) -> str:
    """A stay arriving on the business date on a rate plan that needs a card guarantee."""
    hotel.actor = MANAGER
    terms = PlanTermsInput(code="GTD", name="Card guaranteed", parent="BAR", guarantee="card")
    hotel.run(create_rate_plan, None, terms)
    hotel.actor = CLERK
    return stay(hotel, arrival=BUSINESS_DATE, departure=d(3), rate_plan="GTD").confirmation


async def open_check_in(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("f4")
    await settle(pilot)
    await pilot.press("c")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CheckInScreen)


async def hold(pilot: Pilot, amount: str, token: str) -> None:
    """Press g, type the amount over the one offered and the token, and hold it."""
    await pilot.press("g")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, CardGuaranteeDialog)
    dialog.query_one("#amount", Input).value = ""
    await pilot.press(*amount, "tab", *token, "enter")
    await settle(pilot)
    await settle(pilot)  # the hold, then the check-in tried again


@pytest.mark.usefixtures("card_config")
async def test_a_card_guarantee_is_taken_at_check_in(
    hotel: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    conf = guaranteed_stay(hotel)
    total = hotel.read(get_reservation, conf).total
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await open_check_in(pilot)
        assert "g takes the card guarantee" in shown(pilot, "#check-in-note")
        assert "g" in pilot.app.screen.active_bindings
        await pilot.press("enter")  # the best room: refused, the plan wants a card first
        await settle(pilot)
        assert isinstance(pilot.app.screen, CheckInScreen)
        assert any("needs a card guarantee" in n for n in notifications(pilot))
        assert "needs a card guarantee" in shown(pilot, "#check-in-note")
        assert hotel.read(get_reservation, conf).status == "confirmed"

        await pilot.press("g")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, CardGuaranteeDialog)
        assert dialog.query_one("#amount", Input).value == str(from_minor(total, "EUR"))
        token = dialog.query_one("#token", Input)
        assert token.value == "" and "pm_" in str(token.placeholder)
        await pilot.press("tab", *"4242424242424242", "enter")  # a card number: refused
        assert "never the card number" in shown(pilot, "#problem")
        assert token.value == ""
        await pilot.press("escape")
        await settle(pilot)

        await hold(pilot, "150", "pm_card_visa")  # no STRIPE_API_KEY: one sentence
        assert isinstance(pilot.app.screen, CheckInScreen)
        assert any("STRIPE_API_KEY" in n for n in notifications(pilot))
        assert hotel.read(payments_of, conf) == []

        monkeypatch.setenv("STRIPE_API_KEY", API_KEY)
        await hold(pilot, "150", "pm_card_visa")
        assert not isinstance(pilot.app.screen, CheckInScreen)
        assert any("Held €150.00 on the card" in n for n in notifications(pilot))

    stored = hotel.read(get_reservation, conf)
    assert stored.status == "checked_in" and stored.room == "101"
    assert [(p.gateway, p.state, p.amount) for p in hotel.read(payments_of, conf)] == [
        ("stripe", "authorised", 15000)
    ]


@pytest.mark.usefixtures("card_config")
async def test_a_declined_card_is_said_beside_the_field(
    hotel: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STRIPE_API_KEY", API_KEY)
    conf = guaranteed_stay(hotel)
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await open_check_in(pilot)
        await hold(pilot, "80", "pm_card_chargeCustomerFail")
        dialog = pilot.app.screen
        assert isinstance(dialog, CardGuaranteeDialog)  # asked again, the reason beside it
        assert "the card was declined" in shown(pilot, "#problem")
        assert dialog.query_one("#token", Input).value == ""
        await pilot.press(*"pm_card_visa", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, CheckInScreen)  # no room tried yet: pick one
        assert "g" not in pilot.app.screen.active_bindings
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, CheckInScreen)
    assert hotel.read(get_reservation, conf).status == "checked_in"
    states = [(p.state, p.amount) for p in hotel.read(payments_of, conf)]
    assert states == [("failed", 8000), ("authorised", 8000)]


async def test_the_card_hold_is_captured_at_check_out(
    hotel: Desk, card_config: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STRIPE_API_KEY", API_KEY)
    confirmation = stay(hotel, arrival=BUSINESS_DATE, departure=d(2)).confirmation
    hotel.run(check_in, confirmation, "101")
    gateway = gateway_from_settings(load_settings())
    authorise_card(hotel, confirmation, 15000, gateway)
    hotel.run(post_charge, confirmation, "FNB", 4000)
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5", "f")
        await settle(pilot)
        await pilot.press("dollar_sign")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, PaymentDialog)
        dialog.query_one("#method", Select).value = "card"
        await pilot.press("enter")
        await settle(pilot)
    captured = [(p.gateway, p.state, p.captured) for p in hotel.read(payments_of, confirmation)]
    assert captured == [("stripe", "captured", 4000)]
