"""The footer of every area: at 120 columns a clerk sees every key the screen shows, and at
80×24 at least the way out (ctrl+q), the command palette and the screen's own main actions —
and at either size no key half-shown or hidden under the palette key: what does not fit is
folded (the areas as one label, keys without their names), never cut.
SQLite only: what fits in the footer does not depend on the database."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from conftest import BUSINESS_DATE, MANAGER
from test_tui import d, see_offers, settle, stay
from textual.pilot import Pilot
from textual.screen import Screen

# The footer's keys and labels: not exported by Textual 8.
from textual.widgets._footer import FooterKey, FooterLabel

from pms.kernel.desk import Desk
from screens.app import FrontDeskApp
from screens.check_out import CheckOutScreen

pytestmark = [pytest.mark.tui, pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)]

Opener = Callable[[Pilot, str], Awaitable[None]]


async def _keys(pilot: Pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def _offers(pilot: Pilot, _conf: str) -> None:
    await _keys(pilot, "f2", *"4.12", "tab", *"6.12", "tab")
    await see_offers(pilot)


async def _check_in(pilot: Pilot, _conf: str) -> None:
    await _keys(pilot, "f4", "c")


async def _folio(pilot: Pilot, _conf: str) -> None:
    await _keys(pilot, "f4", "c", "enter", "f5", "f")


async def _check_out(pilot: Pilot, conf: str) -> None:
    await _keys(pilot, "f4", "c", "enter", "f5")
    pilot.app.push_screen(CheckOutScreen(conf))
    await settle(pilot)


def _by_keys(*keys: str) -> Opener:
    async def opener(pilot: Pilot, _conf: str) -> None:
        await _keys(pilot, *keys)

    return opener


#: Each area as a clerk opens it, and the keys its footer must show even at 80 columns.
AREAS: dict[str, tuple[Opener, set[str]]] = {
    "dashboard": (_by_keys(), {"f2", "f3", "f4", "f5", "f6"}),
    "new reservation": (_by_keys("f2"), {"ctrl+s"}),
    "search": (_by_keys("f3"), set()),
    "reservation": (_by_keys("f4", "enter"), {"c", "m", "x"}),
    "offers": (_offers, {"enter"}),
    "arrivals": (_by_keys("f4"), {"slash", "c", "f"}),
    "in-house": (_by_keys("f5"), {"slash"}),
    "departures": (_by_keys("f6"), {"slash"}),
    "rack": (_by_keys("f7"), {"enter", "a", "m"}),
    "housekeeping": (_by_keys("f8"), {"d", "c", "i", "o", "s"}),
    "rates": (_by_keys("f9"), {"g", "p", "e", "r"}),
    "audit trail": (_by_keys("f10"), {"slash"}),
    "set-up": (_by_keys("f11"), {"n", "e", "x", "s"}),
    "reports": (_by_keys("f12"), {"r"}),
    "check-in": (_check_in, {"r"}),
    "folio": (_folio, {"p", "dollar_sign", "v", "t"}),
    "check-out": (_check_out, {"dollar_sign", "f", "o"}),
}

#: The screen each area opens on.
SCREENS = {
    "dashboard": "DashboardScreen",
    "new reservation": "ReservationFormScreen",
    "search": "SearchScreen",
    "reservation": "ReservationDetailScreen",
    "offers": "OffersScreen",
    "arrivals": "ReservationListScreen",
    "in-house": "ReservationListScreen",
    "departures": "ReservationListScreen",
    "rack": "RoomRackScreen",
    "housekeeping": "HousekeepingScreen",
    "rates": "RateCalendarScreen",
    "audit trail": "AuditTrailScreen",
    "set-up": "SetupScreen",
    "reports": "ReportsScreen",
    "check-in": "CheckInScreen",
    "folio": "FolioScreen",
    "check-out": "CheckOutScreen",
}


def footer(screen: Screen) -> tuple[dict[str, str], set[str], list[str]]:
    """The keys the screen means to show in its footer (key → description; one per action, as
    the footer shows them), those wholly visible (inside the screen and not under the palette
    key docked on the right), and what the footer shows cut (keys or labels not wholly
    visible)."""
    shown: dict[str, str] = {}
    actions: set[str] = set()
    for _node, binding, _enabled, _tip in screen.active_bindings.values():
        if binding.show and binding.action not in actions:
            actions.add(binding.action)
            shown[binding.key] = binding.description
    width = screen.size.width
    keys = list(screen.query(FooterKey))
    palette = [key for key in keys if key.has_class("-command-palette")]
    edge = palette[0].region.x if palette else width
    visible = set()
    cut = []
    for key in keys:
        region = key.region
        limit = width if key in palette else edge
        if region.width and region.x >= 0 and region.right <= limit:
            visible.add(key.key)
        else:
            cut.append(key.key)
    cut += [str(label.render()) for label in screen.query(FooterLabel) if label.region.right > edge]
    return shown, visible, cut


@pytest.fixture
def desk_with_guests(hotel: Desk) -> tuple[Desk, str]:
    """The test hotel with a guest arriving today and one in tomorrow, the manager at the desk
    (who sees every area, set-up and audit trail too)."""
    conf = stay(hotel, "Lucía García", arrival=BUSINESS_DATE, departure=d(5)).confirmation
    stay(hotel, "Chidi Okafor", arrival=d(4), departure=d(6))
    hotel.actor = MANAGER
    return hotel, conf


@pytest.mark.parametrize("area", list(AREAS))
@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
async def test_footer_keeps_its_keys(
    desk_with_guests: tuple[Desk, str], area: str, size: tuple[int, int]
) -> None:
    hotel, conf = desk_with_guests
    opener, main = AREAS[area]
    async with FrontDeskApp(hotel).run_test(size=size) as pilot:
        await settle(pilot)
        await opener(pilot, conf)
        await settle(pilot)
        screen = pilot.app.screen
        shown, visible, cut = footer(screen)
        lost = {key: shown[key] for key in shown if key not in visible}
        assert type(screen).__name__ == SCREENS[area]  # the area really opened
        assert not cut, f"{area}: {cut} shown cut"
        if size[0] >= 120:
            assert not lost, f"{area}: {lost} cut off"
        else:
            assert {"ctrl+q", pilot.app.COMMAND_PALETTE_BINDING} | main <= visible, area
            areas = [label for label in screen.query(FooterLabel) if label.has_class("-areas")]
            folded = {key for key in lost if key.startswith("f") and key[1:].isdigit()}
            assert not folded or [str(a.render()) for a in areas] == ["F2–F11 Areas"], area
