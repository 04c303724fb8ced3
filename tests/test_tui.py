"""A clerk at the front desk: the TUI driven key by key, on SQLite and on PostgreSQL.

Each test presses keys like a person, waits for the workers, and reads what the screen shows;
where it matters it also asks the services what was stored.
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import BUSINESS_DATE
from textual import events
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from pms.guests.lookup import GuestInput
from pms.inventory.nights import availability
from pms.kernel.desk import Desk
from pms.reservations.booking import BookingRequest, book
from pms.stays.reservation_lists import list_reservations
from pms.stays.reservation_views import ReservationView, get_reservation
from screens.app import FrontDeskApp
from screens.availability import AvailabilityScreen
from screens.booking_confirm import ConfirmBookingScreen
from screens.dashboard import DashboardScreen
from screens.dialogs import CancelDialog, ConfirmDialog, RoomPicker
from screens.offers import OffersScreen
from screens.rate_calendar import RateCalendarScreen
from screens.reservation_detail import ReservationDetailScreen
from screens.reservation_form import ReservationFormScreen
from screens.reservation_list import ReservationListScreen

#: The front desk driven through Textual's Pilot (left out of `make test-fast`).
pytestmark = pytest.mark.tui

SIZE = (120, 40)


def d(day: int) -> dt.date:
    return dt.date(2026, 12, day)


def stay(hotel: Desk, name: str = "Lucía García", **fields: object) -> ReservationView:
    """Book through the service, as another desk (or the phone) would."""
    request = {"arrival": d(3), "departure": d(5), "room_type": "DBL", "adults": 2} | fields
    return hotel.run(book, BookingRequest(guest=GuestInput(name), **request))  # type: ignore[arg-type]


async def settle(pilot: Pilot) -> None:
    """Let the keys land, the workers finish and their messages fill the widgets."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def shown(pilot: Pilot, selector: str) -> str:
    """The text a Static on the current screen shows."""
    return str(pilot.app.screen.query_one(selector, Static).content)


def row_texts(table: DataTable) -> list[str]:
    """Each row of a table as one line of text."""
    return [" ".join(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)]


async def type_into(pilot: Pilot, field: str, text: str) -> None:
    """Click a form field, select what it holds, paste over it and leave it (which checks it).
    Pasting is one event where typing is one per key: it keeps the tests fast."""
    await pilot.click(f"#{field}")
    await pilot.press("ctrl+shift+a")
    pilot.app.screen.query_one(f"#{field}", Input).post_message(events.Paste(text))
    await pilot.press("tab")


async def open_form(pilot: Pilot) -> ReservationFormScreen:
    await pilot.press("f2")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReservationFormScreen)
    return screen


async def see_offers(pilot: Pilot) -> OffersScreen:
    """Ask for the offers of the stay typed (ctrl+s on the booking's first step)."""
    await pilot.press("ctrl+s")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, OffersScreen)
    return screen


async def pick_offer(pilot: Pilot, room_type: str, plan: str = "BAR") -> ConfirmBookingScreen:
    """Walk the offer list down to the room type on the plan and press enter, as a clerk would."""
    table = pilot.app.screen.query_one("#offers", DataTable)
    steps = table.get_row_index(f"TST/{room_type}/{plan}") - table.cursor_row
    await pilot.press(*(["down"] * steps), *(["up"] * -steps), "enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ConfirmBookingScreen)
    return screen


async def test_the_header_shows_property_business_date_user_and_database(hotel: Desk) -> None:
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        header = shown(pilot, "#desk-line")
        assert "Test Harbour Hotel" in header
        assert "business date Tue 2026-12-01" in header
        assert "clerk: ana" in header
        assert hotel.database_tag in header
        assert not pilot.app.screen.query_one("#desk-banner").display


async def test_the_dashboard_shows_todays_arrivals_and_occupancy(hotel: Desk) -> None:
    stay(hotel, "Lucía García", arrival=BUSINESS_DATE, departure=d(3))
    stay(hotel, "Chidi Okafor", arrival=d(2), departure=d(4))
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(pilot.app.screen, DashboardScreen)
        stats = shown(pilot, "#stats")
        assert "Arrivals 1 (0 in)" in stats
        assert "In-house 0" in stats
        assert "Occupancy tonight 17 %" in stats  # one of six rooms
        arrivals = row_texts(pilot.app.screen.query_one("#arrivals", DataTable))
        assert len(arrivals) == 1 and "García, Lucía" in arrivals[0] and "DBL" in arrivals[0]
        tonight = str(pilot.app.screen.query_one("#tonight").render())
        assert "DBL" in tonight and "1/3" in tonight
        await pilot.press("enter")  # the arrival under the cursor opens
        await settle(pilot)
        assert isinstance(pilot.app.screen, ReservationDetailScreen)
        assert "García, Lucía" in shown(pilot, "#fact-guest")


async def test_a_clerk_books_a_stay_through_the_form(hotel: Desk) -> None:
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_form(pilot)
        assert pilot.app.focused is form.query_one("#arrival")
        await pilot.press(*"4.12", "tab")  # the arrival field has the focus
        await pilot.press(*"6.12", "tab")
        assert shown(pilot, "#arrival-note") == "Fri 04 Dec 2026"
        assert form.query_one("#nights", Input).value == "2"
        await type_into(pilot, "adults", "2")
        await see_offers(pilot)
        await pick_offer(pilot, "TWN")
        assert pilot.app.focused is pilot.app.screen.query_one("#guest")
        await type_into(pilot, "guest", "Lucía García")
        await type_into(pilot, "email", "lucia@example.com")
        await pilot.press("ctrl+s", "ctrl+s")  # an impatient double save books once
        await settle(pilot)

        detail = pilot.app.screen
        assert isinstance(detail, ReservationDetailScreen)
        confirmation = detail.confirmation
        assert confirmation in shown(pilot, "#title")
        assert "confirmed" in shown(pilot, "#status")
        assert shown(pilot, "#fact-total") == "€90.00 per night incl. VAT · €180.00 total incl. VAT"

    stored = hotel.read(list_reservations, text="garc")
    assert [r.confirmation for r in stored] == [confirmation]
    view = hotel.read(get_reservation, confirmation)
    assert (view.arrival, view.departure, view.room_type, view.adults) == (d(4), d(6), "TWN", 2)
    assert view.rate_plan == "BAR"


async def test_nights_can_be_typed_instead_of_the_departure(hotel: Desk) -> None:
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_form(pilot)
        await pilot.press(*"fri", "tab", "tab", "3", "tab")  # Fri 4 Dec, 3 nights
        assert form.query_one("#departure", Input).value == "2026-12-07"
        await pilot.press("enter")  # enter in any field of the first step: the offers
        await settle(pilot)
        assert isinstance(pilot.app.screen, OffersScreen)
        await pick_offer(pilot, "SUI")
        await type_into(pilot, "guest", "Chidi Okafor")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ReservationDetailScreen)
    [row] = hotel.read(list_reservations, text="okafor")
    assert (row.arrival, row.departure, row.room_type) == (d(4), d(7), "SUI")


async def test_a_typed_departure_stays_put_when_the_arrival_moves(hotel: Desk) -> None:
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_form(pilot)
        await pilot.press(*"4.12", "tab", *"8.12", "tab")  # the focus lands in nights, now 4
        assert form.query_one("#nights", Input).value == "4"
        await type_into(pilot, "arrival", "6.12")
        assert form.query_one("#departure", Input).value == "8.12"
        assert form.query_one("#nights", Input).value == "2"
        await type_into(pilot, "nights", "3")  # now nights is what the clerk typed last
        await type_into(pilot, "arrival", "7.12")
        assert form.query_one("#departure", Input).value == "2026-12-10"


async def test_a_bad_departure_is_explained_beside_the_field_and_the_typing_stays(
    hotel: Desk,
) -> None:
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_form(pilot)
        await pilot.press(*"4.12", "tab", *"3.12", "tab")
        assert "departure must be after arrival" in shown(pilot, "#departure-note")
        assert form.query_one("#departure").has_class("-invalid")

        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is form
        assert pilot.app.focused is form.query_one("#departure")
        assert "departure must be after arrival" in shown(pilot, "#departure-note")
        assert form.query_one("#arrival", Input).value == "4.12"
        assert form.query_one("#departure", Input).value == "3.12"
    assert hotel.read(list_reservations) == []


async def test_a_refusal_from_the_service_stands_beside_its_field(hotel: Desk) -> None:
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_form(pilot)
        await pilot.press(*"+2", "tab", *"+4", "tab")
        await see_offers(pilot)
        guest_step = await pick_offer(pilot, "DBL")
        await type_into(pilot, "guest", "Lucía García")
        await type_into(pilot, "email", "lucia-at-example")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is guest_step
        assert "is not an e-mail address" in shown(pilot, "#email-note")
        assert guest_step.query_one("#email", Input).value == "lucia-at-example"
    assert hotel.read(list_reservations) == []


async def test_a_room_sold_meanwhile_sends_the_clerk_back_to_fresh_offers(hotel: Desk) -> None:
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_form(pilot)
        await pilot.press(*"3.12", "tab", *"6.12", "tab")
        offers = await see_offers(pilot)
        await pick_offer(pilot, "SUI")
        await type_into(pilot, "guest", "Lucía García")
        stay(hotel, "Someone Else", room_type="SUI", arrival=d(4), departure=d(5))  # the last
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert pilot.app.screen is offers
        assert "SUI is sold out on Fri 2026-12-04" in shown(pilot, "#offers-message")
        rows = row_texts(offers.query_one("#offers", DataTable))
        [suite] = [row for row in rows if row.startswith("SUI BAR")]
        assert "✗ SUI is sold out" in suite  # fresh figures: now closed, with the reason
        await pick_offer(pilot, "DBL")  # the guest typed before is still there
        assert pilot.app.screen.query_one("#guest", Input).value == "Lucía García"
    assert [r.guest_name for r in hotel.read(list_reservations)] == ["Else, Someone"]


async def test_escape_asks_before_throwing_away_what_was_typed(hotel: Desk) -> None:
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await open_form(pilot)
        await pilot.press(*"4.12")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert pilot.app.screen is form
        assert form.query_one("#arrival", Input).value == "4.12"
        await pilot.press("escape", "y")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DashboardScreen)

        await open_form(pilot)
        await pilot.press("escape")  # nothing typed: leaves at once
        await settle(pilot)
        assert isinstance(pilot.app.screen, DashboardScreen)


async def open_detail(pilot: Pilot, guest: str) -> ReservationDetailScreen:
    """Find the stay in the list of all reservations and open it."""
    await pilot.press("ctrl+l")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ReservationListScreen)
    await pilot.press("slash", *guest)
    await settle(pilot)
    await pilot.press("enter", "enter")  # leave the filter, open the highlighted row
    await settle(pilot)
    detail = pilot.app.screen
    assert isinstance(detail, ReservationDetailScreen)
    return detail


async def test_a_stay_is_modified_from_its_detail(hotel: Desk) -> None:
    booked = stay(hotel)
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        detail = await open_detail(pilot, "garc")
        assert "2 nights" in shown(pilot, "#fact-stay")
        await pilot.press("m")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, ReservationFormScreen) and not form.creating
        assert form.query_one("#departure", Input).value == "2026-12-05"
        assert form.query_one("#guest", Input).disabled
        await type_into(pilot, "departure", "7.12")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is detail
        assert "4 nights" in shown(pilot, "#fact-stay")
        assert not shown(pilot, "#fact-version").startswith(f"{booked.version} ")
    assert hotel.read(get_reservation, booked.confirmation).departure == d(7)


async def test_a_stay_is_cancelled_from_its_detail_with_a_reason(hotel: Desk) -> None:
    booked = stay(hotel)
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_detail(pilot, booked.confirmation[:4])
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(pilot.app.screen, CancelDialog)
        await pilot.press("enter")  # no reason yet: refused
        await pilot.pause()
        assert isinstance(pilot.app.screen, CancelDialog)
        await pilot.press(*"flight cancelled", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ReservationDetailScreen)
        assert "cancelled" in shown(pilot, "#status")
        assert not pilot.app.screen.check_action("modify", ())
    assert hotel.read(get_reservation, booked.confirmation).status == "cancelled"
    [dbl] = [rt for rt in hotel.read(availability, "TST", d(3), d(4)) if rt.code == "DBL"]
    assert dbl.nights[0].sold == 0


async def test_a_room_is_assigned_from_the_free_ones(hotel: Desk) -> None:
    booked = stay(hotel)
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_detail(pilot, "garc")
        assert "no room yet" in shown(pilot, "#fact-room")
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(pilot.app.screen, RoomPicker)
        await pilot.press("enter")
        await settle(pilot)
        assert "room 101" in shown(pilot, "#fact-room")
    assert hotel.read(get_reservation, booked.confirmation).rooms == ["101"]


async def test_lists_show_arrivals_and_filter_as_the_clerk_types(hotel: Desk) -> None:
    stay(hotel, "Lucía García", arrival=BUSINESS_DATE, departure=d(3))
    stay(hotel, "Chidi Okafor", arrival=BUSINESS_DATE, departure=d(2))
    stay(hotel, "Ana Novak", arrival=d(2), departure=d(3))
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        table = pilot.app.screen.query_one("#reservations", DataTable)
        rows = row_texts(table)
        assert len(rows) == 2 and "● confirmed" in rows[0]
        await pilot.press("slash", *"okaf")
        await settle(pilot)
        rows = row_texts(table)
        assert len(rows) == 1 and "Okafor, Chidi" in rows[0]
        assert "matching “okaf”" in shown(pilot, "#list-title")

        await pilot.press("f5")  # in-house: nobody has checked in yet
        await settle(pilot)
        assert pilot.app.screen.query_one("#reservations", DataTable).row_count == 0
        await pilot.press("escape")  # areas replace each other: back goes to the dashboard
        await settle(pilot)
        assert isinstance(pilot.app.screen, DashboardScreen)


async def test_the_availability_grid_counts_rooms_left_and_moves_by_day_week_and_date(
    hotel: Desk,
) -> None:
    stay(hotel, arrival=d(3), departure=d(5))
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("shift+f9")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, AvailabilityScreen)
        grid = screen.query_one("#grid", DataTable)

        def cells(code: str) -> list[str]:
            return [str(cell) for cell in grid.get_row(code)]

        assert cells("DBL")[:6] == ["DBL", "4", "4", "3", "3", "4"]  # 1 to 5 Dec, allowance in
        assert cells("SUI")[1] == "1" and len(cells("SUI")) == 15
        assert "Tue 01 Dec" in shown(pilot, "#range")

        await pilot.press("right")
        await settle(pilot)
        assert "Wed 02 Dec" in shown(pilot, "#range")
        assert cells("DBL")[1:4] == ["4", "3", "3"]
        await pilot.press("pagedown")
        await settle(pilot)
        assert "Wed 09 Dec" in shown(pilot, "#range")
        await pilot.press("pageup", "left")
        await settle(pilot)
        assert "Tue 01 Dec" in shown(pilot, "#range")

        await pilot.press("g", *"xx", "enter")
        await pilot.pause()
        assert "is not a date" in shown(pilot, "#goto-note")
        pilot.app.screen.query_one("#goto", Input).value = ""
        await pilot.press(*"24.12", "enter")
        await settle(pilot)
        assert "Thu 24 Dec" in shown(pilot, "#range")


async def test_the_allowance_and_overbooking_are_marked_in_the_grid(hotel: Desk) -> None:
    for _ in range(4):  # 3 doubles and the allowance of 1
        stay(hotel, arrival=d(3), departure=d(4))
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("shift+f9")
        await settle(pilot)
        grid = pilot.app.screen.query_one("#grid", DataTable)
        assert str(grid.get_row("DBL")[3]) == "0*"  # nothing left, the allowance in use


async def test_q_quits_the_same_on_every_screen(hotel: Desk) -> None:
    app = FrontDeskApp(hotel)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, RateCalendarScreen) and app.is_running
        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running


async def test_every_action_is_in_the_command_palette_by_name(hotel: Desk) -> None:
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        names = {command.title for command in pilot.app.get_system_commands(pilot.app.screen)}
        assert {
            "New reservation",
            "Arrivals",
            "In-house",
            "Departures",
            "All reservations",
            "Availability",
            "Rates: Rate calendar",  # typing "rates" finds it
            "Refresh: Read the dashboard again",
            "Quit",
        } <= names
        await pilot.press("f9")
        await settle(pilot)
        names = {command.title for command in pilot.app.get_system_commands(pilot.app.screen)}
        assert {"One day later", "One week earlier", "Go to a date", "Choose the rate plan"} <= (
            names
        )
        assert "Set the price of the block" not in names  # a clerk: greyed, so not offered


async def test_an_unreachable_database_raises_the_banner() -> None:
    desk = Desk.open("sqlite:////nonexistent-dir/pms.sqlite3")
    async with FrontDeskApp(desk).run_test(size=SIZE) as pilot:
        await settle(pilot)
        banner = pilot.app.screen.query_one("#desk-banner", Static)
        assert banner.display
        assert "database unavailable" in str(banner.content)
    desk.close()
