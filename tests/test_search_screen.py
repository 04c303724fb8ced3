"""F3 at the front desk: type three letters, see the guest, open the profile, edit and merge.

The screens run inside the real front-desk app, driven key by key on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from conftest import SUPERVISOR
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from pms.guests.profile_edits import GuestDetails, create_guest
from pms.guests.profiles import show_guest
from pms.kernel.desk import Desk
from pms.reservations.booking import BookingRequest, book
from pms.search.service import close_indexes
from screens.app import FrontDeskApp
from screens.dialogs import ConfirmDialog
from screens.guest_form import GuestFormScreen
from screens.guest_profile import GuestProfileScreen
from screens.search import DEBOUNCE_SECONDS, SearchScreen

#: The front desk driven through Textual's Pilot (left out of `make test-fast`).
pytestmark = pytest.mark.tui

SIZE = (100, 32)


@pytest.fixture(autouse=True)
def _close_indexes() -> Iterator[None]:
    yield
    close_indexes()


async def settle(pilot: Pilot) -> None:
    """Let the keys land, the workers finish and their messages fill the widgets."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def typed(pilot: Pilot, *keys: str) -> None:
    """Type like a clerk, then wait for the search the pause after the last key starts."""
    await pilot.press(*keys)
    await pilot.pause(DEBOUNCE_SECONDS + 0.05)
    await settle(pilot)


def rows(pilot: Pilot, selector: str = "#hits") -> list[str]:
    table = pilot.app.screen.query_one(selector, DataTable)
    return [" ".join(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)]


def shown(pilot: Pilot, selector: str) -> str:
    return str(pilot.app.screen.query_one(selector, Static).content)


async def open_search(pilot: Pilot, **options: object) -> SearchScreen:
    screen = SearchScreen(**options)  # type: ignore[arg-type]
    await pilot.app.push_screen(screen)
    await settle(pilot)
    return screen


async def test_three_letters_find_the_guest_and_enter_opens_the_profile(hotel: Desk) -> None:
    guest = hotel.run(
        create_guest,
        GuestDetails(name="Lucía García", email="lucia@example.com", vip_level=2),
    )
    hotel.run(
        book,
        BookingRequest(arrival=dt.date(2026, 12, 3), nights=2, room_type="DBL", guest=guest.id),
    )
    hotel.run(create_guest, GuestDetails(name="Chidi Okafor"))
    app = FrontDeskApp(hotel)
    async with app.run_test(size=SIZE) as pilot:
        await open_search(pilot)
        await typed(pilot, "g", "a", "r")
        found = rows(pilot)
        assert found[0].startswith("guest García, Lucía VIP2")
        assert any(row.startswith("stay") and "García, Lucía" in row for row in found)
        assert not any("Okafor" in row for row in found)

        await pilot.press("enter")  # the cursor stays in the box; enter opens the first hit
        await settle(pilot)
        profile = app.screen
        assert isinstance(profile, GuestProfileScreen)
        assert "García, Lucía" in shown(pilot, "#title")
        assert "VIP 2" in shown(pilot, "#flags")
        assert shown(pilot, "#fact-email") == "lucia@example.com"
        assert "confirmed" in rows(pilot, "#upcoming")[0]

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)


async def test_a_guest_added_at_another_desk_appears_while_searching(
    hotel: Desk, db_url: str
) -> None:
    hotel.run(create_guest, GuestDetails(name="Ana Okafor"))
    app = FrontDeskApp(hotel)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_search(pilot, kind="guest")
        await typed(pilot, "o", "k", "a")
        assert len(rows(pilot)) == 1 and "Okafor, Ana" in rows(pilot)[0]

        other = Desk.open(db_url)
        other.run(create_guest, GuestDetails(name="Chidi Okafor"))
        other.close()
        screen._follow()  # what the two-second timer does
        await settle(pilot)
        assert len(rows(pilot)) == 2


async def test_edit_shows_a_refused_value_beside_its_field_then_saves(hotel: Desk) -> None:
    guest = hotel.run(create_guest, GuestDetails(name="Lucía García"))
    app = FrontDeskApp(hotel)
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(GuestProfileScreen(guest.id))
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, GuestFormScreen)
        form.query_one("#phone", Input).value = "912 345 678"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "needs its country code" in shown(pilot, "#phone-note")
        form.query_one("#country", Input).value = "PT"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, GuestProfileScreen)
        assert shown(pilot, "#fact-phone") == "+351 912 345 678"
    assert hotel.read(show_guest, guest.id).country == "PT"


async def test_merge_picks_the_duplicate_through_the_search(hotel: Desk) -> None:
    kept = hotel.run(create_guest, GuestDetails(name="Lucía García"))
    duplicate = hotel.run(create_guest, GuestDetails(name="Lucia Garcia", city="Porto"))
    hotel.actor = SUPERVISOR
    app = FrontDeskApp(hotel)
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(GuestProfileScreen(kept.id))
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen) and app.screen.pick
        found = rows(pilot)  # the search starts from this guest's last name
        assert len(found) == 2
        index = next(i for i, row in enumerate(found) if "Garcia, Lucia" in row)
        await pilot.press(*["down"] * index, "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, GuestProfileScreen)
        assert "Porto" in shown(pilot, "#fact-city")
    assert hotel.read(show_guest, duplicate.id).id == kept.id


async def test_f3_opens_search_from_the_dashboard(hotel: Desk) -> None:
    hotel.run(create_guest, GuestDetails(name="Lucía García"))
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SearchScreen)
        await typed(pilot, "g", "a", "r")
        assert rows(pilot)[0].startswith("guest García, Lucía")


async def test_a_returning_guest_is_picked_through_search_when_booking(hotel: Desk) -> None:
    from test_tui import open_form, pick_offer, see_offers, type_into

    regular = hotel.run(create_guest, GuestDetails(name="Chidi Okafor", email="chidi@example.com"))
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_form(pilot)
        await pilot.press(*"4.12", "tab", *"6.12", "tab")
        await type_into(pilot, "adults", "2")
        await see_offers(pilot)
        await pick_offer(pilot, "DBL", "BAR")
        await type_into(pilot, "guest", "okaf")
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SearchScreen)
        await typed(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "profile #" in shown(pilot, "#guest-note")
        await pilot.press("ctrl+s")
        await settle(pilot)

    stays = hotel.read(show_guest, regular.id).upcoming
    assert len(stays) == 1
