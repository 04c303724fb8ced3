"""A clerk books, changes and cancels stays; the hotel never sells a room it does not have."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import BUSINESS_DATE, MANAGER

from pms.guests.lookup import GuestInput
from pms.inventory.nights import availability
from pms.kernel.desk import Desk
from pms.kernel.errors import ConcurrentChange, InvalidTransition, PermissionDenied, SoldOut
from pms.reservations.booking import BookingRequest, book
from pms.reservations.changes import StayChanges, cancel, confirm, modify
from pms.stays.reservation_lists import list_reservations
from pms.stays.reservation_views import get_reservation

DEC = BUSINESS_DATE


def d(day: int) -> dt.date:
    return dt.date(2026, 12, day)


def booking(**overrides) -> BookingRequest:  # type: ignore[no-untyped-def]
    fields = {
        "arrival": d(3),
        "departure": d(5),
        "room_type": "DBL",
        "guest": GuestInput("Lucía García", "lucia@example.com"),
        "adults": 2,
    }
    return BookingRequest(**(fields | overrides))


def sold(desk: Desk, room_type: str, day: int) -> int:
    grid = desk.read(availability, "TST", d(day), d(day + 1))
    return next(rt for rt in grid if rt.code == room_type).nights[0].sold


def test_a_booked_stay_holds_one_room_each_night_at_the_quoted_price(hotel: Desk) -> None:
    stay = hotel.run(book, booking())

    assert stay.status == "confirmed"
    assert stay.guest_name == "García, Lucía"
    assert [n.night for n in stay.nightly] == [d(3), d(4)]
    assert stay.total == 20000
    assert len(stay.confirmation) == 9 and stay.confirmation[4] == "-"
    assert (sold(hotel, "DBL", 3), sold(hotel, "DBL", 4), sold(hotel, "DBL", 5)) == (1, 1, 0)


def test_dates_as_the_desk_types_them(hotel: Desk) -> None:
    stay = hotel.run(book, booking(arrival="+2", departure=None, nights=3))
    assert (stay.arrival, stay.departure) == (d(3), d(6))
    friday = hotel.run(book, booking(arrival="fri", departure="7.12"))
    assert (friday.arrival, friday.departure) == (d(4), d(7))


def test_the_last_room_goes_once_then_the_type_is_sold_out(hotel: Desk) -> None:
    for _ in range(4):  # 3 doubles + an overbooking allowance of 1
        hotel.run(book, booking())
    with pytest.raises(SoldOut, match="DBL is sold out on Thu 2026-12-03"):
        hotel.run(book, booking())
    assert sold(hotel, "DBL", 3) == 4


def test_a_manager_may_overbook_past_the_allowance_but_a_clerk_may_not(hotel: Desk) -> None:
    hotel.run(book, booking(room_type="SUI"))
    with pytest.raises(PermissionDenied):
        hotel.run(book, booking(room_type="SUI", overbook=True))
    hotel.actor = MANAGER
    stay = hotel.run(book, booking(room_type="SUI", overbook=True))
    assert stay.overbooked
    assert sold(hotel, "SUI", 3) == 2


def test_a_sold_out_night_in_the_middle_sells_nothing(hotel: Desk) -> None:
    hotel.run(book, booking(room_type="SUI", arrival=d(4), departure=d(5)))
    with pytest.raises(SoldOut, match="Fri 2026-12-04"):
        hotel.run(book, booking(room_type="SUI", arrival=d(3), departure=d(6)))
    assert [sold(hotel, "SUI", day) for day in (3, 4, 5)] == [0, 1, 0]


def test_the_same_idempotency_key_books_once(hotel: Desk) -> None:
    first = hotel.run(book, booking(idempotency_key="web-123"))
    again = hotel.run(book, booking(idempotency_key="web-123"))
    assert again.confirmation == first.confirmation
    assert sold(hotel, "DBL", 3) == 1


def test_modifying_dates_moves_the_inventory_and_keeps_quoted_prices(hotel: Desk) -> None:
    stay = hotel.run(book, booking())
    longer = hotel.run(
        modify, stay.confirmation, StayChanges(departure=d(7)), expected_version=stay.version
    )
    assert [n.night for n in longer.nightly] == [d(3), d(4), d(5), d(6)]
    assert [sold(hotel, "DBL", day) for day in (3, 4, 5, 6, 7)] == [1, 1, 1, 1, 0]
    moved = hotel.run(modify, stay.confirmation, StayChanges(arrival=d(10)))
    assert (moved.arrival, moved.departure) == (d(10), d(14))  # the length of stay is kept
    assert sold(hotel, "DBL", 3) == 0 and sold(hotel, "DBL", 13) == 1


def test_a_change_that_does_not_fit_leaves_the_stay_as_it_was(hotel: Desk) -> None:
    hotel.run(book, booking(room_type="SUI", arrival=d(6), departure=d(7)))
    stay = hotel.run(book, booking(room_type="SUI"))
    with pytest.raises(SoldOut):
        hotel.run(modify, stay.confirmation, StayChanges(departure=d(8)))
    unchanged = hotel.read(get_reservation, stay.confirmation)
    assert (unchanged.arrival, unchanged.departure, unchanged.version) == (
        d(3),
        d(5),
        stay.version,
    )
    assert [sold(hotel, "SUI", day) for day in (3, 4, 5, 6)] == [1, 1, 0, 1]


def test_a_stale_copy_cannot_overwrite_a_newer_change(hotel: Desk) -> None:
    stay = hotel.run(book, booking())
    hotel.run(modify, stay.confirmation, StayChanges(adults=3), expected_version=stay.version)
    with pytest.raises(ConcurrentChange, match="changed by someone else"):
        hotel.run(modify, stay.confirmation, StayChanges(adults=1), expected_version=stay.version)


def test_changing_the_room_type_reprices_every_night(hotel: Desk) -> None:
    stay = hotel.run(book, booking())
    suite = hotel.run(modify, stay.confirmation, StayChanges(room_type="sui"))
    assert suite.room_type == "SUI" and suite.total == 50000
    assert sold(hotel, "DBL", 3) == 0 and sold(hotel, "SUI", 3) == 1


def test_cancelling_gives_the_nights_back_and_only_once(hotel: Desk) -> None:
    stay = hotel.run(book, booking())
    cancelled = hotel.run(cancel, stay.confirmation, reason="flight cancelled")
    assert cancelled.status == "cancelled"
    assert sold(hotel, "DBL", 3) == 0
    with pytest.raises(InvalidTransition, match="already cancelled"):
        hotel.run(cancel, stay.confirmation)
    with pytest.raises(InvalidTransition):
        hotel.run(modify, stay.confirmation, StayChanges(adults=1))


def test_a_tentative_hold_counts_until_confirmed(hotel: Desk) -> None:
    hold = hotel.run(book, booking(tentative=True))
    assert hold.status == "tentative" and sold(hotel, "DBL", 3) == 1
    assert hotel.run(confirm, hold.confirmation).status == "confirmed"


def test_lists_find_stays_by_arrival_and_name(hotel: Desk) -> None:
    hotel.run(book, booking())
    hotel.run(book, booking(guest=GuestInput("Chidi Okafor"), arrival=d(4), departure=d(6)))
    assert [r.guest_name for r in hotel.read(list_reservations, arriving=d(4))] == ["Okafor, Chidi"]
    assert [r.guest_name for r in hotel.read(list_reservations, text="garc")] == ["García, Lucía"]
