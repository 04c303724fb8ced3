"""Rates at the front desk: the rate calendar (clerks read it, managers edit blocks of it) and the
new-reservation flow built on the quote (dates and party → offers → guest → book at the total
quoted). Driven key by key on SQLite and PostgreSQL; the stored rates and bookings are then
read back through the services.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from conftest import CLERK, MANAGER
from test_tui import SIZE, d, open_form, pick_offer, see_offers, settle, shown, stay, type_into
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from pms.kernel.desk import Desk
from pms.rates.calendar_view import rate_calendar
from pms.rates.entitlement import entitle_company
from pms.rates.plan_terms import PlanTermsInput
from pms.rates.plans import create_rate_plan
from pms.rates.sheet_edits import RestrictionChange, restrict
from pms.rates.sheet_edits import set_rates as set_rates_service
from pms.rates.taxes import add_tax
from pms.stays.reservation_lists import list_reservations
from pms.stays.reservation_views import get_reservation
from screens.app import FrontDeskApp
from screens.rate_calendar import RateCalendarScreen
from screens.rate_dialogs import PriceDialog, RestrictionDialog
from screens.rate_grid import RateGrid
from screens.reservation_detail import ReservationDetailScreen

#: The front desk driven through Textual's Pilot (left out of `make test-fast`).
pytestmark = pytest.mark.tui


@pytest.fixture
def as_manager(hotel: Desk) -> Iterator[Desk]:
    """The hotel's desk acting as the manager for set-up, handed back to the clerk after."""
    hotel.actor = MANAGER
    yield hotel
    hotel.actor = CLERK


def grid_lines(pilot: Pilot) -> dict[str, tuple[str, str]]:
    """What the rate grid shows: the date header (under "") and each room type's two lines
    (prices; marks and rooms left), by the code in the gutter."""
    grid = pilot.app.screen.query_one("#grid", RateGrid)
    lines = [grid.render_line(y).text.rstrip() for y in range(grid.size.height)]
    shown = {"": (lines[0], "")}
    for first, second in zip(lines[1::2], lines[2::2], strict=False):
        if first.strip():
            shown[first.split()[0]] = (first, second)
    return shown


def cell(line: str, night: dt.date) -> str:
    """One night's cell of a grid line (the window starts at the business date, 1 Dec)."""
    start = 5 + (night - d(1)).days * 7  # the gutter, then 7 columns a night
    return line[start : start + 7].strip()


def notifications(pilot: Pilot) -> list[str]:
    return [n.message for n in pilot.app._notifications]


async def open_rates(pilot: Pilot) -> RateCalendarScreen:
    await pilot.press("f9")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, RateCalendarScreen)
    return screen


# The new-reservation flow ---------------------------------------------------------------------


async def test_a_clerk_books_an_offer_at_its_plan_and_quoted_total(
    hotel: Desk, as_manager: Desk
) -> None:
    plan = PlanTermsInput("BB", "Bed & breakfast", "BAR", derive_amount=1800, meal_plan="BB")
    hotel.run(create_rate_plan, "TST", plan)
    hotel.run(add_tax, "TST", "VAT", "VAT 10 %", percent_bp=1000)
    hotel.run(restrict, "TST", "BAR", "DBL", d(4), d(4), RestrictionChange(min_los=3))
    hotel.actor = CLERK
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_form(pilot)
        await pilot.press(*"4.12", "tab", *"6.12", "tab")
        await type_into(pilot, "adults", "2")
        offers = await see_offers(pilot)

        table = offers.query_one("#offers", DataTable)
        keys = [row.value for row in table.rows]
        assert keys[:2] == ["TST/TWN/BAR", "TST/TWN/BB"]  # cheapest first
        closed = " ".join(str(c) for c in table.get_row("TST/DBL/BAR"))
        assert "✗ minimum stay 3 nights" in closed  # in full on the line below when highlighted
        assert keys.index("TST/DBL/BAR") > keys.index("TST/SUI/BB")  # closed ones last
        twin_bb = offers.offers["TST/TWN/BB"]
        assert twin_bb.total == 2 * (10800 + 1080)  # (90 + 18) a night, VAT 10 % on top
        assert "€237.60" in [str(c) for c in table.get_row("TST/TWN/BB")]

        steps = table.get_row_index("TST/DBL/BAR") - table.cursor_row
        await pilot.press(*["down"] * steps, "enter")  # a closed offer cannot be picked …
        await settle(pilot)
        assert pilot.app.screen is offers  # … the reason says why
        assert "cannot be sold: minimum stay 3 nights" in shown(pilot, "#offers-message")

        confirm = await pick_offer(pilot, "TWN", "BB")
        assert "€118.80 per night incl. VAT · €237.60 total incl. VAT" in shown(
            pilot, "#offer-summary"
        )
        await type_into(pilot, "guest", "Lucía García")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert confirm not in pilot.app.screen_stack
        detail = pilot.app.screen
        assert isinstance(detail, ReservationDetailScreen)
        assert (
            shown(pilot, "#fact-total") == "€118.80 per night incl. VAT · €237.60 total incl. VAT"
        )

    view = hotel.read(get_reservation, detail.confirmation)
    assert (view.rate_plan, view.room_type, view.total) == ("BB", "TWN", twin_bb.total)


async def test_a_price_changed_since_the_quote_shows_fresh_offers_and_keeps_the_guest(
    hotel: Desk,
) -> None:
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_form(pilot)
        await pilot.press(*"4.12", "tab", "tab", "2", "tab")
        await type_into(pilot, "features", "twin beds")
        await type_into(pilot, "max_total", "200")
        assert shown(pilot, "#max_total-note") == "€200.00"
        offers = await see_offers(pilot)
        assert list(offers.offers) == ["TST/TWN/BAR"]  # the only type with twin beds
        await pick_offer(pilot, "TWN")
        await type_into(pilot, "guest", "Chidi Okafor")

        hotel.actor = MANAGER  # meanwhile, the manager raises the twin's price
        hotel.run(set_rates_service, "TST", "BAR", "TWN", d(4), d(5), 9500)
        hotel.actor = CLERK
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert pilot.app.screen is offers
        message = shown(pilot, "#offers-message")
        assert "the price changed since the quote: now €190.00 (quoted €180.00)" in message
        assert offers.offers["TST/TWN/BAR"].total == 19000
        confirm = await pick_offer(pilot, "TWN")
        assert confirm.query_one("#guest", Input).value == "Chidi Okafor"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ReservationDetailScreen)
    [booked] = hotel.read(list_reservations)
    assert hotel.read(get_reservation, booked.confirmation).total == 19000


# The rate calendar ----------------------------------------------------------------------------


async def test_the_rate_calendar_shows_prices_rooms_left_and_marks_and_a_clerk_cannot_edit(
    hotel: Desk, as_manager: Desk
) -> None:
    hotel.run(restrict, "TST", "BAR", "SUI", d(3), d(3), RestrictionChange(stop_sell=True))
    hotel.run(
        restrict, "TST", "BAR", "DBL", d(4), d(4),
        RestrictionChange(min_los=2, closed_to_arrival=True),
    )  # fmt: skip
    stay(hotel, arrival=d(1), departure=d(3))
    hotel.actor = CLERK
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_rates(pilot)
        lines = grid_lines(pilot)
        header, (dbl_price, dbl_left) = lines[""][0], lines["DBL"]
        (twn_price, _), (sui_price, sui_left) = lines["TWN"], lines["SUI"]
        assert cell(header, d(1)) == "•Tue 01" and cell(header, d(4)) == "Fri 04"
        assert cell(dbl_price, d(1)) == "100.00" and cell(twn_price, d(1)) == "90.00"
        assert cell(dbl_left, d(1)) == "3" and cell(dbl_left, d(3)) == "4"  # one of 3+1 sold
        assert cell(dbl_left, d(4)).split() == ["Am2", "4"]  # closed to arrival, minimum stay 2
        assert cell(sui_price, d(3)) == "250.00" and cell(sui_left, d(3)).split() == ["S", "1"]
        assert "Rates  Tue 01 Dec" in shown(pilot, "#range") and "view only" in shown(
            pilot, "#range"
        )

        rows = [row.room_type for row in screen.grid.rows]
        await pilot.press(*["down"] * rows.index("SUI"), "right")
        redrawn: list[tuple[int, int]] = []
        refresh_lines = screen.grid.refresh_lines

        def spy(y: int, count: int = 1) -> None:
            redrawn.append((y, count))
            refresh_lines(y, count)

        screen.grid.refresh_lines = spy  # type: ignore[method-assign]
        await pilot.press("right")
        await settle(pilot)
        assert redrawn == [(1 + 2 * rows.index("SUI"), 2)]  # a day on: one room type redrawn
        info = shown(pilot, "#cell-info")
        assert "SUI Suite · Thu 03 Dec 2026 · BAR €250.00 a night for 2" in info
        assert "stop-sell" in info

        assert screen.check_action("set_price", ()) is None  # greyed in the footer
        await pilot.press("shift+right", "e")
        await settle(pilot)
        assert pilot.app.screen is screen  # no price dialog for a clerk …
        assert any("Only a manager can change rates" in n for n in notifications(pilot))
        await pilot.press("r")
        await pilot.pause()
        assert pilot.app.screen is screen  # … nor a restriction dialog


async def test_a_manager_sets_a_price_and_restrictions_for_a_block(hotel: Desk) -> None:
    hotel.actor = MANAGER
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_rates(pilot)
        await pilot.press("shift+right", "shift+right", "shift+down")  # 2 types × 1–3 Dec
        await settle(pilot)
        first, second = [row.room_type for row in screen.grid.rows][:2]
        assert f"Selected {first}, {second} · Tue 01 Dec – Thu 03 Dec (3 nights)" in shown(
            pilot, "#cell-info"
        )
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PriceDialog)
        await pilot.press(*"12x", "enter")  # a typing slip: said beside the field, kept
        await pilot.pause()
        assert "is not an amount of money" in shown(pilot, "#price-note")
        await pilot.press("backspace", "0", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, RateCalendarScreen)
        lines = grid_lines(pilot)
        for code in (first, second):
            assert [cell(lines[code][0], d(n)) for n in (1, 3)] == ["120.00", "120.00"]
        third = next(code for code in ("DBL", "TWN", "SUI") if code not in (first, second))
        assert cell(lines[third][0], d(1)) != "120.00"

        await pilot.press("r")  # no block marked now: the cursor's cell only
        await pilot.pause()
        assert isinstance(pilot.app.screen, RestrictionDialog)
        await pilot.press("3", "ctrl+s")
        await settle(pilot)
        assert cell(grid_lines(pilot)[second][1], d(3)).startswith("m3")

    before = {"DBL": 10000, "TWN": 9000, "SUI": 25000}
    calendar = {
        row.room_type: row.cells for row in hotel.read(rate_calendar, "TST", "BAR", d(1), d(5))
    }
    for code, cells in calendar.items():
        new = 12000 if code in (first, second) else before[code]
        assert [c.price for c in cells] == [new, new, new, before[code]]
    assert [c.min_los for c in calendar[second]] == [None, None, 3, None]


# How they look (SQLite only: the look does not depend on the database) -------------------------


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_rate_calendar_look(hotel: Desk, as_manager: Desk, snap_compare) -> None:  # type: ignore[no-untyped-def]
    """The clerk's calendar at 80×24: prices over rooms left, marks, the cursor's cell spelled
    out, the editing keys greyed."""
    hotel.run(restrict, "TST", "BAR", "SUI", d(3), d(4), RestrictionChange(stop_sell=True))
    hotel.run(restrict, "TST", "BAR", "DBL", d(4), d(4), RestrictionChange(min_los=2))
    stay(hotel, arrival=d(1), departure=d(3))
    hotel.actor = CLERK

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)

    assert snap_compare(FrontDeskApp(hotel), run_before=run_before)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_offers_look(hotel: Desk, as_manager: Desk, snap_compare) -> None:  # type: ignore[no-untyped-def]
    """The offers for 2 adults, 3 nights at 80×24: open ones cheapest first, a closed one greyed
    with its reason, the highlighted one night by night."""
    hotel.run(restrict, "TST", "BAR", "DBL", d(4), d(4), RestrictionChange(min_los=4))
    hotel.actor = CLERK

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press(*"4.12", "tab", "tab", "3", "tab", "2", "enter")
        await settle(pilot)

    assert snap_compare(FrontDeskApp(hotel), run_before=run_before)


async def test_a_clerk_books_the_corporate_rate_for_the_company_entitled_to_it(
    hotel: Desk, as_manager: Desk
) -> None:
    # CORP is Tejo Consulting's: a walk-in sees it closed with the reason, a booking the clerk
    # marks as Tejo's is offered it and booked at it.
    hotel.run(
        create_rate_plan, "TST", PlanTermsInput("CORP", "Corporate", "BAR", -1000, restricted=True)
    )
    hotel.run(entitle_company, "TST", "CORP", "Tejo Consulting")
    hotel.actor = CLERK
    async with FrontDeskApp(hotel).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_form(pilot)
        await pilot.press(*"4.12", "tab", *"6.12", "tab")
        offers = await see_offers(pilot)
        table = offers.query_one("#offers", DataTable)
        assert "✗ rate plan CORP is restricted" in " ".join(map(str, table.get_row("TST/DBL/CORP")))
        await pilot.press("escape")
        await settle(pilot)
        await type_into(pilot, "company", "tejo consulting")
        offers = await see_offers(pilot)
        assert not offers.offers["TST/DBL/CORP"].closed
        await pick_offer(pilot, "DBL", "CORP")
        await type_into(pilot, "guest", "Rui Costa")
        await pilot.press("ctrl+s")
        await settle(pilot)
        detail = pilot.app.screen
        assert isinstance(detail, ReservationDetailScreen)
        assert "CORP · for Tejo Consulting · booked via" in shown(pilot, "#fact-rate")
    booked = hotel.read(get_reservation, detail.confirmation)
    assert (booked.rate_plan, booked.company) == ("CORP", "Tejo Consulting")
