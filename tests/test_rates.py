"""A revenue manager sets the sheet; the desk quotes and books exactly what it says."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import CLERK, MANAGER

from pms.billing.folios import folios_of
from pms.guests.lookup import GuestInput
from pms.hotel.properties import add_room, add_room_type, create_property, set_extra_charges
from pms.kernel.desk import SYSTEM, Desk
from pms.kernel.errors import ConcurrentChange, PermissionDenied, Restricted, StaleQuote
from pms.rates.calendar_view import rate_calendar
from pms.rates.dynamic_pricing import add_pricing_rule
from pms.rates.plan_terms import PlanTermsInput
from pms.rates.plans import create_rate_plan
from pms.rates.sheet_edits import RestrictionChange, restrict, set_rates
from pms.rates.taxes import add_tax, set_taxes_inclusive
from pms.reservations.booking import BookingRequest, book
from pms.reservations.changes import StayChanges, cancel, modify
from pms.reservations.quotes import QuoteRequest, quote
from pms.reservations.repricing import reprice
from pms.stays.reservation_views import get_reservation

UTC = dt.UTC


def d(day: int) -> dt.date:
    return dt.date(2026, 12, day)


@pytest.fixture
def sheet(hotel: Desk) -> Desk:
    """December on the sheet: BAR doubles 120 €, 150 € on Fridays and Saturdays; a corporate
    plan 10 % below BAR; a non-refundable plan 15 % below; members-only 20 % below."""
    hotel.actor = MANAGER
    hotel.run(set_rates, "TST", "BAR", "DBL", d(1), d(31), 12000)
    hotel.run(set_rates, "TST", "BAR", "DBL", d(1), d(31), 15000, ["fri", "sat"])
    hotel.run(create_rate_plan, "TST", PlanTermsInput("CORP", "Corporate", "BAR", -1000))
    hotel.run(
        create_rate_plan, "TST",
        PlanTermsInput("NRF", "Non-refundable", "BAR", -1500, non_refundable=True),
    )  # fmt: skip
    hotel.run(
        create_rate_plan, "TST", PlanTermsInput("MEM", "Members", "BAR", -2000, members_only=True)
    )
    hotel.actor = CLERK
    return hotel


def offers(desk: Desk, **asked):  # type: ignore[no-untyped-def]
    request = {"arrival": d(3), "departure": d(6), "adults": 2} | asked
    return desk.read(quote, QuoteRequest(**request))


def offer(desk: Desk, room_type: str = "DBL", plan: str = "BAR", **asked):  # type: ignore[no-untyped-def]
    return next(o for o in offers(desk, **asked) if (o.room_type, o.rate_plan) == (room_type, plan))


def test_weekend_prices_and_derived_plans_follow_the_sheet(sheet: Desk) -> None:
    found = {(o.room_type, o.rate_plan): o for o in offers(sheet)}
    bar, corp = found["DBL", "BAR"], found["DBL", "CORP"]
    assert [n.room for n in bar.nights] == [12000, 15000, 15000]  # Thu, Fri, Sat
    assert [n.room for n in corp.nights] == [10800, 13500, 13500]
    assert ("DBL", "MEM") not in found  # members only

    sheet.actor = MANAGER
    sheet.run(set_rates, "TST", "BAR", "DBL", d(3), d(3), 13000)
    corp = offer(sheet, "DBL", "CORP")
    assert corp.nights[0].room == 11700


def test_offers_come_cheapest_first_with_policy_and_rooms_left(sheet: Desk) -> None:
    found = offers(sheet)
    totals = [o.total for o in found]
    assert totals == sorted(totals)
    nrf = next(o for o in found if o.rate_plan == "NRF" and o.room_type == "DBL")
    assert nrf.policy == "non-refundable" and nrf.rooms_left == 4  # 3 rooms and the allowance


def test_a_minimum_stay_is_refused_with_its_reason(sheet: Desk) -> None:
    sheet.actor = MANAGER
    sheet.run(restrict, "TST", "BAR", "DBL", d(4), d(4), RestrictionChange(min_los=3))
    sheet.actor = CLERK
    short = {"arrival": d(4), "departure": d(6), "include_closed": True}
    reason = "minimum stay 3 nights for arrival Fri 2026-12-04"
    assert offer(sheet, **short).closed == reason
    assert offers(sheet, **short)[-1].closed  # closed offers come last
    with pytest.raises(Restricted, match=reason):
        sheet.run(
            book,
            BookingRequest(arrival=d(4), departure=d(6), room_type="DBL", guest=GuestInput("A B")),
        )
    assert offer(sheet, plan="CORP", **short).closed == reason  # inherited from BAR


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (RestrictionChange(closed_to_arrival=True), "closed to arrival on Thu 2026-12-03"),
        (RestrictionChange(stop_sell=True), "stop-sell on Thu 2026-12-03"),
        (RestrictionChange(max_los=2), "maximum stay 2 nights for arrival Thu 2026-12-03"),
    ],
)
def test_restrictions_close_the_stay(sheet: Desk, change: RestrictionChange, reason: str) -> None:
    sheet.actor = MANAGER
    sheet.run(restrict, "TST", "BAR", "DBL", d(3), d(3), change)
    assert offer(sheet, include_closed=True).closed == reason


def test_closed_to_departure_counts_on_the_departure_date(sheet: Desk) -> None:
    sheet.actor = MANAGER
    change = RestrictionChange(closed_to_departure=True)
    sheet.run(restrict, "TST", "BAR", "DBL", d(6), d(6), change)
    assert offer(sheet, include_closed=True).closed == "closed to departure on Sun 2026-12-06"


def test_city_tax_for_two_adults_and_inclusive_vat_are_stored_with_the_booking(
    sheet: Desk,
) -> None:
    sheet.actor = MANAGER
    sheet.run(add_tax, "TST", "VAT", "VAT 6 %", percent_bp=600)
    sheet.run(add_tax, "TST", "CITY", "City tax", per_person=200)
    sheet.run(set_taxes_inclusive, "TST", True)
    sheet.actor = CLERK
    stay = sheet.run(
        book,
        BookingRequest(
            arrival=d(3), departure=d(6), room_type="DBL", adults=2, guest=GuestInput("A B")
        ),
    )
    assert stay.room_total == 12000 + 15000 + 15000
    assert [t.amount for t in stay.taxes if t.code == "CITY"] == [400, 400, 400]
    assert [t.amount for t in stay.taxes if t.code == "VAT"] == [679, 849, 849]
    assert stay.total == 42000 + 1200  # VAT is inside the price; city tax is added


def test_dynamic_pricing_moves_new_quotes_but_never_a_booked_stay(sheet: Desk) -> None:
    sheet.actor = MANAGER
    sheet.run(add_pricing_rule, "TST", threshold_pct=50, adjust_bp=2000, ceiling=14000)
    sheet.actor = CLERK
    first = sheet.run(
        book, BookingRequest(arrival=d(3), nights=1, room_type="SUI", guest=GuestInput("A B"))
    )
    for name in ("C D", "E F"):
        sheet.run(
            book, BookingRequest(arrival=d(3), nights=1, room_type="DBL", guest=GuestInput(name))
        )
    assert (
        offer(sheet, departure=d(4)).nights[0].room == 14000
    )  # 3 of 6 rooms sold: +20 % = 144 €, capped at 140 €
    assert sheet.read(get_reservation, first.confirmation).room_total == 25000


def test_extra_adults_pay_above_the_base_occupancy(sheet: Desk) -> None:
    sheet.actor = MANAGER
    sheet.run(set_extra_charges, "TST", "DBL", extra_adult=3000, extra_child=1000)
    three = offer(sheet, "DBL", "BAR", adults=3)
    assert [n.room for n in three.nights] == [15000, 18000, 18000]


def test_a_stale_quote_is_refused_with_the_new_figures(sheet: Desk) -> None:
    quoted = offer(sheet, "DBL", "BAR")
    sheet.actor = MANAGER
    sheet.run(set_rates, "TST", "BAR", "DBL", d(5), d(5), 16000)
    sheet.actor = CLERK
    request = BookingRequest(
        arrival=d(3), departure=d(6), room_type="DBL", adults=2,
        guest=GuestInput("A B"), expected_total=quoted.total,
    )  # fmt: skip
    with pytest.raises(StaleQuote, match=r"now €430.00 \(quoted €420.00\)"):
        sheet.run(book, request)


def test_filters_by_feature_price_and_city(sheet: Desk) -> None:
    assert {o.room_type for o in offers(sheet, features=("sea view",))} == {"SUI"}
    cheap = offers(sheet, max_total=40000)
    assert cheap and all(o.total <= 40000 for o in cheap)
    assert len(cheap) < len(offers(sheet))  # the dearer offers were left out
    assert {o.rate_plan for o in offers(sheet, member=True)} >= {"MEM"}
    sheet.actor = SYSTEM

    def _second_hotel(session) -> None:  # type: ignore[no-untyped-def]
        create_property(session, "LIS", "Lisbon Loft", city="Lisbon", business_date=d(1))
        add_room_type(session, "LIS", "STU", "Studio", max_occupancy=2, price=9900)
        add_room(session, "LIS", "1", "STU", floor=0)

    sheet.run(_second_hotel)
    lisbon = sheet.read(quote, QuoteRequest(arrival=d(3), nights=2, city="lisbon"))
    assert {o.property_code for o in lisbon} == {"LIS"}


def test_cancellation_fees_follow_the_plans_policy(sheet: Desk) -> None:
    def stay(plan: str):  # type: ignore[no-untyped-def]
        return sheet.run(
            book, BookingRequest(arrival=d(3), departure=d(5), room_type="DBL",
                                 rate_plan=plan, guest=GuestInput("A B")),
        )  # fmt: skip

    early = dt.datetime(2026, 12, 1, 9, tzinfo=UTC)
    late = dt.datetime(2026, 12, 3, 10, tzinfo=UTC)  # 10:00 Lisbon, 5 h before check-in
    assert sheet.run(cancel, stay("BAR").confirmation, now=early).cancellation_fee == 0
    assert sheet.run(cancel, stay("BAR").confirmation, now=late).cancellation_fee == 12000
    non_refundable = sheet.run(cancel, stay("NRF").confirmation, now=early)
    assert non_refundable.cancellation_fee == 10200 + 12750
    folio = sheet.read(folios_of, non_refundable.confirmation)[0]
    assert [(p.code, p.amount) for p in folio.postings] == [("CANCEL-FEE", 22950)]
    assert folio.balance == 22950  # owed, to settle or write off


def test_a_longer_stay_prices_only_the_new_nights(sheet: Desk) -> None:
    booked = sheet.run(
        book, BookingRequest(arrival=d(3), departure=d(5), room_type="DBL", guest=GuestInput("A B"))
    )
    sheet.actor = MANAGER
    sheet.run(set_rates, "TST", "BAR", "DBL", d(1), d(31), 20000)
    sheet.actor = CLERK
    longer = sheet.run(modify, booked.confirmation, StayChanges(departure=d(7)))
    assert [n.price for n in longer.nightly] == [12000, 15000, 20000, 20000]


def test_a_clerk_sees_the_rate_calendar_but_cannot_change_it(sheet: Desk) -> None:
    rows = sheet.read(rate_calendar, "TST", "BAR", d(3), d(6))
    dbl = next(r for r in rows if r.room_type == "DBL")
    assert [c.price for c in dbl.cells] == [12000, 15000, 15000]
    with pytest.raises(PermissionDenied, match="setting rates needs the manager role"):
        sheet.run(set_rates, "TST", "BAR", "DBL", d(3), d(3), 1)


def test_a_clerk_reprices_a_stay_on_purpose_and_the_audit_says_so(sheet: Desk) -> None:
    booked = sheet.run(
        book, BookingRequest(arrival=d(3), departure=d(5), room_type="DBL", guest=GuestInput("A B"))
    )
    sheet.actor = MANAGER
    sheet.run(set_rates, "TST", "BAR", "DBL", d(1), d(31), 9900)
    sheet.actor = CLERK
    assert sheet.read(get_reservation, booked.confirmation).total == 27000  # untouched
    again = sheet.run(reprice, booked.confirmation, expected_version=booked.version)
    assert (again.old_total, again.reservation.total, again.difference) == (27000, 19800, -7200)
    with pytest.raises(ConcurrentChange):
        sheet.run(reprice, booked.confirmation, expected_version=booked.version)
