"""The database server restarts under a working front desk: a real PostgreSQL of the test's own
is stopped (`pg_ctl stop -m immediate`, every connection cut) while a clerk fills in a booking;
the header says "reconnecting…", the form keeps every typed value, and once the server is back
the banner clears by itself and the same booking goes through.

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


async def banner_until(pilot: Pilot, shown: bool, *, seconds: float) -> Static:
    """The header's banner once it is `shown` (or not), waiting at most `seconds` for the
    desk's own poll to notice; the banner as it is then."""
    banner = pilot.app.screen.query_one("#desk-banner", Static)
    deadline = time.monotonic() + seconds
    while banner.display != shown and time.monotonic() < deadline:
        await pilot.pause(0.2)
        banner = pilot.app.screen.query_one("#desk-banner", Static)
    return banner


async def test_a_database_restart_under_the_desk_loses_nothing_typed(
    restartable_hotel: tuple[PrivateServer, Desk],
) -> None:
    server, hotel = restartable_hotel
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_form(pilot)
        assert not (await banner_until(pilot, False, seconds=0)).display
        await pilot.press(*"4.12", "tab", *"6.12", "tab")
        await type_into(pilot, "adults", "2")

        server.stop()  # the server goes away while the clerk is at the form
        await pilot.press("ctrl+s")  # the offers: the quote cannot reach the database
        await settle(pilot)
        assert pilot.app.screen is form
        banner = await banner_until(pilot, True, seconds=LIVE_SECONDS + 3)
        assert banner.display and "reconnecting…" in str(banner.content)
        assert "cannot use the database" in str(form.query_one("#form-message", Static).content)
        typed = form.values()
        assert (typed["arrival"], typed["departure"], typed["adults"]) == ("4.12", "6.12", "2")

        server.start()
        banner = await banner_until(pilot, False, seconds=LIVE_SECONDS * 3 + 2)
        assert not banner.display, "the banner stayed up after the server came back"

        await pilot.press("ctrl+s")  # the same booking, now that the database answers
        await settle(pilot)
        assert isinstance(pilot.app.screen, OffersScreen)
