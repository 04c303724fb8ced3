"""Desks that see each other: what another desk books shows on my dashboard and lists within
the poll (2 s) without moving my cursor or losing what I typed, and a database that goes away
raises the "reconnecting…" banner until it answers again."""

from __future__ import annotations

import pytest
from conftest import BUSINESS_DATE
from test_tui import SIZE, d, row_texts, settle, stay
from textual.widgets import DataTable, Input, Static

from pms.billing.folios import post_charge
from pms.frontdesk.check_in import check_in
from pms.kernel.desk import Desk
from pms.kernel.errors import DatabaseUnavailable
from screens.app import FrontDeskApp
from screens.desk_shift import LIVE_SECONDS
from screens.folio import FolioScreen

pytestmark = pytest.mark.tui


async def test_another_desks_arrival_reaches_my_dashboard_within_the_poll(hotel: Desk) -> None:
    stay(hotel, "Chidi Okafor", arrival=BUSINESS_DATE, departure=d(3))
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        arrivals = pilot.app.screen.query_one("#arrivals", DataTable)
        assert len(row_texts(arrivals)) == 1

        stay(hotel, "Lucía García", arrival=BUSINESS_DATE, departure=d(3))  # another desk
        await pilot.pause(LIVE_SECONDS + 0.3)
        await settle(pilot)
        rows = row_texts(arrivals)
        assert len(rows) == 2 and any("García, Lucía" in row for row in rows)


async def test_a_list_follows_other_desks_and_keeps_the_cursor_and_the_filter(
    hotel: Desk,
) -> None:
    for name, kind in (("Ana Novak", "TWN"), ("Chidi Okafor", "TWN"), ("Lucía Garcés", "DBL")):
        stay(hotel, name, arrival=BUSINESS_DATE, departure=d(3), room_type=kind)
    app = FrontDeskApp(hotel)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        table = pilot.app.screen.query_one("#reservations", DataTable)
        await pilot.press("slash", *"gar")
        await settle(pilot)
        assert len(row_texts(table)) == 1
        typing = pilot.app.screen.query_one("#filter", Input)

        stay(hotel, "Lucía García", arrival=BUSINESS_DATE, departure=d(3))  # another desk
        app.follow_other_desks()
        await settle(pilot)
        rows = row_texts(table)
        assert len(rows) == 2
        assert typing.value == "gar" and pilot.app.focused is typing

        table.focus()
        await pilot.press("down")
        kept = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        stay(hotel, "Ana García", arrival=BUSINESS_DATE, departure=d(3), room_type="SUI")
        app.follow_other_desks()
        await settle(pilot)
        assert len(row_texts(table)) == 3
        assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key == kept


async def test_a_lost_database_says_reconnecting_until_it_answers(
    hotel: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = FrontDeskApp(hotel)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        banner = pilot.app.screen.query_one("#desk-banner", Static)
        assert not banner.display
        answer = hotel.read

        def server_restarting(*_: object, **__: object) -> None:
            raise DatabaseUnavailable("server closed the connection unexpectedly")

        monkeypatch.setattr(hotel, "read", server_restarting)
        app.follow_other_desks()
        await settle(pilot)
        assert banner.display and "reconnecting…" in str(banner.content)

        monkeypatch.setattr(hotel, "read", answer)
        app.follow_other_desks()
        await settle(pilot)
        assert not banner.display


async def test_a_charge_posted_at_another_desk_shows_on_my_open_folio(hotel: Desk) -> None:
    confirmation = stay(hotel, arrival=BUSINESS_DATE, departure=d(3)).confirmation
    hotel.run(check_in, confirmation, "101")
    app = FrontDeskApp(hotel)
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(FolioScreen(confirmation))
        await settle(pilot)
        assert app.screen.account.guest_balance == 0

        hotel.run(post_charge, confirmation, "MINIBAR", 1250)  # the bar, at another desk
        app.follow_other_desks()
        await settle(pilot)
        assert app.screen.account.guest_balance == 1250
