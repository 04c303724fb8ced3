"""The main areas switch like tabs: each key goes to its area's own stack, nothing piles up,
escape from an area goes back to the desk, and a form left on the desk is still there."""

from __future__ import annotations

import pytest
from conftest import BUSINESS_DATE
from test_tui import SIZE, pick_offer, see_offers, settle, type_into
from textual.widgets import Input

from pms.kernel.desk import Desk
from pms.stays.reservation_lists import list_reservations
from screens.app import FrontDeskApp
from screens.check_in import CheckInScreen
from screens.dashboard import DashboardScreen
from screens.housekeeping import HousekeepingScreen
from screens.reservation_form import ReservationFormScreen
from screens.room_rack import RoomRackScreen

pytestmark = pytest.mark.tui


async def test_areas_switch_like_tabs_and_the_desk_keeps_its_form(hotel: Desk) -> None:
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ReservationFormScreen)
        for key in ("f7", "f8", "f4", "f5", "f6", "f9", "f7", "f8"):
            await pilot.press(key)
            await settle(pilot)
            assert len(pilot.app.screen_stack) == 1  # an area's own stack, never a pile
        assert isinstance(pilot.app.screen, HousekeepingScreen)
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(pilot.app.screen, RoomRackScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.current_mode == "desk"
        assert isinstance(pilot.app.screen, ReservationFormScreen)  # as the clerk left it
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DashboardScreen)


async def test_a_walk_in_is_one_action_from_the_form_to_the_room(hotel: Desk) -> None:
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, ReservationFormScreen)
        assert form.query_one("#arrival", Input).value == "today"
        await see_offers(pilot)
        await pick_offer(pilot, "TWN")
        await type_into(pilot, "guest", "Rui Costa")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, CheckInScreen)  # straight on to the room
        await pilot.press("enter")
        await settle(pilot)
    (stayed,) = hotel.read(list_reservations, text="costa")
    assert (stayed.status, stayed.arrival) == ("checked_in", BUSINESS_DATE)
