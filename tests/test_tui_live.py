"""Desks that see each other: what another desk books shows on my dashboard and lists within
the poll (2 s) without moving my cursor or losing what I typed, and a database that goes away
raises the "reconnecting…" banner until it answers again."""

from __future__ import annotations

import pytest
from conftest import BUSINESS_DATE
from test_tui import SIZE, d, open_form, row_texts, settle, stay, type_into
from textual.widgets import DataTable, Input, Static

from pms.billing.folios import post_charge
from pms.frontdesk.check_in import check_in
from pms.kernel.desk import Desk
from pms.kernel.errors import DatabaseUnavailable
from screens.app import FrontDeskApp
from screens.desk_shift import LIVE_SECONDS
from screens.folio import FolioScreen
from screens.offers import OffersScreen

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


def retry_offered(app: FrontDeskApp) -> bool:
    """Whether ctrl+r is in the footer as the retry of a lost action."""
    key = app.screen.active_bindings.get("ctrl+r")
    return key is not None and key.enabled and key.binding.action == "retry"


async def test_an_action_the_database_lost_is_offered_again_at_one_key(
    hotel: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = FrontDeskApp(hotel)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_form(pilot)
        await pilot.press(*"4.12", "tab", *"6.12", "tab")
        await type_into(pilot, "adults", "2")
        assert not retry_offered(app)  # nothing to retry yet
        answer = hotel.read

        def server_restarting(*_: object, **__: object) -> None:
            raise DatabaseUnavailable("server closed the connection unexpectedly")

        monkeypatch.setattr(hotel, "read", server_restarting)
        await pilot.press("ctrl+s")  # the offers, while the database is away
        await settle(pilot)
        banner = form.query_one("#desk-banner", Static)
        assert "reconnecting…" in str(banner.content)
        assert "“quote” is kept" in str(banner.content)

        monkeypatch.setattr(hotel, "read", answer)
        app.follow_other_desks()  # the poll finds the database back
        await settle(pilot)
        assert str(banner.content) == "✓ the database is back — press ctrl+r to retry “quote”"
        assert retry_offered(app)  # in the footer
        palette = [command.title for command in app.get_system_commands(app.screen)]
        assert "Retry the action the database lost" in palette
        assert form.values()["arrival"] == "4.12"

        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, OffersScreen)
        assert app.kept is None and not app.screen.query_one("#desk-banner", Static).display
