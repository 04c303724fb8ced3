"""The manager sets up the house at the desk: F11 opens Set-up; rooms are added a range at a
time, a room type is refused beside the field it is wrong in, a room with a stay is retired
once the stay is moved, a rate plan and a tax join the prices; a desk of a database with two
hotels asks which it works on. SQLite only: the services behind these forms are tested on
both databases (test_hotel_setup, test_cli_setup); here it is the screens that are tested."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from conftest import CLERK, MANAGER
from test_tui import SIZE, row_texts, settle, shown, type_into
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select

from db.models import Role
from pms.guests.lookup import GuestInput
from pms.hotel.properties import create_property, property_view
from pms.inventory.nights import availability
from pms.kernel.desk import Actor, Desk
from pms.rates.entitlement import plan_companies
from pms.rates.plans import list_rate_plans
from pms.rates.taxes import list_taxes
from pms.reservations.booking import BookingRequest, book
from pms.stays.reservation_views import get_reservation
from pms.stays.rooms import assign_room
from screens.app import FrontDeskApp
from screens.dialogs import ConfirmDialog
from screens.property_switcher import PropertySwitcher
from screens.setup_area import SetupScreen
from screens.setup_form import SetupForm

pytestmark = [pytest.mark.tui, pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)]


def d(day: int) -> dt.date:
    return dt.date(2026, 12, day)


@pytest.fixture
def manager(hotel: Desk) -> Iterator[Desk]:
    """The test hotel's desk signed in as the manager Maria."""
    hotel.actor = MANAGER
    yield hotel
    hotel.actor = CLERK


async def open_setup(pilot: Pilot, tab: str) -> SetupScreen:
    """F11, then the tab's number key."""
    await pilot.press("f11")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SetupScreen)
    await pilot.press(tab)
    await settle(pilot)
    return screen


async def open_form(pilot: Pilot, key: str = "n") -> SetupForm:
    await pilot.press(key)
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, SetupForm)
    return form


def note(pilot: Pilot, field: str) -> str:
    return shown(pilot, f"#{field}-note")


async def test_a_manager_adds_a_range_of_rooms_and_they_are_sold(manager: Desk) -> None:
    async with FrontDeskApp(manager).run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_setup(pilot, "3")
        form = await open_form(pilot)
        await type_into(pilot, "numbers", "203-205")
        form.query_one("#room_type", Select).value = "TWN"
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert pilot.app.screen is screen
        rooms = row_texts(screen.table("rooms"))
        assert [line.split()[0] for line in rooms] == ["101", "102", "103", "201", "202",
                                                       "203", "204", "205", "301"]  # fmt: skip
        assert "Added 3 rooms of type TWN" in [n.message for n in pilot.app._notifications]

    twin = manager.read(availability, "TST", d(3), d(4))[2]
    assert (twin.code, twin.nights[0].capacity) == ("TWN", 5)


async def test_a_wrong_field_is_named_beside_it_and_what_was_typed_stays(manager: Desk) -> None:
    async with FrontDeskApp(manager).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_setup(pilot, "2")
        form = await open_form(pilot)
        await type_into(pilot, "code", "kng")
        await type_into(pilot, "max_occupancy", "0")
        await type_into(pilot, "price", "one hundred")
        assert "is not an amount of money" in note(pilot, "price")  # checked on leaving it
        await type_into(pilot, "price", "150")
        await type_into(pilot, "features", "sea view, sea veiw")
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert pilot.app.screen is form
        assert note(pilot, "max_occupancy") == "✗ a room must hold at least one guest"
        assert form.query_one("#max_occupancy", Input).value == "0"
        await type_into(pilot, "max_occupancy", "2")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "'sea veiw' is not a feature at TST" in note(pilot, "features")
        await type_into(pilot, "features", "sea view")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is not form

    kinds = {t.code: t for t in manager.read(property_view).room_types}
    assert (kinds["KNG"].max_occupancy, kinds["KNG"].price, kinds["KNG"].features) == (
        2, 15000, ["sea view"],
    )  # fmt: skip


async def test_a_room_with_a_stay_is_retired_once_the_stay_is_moved(manager: Desk) -> None:
    booked = manager.run(book, BookingRequest(arrival=d(3), nights=2, room_type="DBL",
                                              guest=GuestInput("Ada Lee")))  # fmt: skip
    manager.run(assign_room, booked.confirmation, "101")
    async with FrontDeskApp(manager).run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_setup(pilot, "3")
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmDialog)
        await pilot.press("y")  # retire room 101 …
        await settle(pilot)
        offer = pilot.app.screen
        assert isinstance(offer, ConfirmDialog)  # … is given to the stay: move it?
        assert f"room 101 is given to {booked.confirmation}" in offer.question
        await pilot.press("y")
        await settle(pilot)

        assert pilot.app.screen is screen
        assert [line.split()[0] for line in row_texts(screen.table("rooms"))][:2] == ["102", "103"]

    assert manager.read(get_reservation, booked.confirmation).rooms == ["102"]


async def test_rate_plans_and_taxes_are_added_from_set_up(manager: Desk) -> None:
    async with FrontDeskApp(manager).run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_setup(pilot, "5")
        await open_form(pilot)
        await type_into(pilot, "code", "CORP")
        await type_into(pilot, "name", "Corporate")
        await type_into(pilot, "percent", "-10")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("6")
        form = await open_form(pilot)
        await type_into(pilot, "code", "CITY")
        await type_into(pilot, "name", "City tax")
        form.query_one("#kind", Select).value = "per_person"
        await type_into(pilot, "value", "2.50")
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert pilot.app.screen is screen
        assert "CITY City tax €2.50 per adult a night" in row_texts(screen.table("taxes"))
        form = await open_form(pilot)  # dinner's VAT, refused beside the field first
        await type_into(pilot, "code", "VAT13")
        await type_into(pilot, "name", "VAT 13 %")
        await type_into(pilot, "value", "13")
        await type_into(pilot, "on", "FNB,BAR")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is form and "'BAR' is not a charge code" in note(pilot, "on")
        await type_into(pilot, "on", "FNB")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "VAT13 VAT 13 % 13 % inside FNB" in row_texts(screen.table("taxes"))

    corporate = next(p for p in manager.read(list_rate_plans, "TST") if p.code == "CORP")
    assert (corporate.parent, corporate.derive_percent_bp) == ("BAR", -1000)
    assert [(t.code, t.per_person, t.charges) for t in manager.read(list_taxes, "TST")] == [
        ("CITY", 250, ()), ("VAT13", 0, ("FNB",)),
    ]  # fmt: skip


async def test_a_corporate_plan_is_made_for_its_companies_in_one_form(manager: Desk) -> None:
    """The manager makes a plan sold only to two companies: the plan is restricted, both are
    entitled, a walk-in is not offered it; naming a company on a plan sold to everyone is
    refused beside the field, with what was typed kept."""
    async with FrontDeskApp(manager).run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_setup(pilot, "5")
        form = await open_form(pilot)
        await type_into(pilot, "code", "TEJO")
        await type_into(pilot, "name", "Tejo corporate")
        await type_into(pilot, "percent", "-15")
        await type_into(pilot, "companies", "Tejo Consulting; Acme, Lda")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is form
        assert "restrict it first" in note(pilot, "companies")
        assert form.query_one("#companies", Input).value == "Tejo Consulting; Acme, Lda"

        form.query_one("#sold_to", Select).value = "restricted"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is screen
        assert any("entitled companies" in row for row in row_texts(screen.table("rate-plans")))

    plan = next(p for p in manager.read(list_rate_plans, "TST") if p.code == "TEJO")
    assert plan.restricted
    assert manager.read(plan_companies, "TST", "TEJO") == ["Acme, Lda", "Tejo Consulting"]


async def test_a_clerk_does_not_get_into_set_up(hotel: Desk) -> None:
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f11")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, SetupScreen)
        assert "Set-up is for managers" in next(n.message for n in pilot.app._notifications)


async def test_a_desk_of_two_hotels_asks_which_and_switches(hotel: Desk) -> None:
    hotel.actor = Actor("admin", Role.ADMIN)
    hotel.run(create_property, "QAY", "Quay Lodge", business_date=d(3))
    hotel.actor = CLERK
    hotel.run(book, BookingRequest(arrival=d(1), nights=1, room_type="DBL",
                                   guest=GuestInput("Ada Lee"), property_code="TST"))  # fmt: skip
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(pilot.app.screen, PropertySwitcher)
        await pilot.press("down", "enter")  # the desk starts on QAY, the first; TST is next
        await settle(pilot)
        assert "Test Harbour Hotel ─ business date Tue 2026-12-01" in shown(pilot, "#desk-line")
        arrivals = pilot.app.screen.query_one(DataTable)
        assert any("Lee" in line for line in row_texts(arrivals))  # the dashboard read again

        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press("up", "enter")
        await settle(pilot)
        assert "Quay Lodge ─ business date Thu 2026-12-03" in shown(pilot, "#desk-line")
        assert pilot.app.property_code == "QAY"  # type: ignore[attr-defined]


def test_set_up_room_types_look(manager: Desk, snap_compare) -> None:  # type: ignore[no-untyped-def]
    """The room types tab of Set-up at 80 columns: the tabs, the table, what the keys do."""

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await open_setup(pilot, "2")

    assert snap_compare(FrontDeskApp(manager), run_before=run_before)
