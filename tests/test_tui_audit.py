"""The night auditor at the desk: End of day shows the pre-checks in colours, runs the audit
step by step and ends on the flash; Reports draws the forecast and the revenue by day."""

from __future__ import annotations

import pytest
from conftest import SUPERVISOR
from sqlalchemy import update
from test_night_audit import book_stay, d
from test_tui import SIZE, settle, shown
from textual.widgets import DataTable

from db.models import Property
from pms.frontdesk.check_in import check_in
from pms.kernel.desk import Desk
from pms.stays.rooms import assign_room
from screens.app import FrontDeskApp
from screens.dialogs import ConfirmDialog
from screens.end_of_day import EndOfDayScreen
from screens.rack_dialogs import ReasonDialog
from screens.reports import ReportsScreen

pytestmark = pytest.mark.tui


async def test_the_night_auditor_closes_the_day_from_the_desk(hotel: Desk) -> None:
    lucia = book_stay(hotel, "Lucía García", "DBL", 1, 3)
    book_stay(hotel, "Ana Silva", "DBL", 1, 2)
    hotel.run(check_in, lucia, "101")
    app = FrontDeskApp(hotel)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert isinstance(app.screen, EndOfDayScreen)
        table = app.screen.query_one("#prechecks", DataTable)
        first = " ".join(str(cell) for cell in table.get_row_at(0))
        assert "yellow" in first and "arrivals of the day not checked in" in first
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        flash = shown(pilot, "#flash")
        assert "Flash of Tue 01 Dec 2026" in flash and "occupancy 16.67 %" in flash
        steps = app.screen.query_one("#steps", DataTable)
        assert all("done" in str(steps.get_row_at(i)[1]) for i in range(steps.row_count))
        assert "Wed" in shown(pilot, "#desk-line")  # the header's business date moved on

        await pilot.press("escape", "f12")
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        assert "occupancy  16.67 %" in shown(pilot, "#flash")


async def test_a_supervisor_lets_a_red_item_through_with_a_reason(hotel: Desk) -> None:
    lucia = book_stay(hotel, "Lucía García", "DBL", 1, 2)
    hotel.run(check_in, lucia, "101")
    hotel.run(lambda s: s.execute(update(Property).values(business_date=d(2))))
    hotel.run(assign_room, book_stay(hotel, "Chidi Okafor", "DBL", 2, 3), "101")
    hotel.actor = SUPERVISOR
    app = FrontDeskApp(hotel)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert "1 red item(s) stop the audit" in shown(pilot, "#eod-title")
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, ReasonDialog)
        await pilot.press(*"leaving at six", "enter")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)  # Chidi, not arrived yet, is yellow
        await pilot.press("y")
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert "Flash of Wed 02 Dec 2026" in shown(pilot, "#flash")
