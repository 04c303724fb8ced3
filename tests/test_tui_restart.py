"""The database server restarts under a working front desk: a real PostgreSQL of the test's own
is stopped (`pg_ctl stop -m immediate`, every connection cut) while a clerk fills in a booking;
the header says "reconnecting…", the form keeps every typed value, and once the server is back
"reconnecting…" clears by itself and ctrl+r runs the lost action again.

The shared server on 5432 is never stopped. If this machine cannot run a private server the
test fails saying why (set PMS_TEST_SKIP_POSTGRES=1 on a laptop without PostgreSQL)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from conftest import CLERK, SKIP_POSTGRES, set_up_hotel
from private_postgres import PrivateServer, PrivateServerError, private_server
from test_tui import SIZE, open_form, settle, type_into
from textual.pilot import Pilot
from textual.widgets import Static

from pms.kernel.desk import Desk
from screens.app import FrontDeskApp
from screens.desk_shift import LIVE_SECONDS
from screens.offers import OffersScreen

pytestmark = [pytest.mark.tui, pytest.mark.slow]


@pytest.fixture
def restartable_hotel() -> Iterator[tuple[PrivateServer, Desk]]:
    """The test hotel on a private PostgreSQL server, migrated by `pms db upgrade`'s code, and a
    desk on it signed in as the clerk Ana."""
    if SKIP_POSTGRES:
        pytest.skip("PMS_TEST_SKIP_POSTGRES=1: no PostgreSQL on this machine")
    try:
        with private_server() as server:
            desk = Desk.open(server.url)
            desk.upgrade()
            set_up_hotel(desk)
            desk.actor = CLERK
            yield server, desk
            desk.close()
    except PrivateServerError as exc:
        pytest.fail(f"could not run a private PostgreSQL server for the restart test: {exc}")


async def banner_until(pilot: Pilot, says: str, *, seconds: float, gone: bool = False) -> str:
    """What the header's banner says once it `says` something (or, `gone`, no longer does),
    waiting at most `seconds` for the desk's own poll to notice."""
    deadline = time.monotonic() + seconds
    while True:
        banner = pilot.app.screen.query_one("#desk-banner", Static)
        line = str(banner.content) if banner.display else ""
        if (says in line) != gone or time.monotonic() >= deadline:
            return line
        await pilot.pause(0.2)


async def test_a_database_restart_under_the_desk_loses_nothing_typed(
    restartable_hotel: tuple[PrivateServer, Desk],
) -> None:
    server, hotel = restartable_hotel
    app = FrontDeskApp(hotel)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_form(pilot)
        assert await banner_until(pilot, "", seconds=0) == ""
        await pilot.press(*"4.12", "tab", *"6.12", "tab")
        await type_into(pilot, "adults", "2")

        server.stop()  # the server goes away while the clerk is at the form
        poll = LIVE_SECONDS + 3
        assert "reconnecting…" in await banner_until(pilot, "reconnecting…", seconds=poll)
        await pilot.press("ctrl+s")  # the offers: the quote cannot reach the database
        await settle(pilot)
        assert pilot.app.screen is form
        assert "cannot use the database" in str(form.query_one("#form-message", Static).content)
        typed = form.values()
        assert (typed["arrival"], typed["departure"], typed["adults"]) == ("4.12", "6.12", "2")
        assert "“quote” is kept" in await banner_until(pilot, "kept", seconds=0)

        server.start()
        line = await banner_until(pilot, "reconnecting…", seconds=poll * 2, gone=True)
        assert "reconnecting…" not in line, "the banner still says reconnecting after the restart"
        assert line == "✓ the database is back — press ctrl+r to retry “quote”"

        await pilot.press("ctrl+r")  # one key: the same quote, now that the database answers
        await settle(pilot)
        assert isinstance(pilot.app.screen, OffersScreen)
        assert await banner_until(pilot, "", seconds=0) == ""
        assert len(pilot.app.screen.offers) > 0
