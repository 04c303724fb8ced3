"""How the front desk looks: SVG snapshots of the screens whose layout matters, at 80×24.

Run `pytest tests/test_tui_snapshots.py --snapshot-update` after a deliberate change of look and
review the SVGs in `tests/__snapshots__/` before committing them. SQLite only: the look does not
depend on the database, and confirmation numbers (random) are kept off these screens.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from conftest import BUSINESS_DATE
from textual.pilot import Pilot
from textual.widgets import Input

from pms.guests.lookup import GuestInput
from pms.kernel.desk import Desk
from pms.reservations.booking import BookingRequest, book
from screens.app import FrontDeskApp

pytestmark = [pytest.mark.tui, pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)]


@pytest.fixture(autouse=True)
def _steady_cursor() -> Iterator[None]:
    """Inputs without a blinking cursor, so a snapshot never catches it half-way."""
    original = Input.__init__

    def steady(self: Input, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        self.cursor_blink = False

    Input.__init__ = steady  # type: ignore[method-assign]
    yield
    Input.__init__ = original  # type: ignore[method-assign]


def _book(hotel: Desk, name: str, room_type: str, arrival: dt.date, nights: int) -> None:
    hotel.run(
        book,
        BookingRequest(
            arrival=arrival, nights=nights, room_type=room_type, guest=GuestInput(name), adults=2
        ),
    )


@pytest.fixture
def busy_hotel(hotel: Desk) -> Desk:
    """The test hotel with three arrivals today and two tomorrow."""
    tomorrow = BUSINESS_DATE + dt.timedelta(days=1)
    _book(hotel, "Lucía García", "DBL", BUSINESS_DATE, 2)
    _book(hotel, "Chidi Okafor", "TWN", BUSINESS_DATE, 3)
    _book(hotel, "Ana Novak", "DBL", BUSINESS_DATE, 1)
    _book(hotel, "Jonas Weber", "SUI", tomorrow, 4)
    _book(hotel, "Mei Tanaka", "DBL", tomorrow, 2)
    return hotel


async def _settle(pilot: Pilot, *keys: str) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    if keys:
        await pilot.press(*keys)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def test_dashboard(busy_hotel: Desk, snap_compare) -> None:  # type: ignore[no-untyped-def]
    """Counts, today's arrivals and tonight's bars side by side at 80 columns."""
    assert snap_compare(FrontDeskApp(busy_hotel), run_before=_settle)


def test_availability_grid(busy_hotel: Desk, snap_compare) -> None:  # type: ignore[no-untyped-def]
    """Two weeks of rooms left per type from the business date, the total row and the legend."""

    async def run_before(pilot: Pilot) -> None:
        await _settle(pilot, "shift+f9")

    assert snap_compare(FrontDeskApp(busy_hotel), run_before=run_before)


def test_empty_reservation_form(hotel: Desk, snap_compare) -> None:  # type: ignore[no-untyped-def]
    """The new-reservation form as F2 opens it: fields in the clerk's order, cursor on arrival."""

    async def run_before(pilot: Pilot) -> None:
        await _settle(pilot, "f2")

    assert snap_compare(FrontDeskApp(hotel), run_before=run_before)


def test_dashboard_at_120_columns(busy_hotel: Desk, snap_compare) -> None:  # type: ignore[no-untyped-def]
    """The dashboard on a wide terminal: every function key in the footer, nothing lost."""
    assert snap_compare(FrontDeskApp(busy_hotel), run_before=_settle, terminal_size=(120, 40))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_room_rack(busy_hotel: Desk, snap_compare, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    """The rack: rooms down, nights across, the month (or both months) in the header."""

    async def run_before(pilot: Pilot) -> None:
        await _settle(pilot, "f7")

    assert snap_compare(FrontDeskApp(busy_hotel), run_before=run_before, terminal_size=size)


@pytest.fixture
def counted_confirmations(monkeypatch: pytest.MonkeyPatch) -> None:
    """Confirmation numbers in booking order (TEST-0001, …) instead of random ones, so that the
    screens that show them can be snapshot."""
    numbers = (f"TEST-{n:04d}" for n in range(1, 100))
    monkeypatch.setattr("pms.reservations.booking.new_confirmation", lambda: next(numbers))


def test_arrivals_list(counted_confirmations: None, busy_hotel: Desk, snap_compare) -> None:  # type: ignore[no-untyped-def]
    """Today's arrivals at 80 columns: every column readable, the list's keys and quit in the
    footer before the area keys."""

    async def run_before(pilot: Pilot) -> None:
        await _settle(pilot, "f4")

    assert snap_compare(FrontDeskApp(busy_hotel), run_before=run_before)


def test_folio(counted_confirmations: None, busy_hotel: Desk, snap_compare) -> None:  # type: ignore[no-untyped-def]
    """A guest checked in and her folio opened from the in-house list: post, pay, reverse and
    transfer in the footer at 80 columns."""

    async def run_before(pilot: Pilot) -> None:
        await _settle(pilot, "f4", "c")
        await _settle(pilot, "enter")
        await _settle(pilot, "f5", "f")
        pilot.app.clear_notifications()  # the check-in's toast fades in its own time
        await pilot.pause()

    assert snap_compare(FrontDeskApp(busy_hotel), run_before=run_before)
