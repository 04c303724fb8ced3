"""Several desks, each its own process, race for the same rooms: the database decides."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from conftest import BUSINESS_DATE
from racers import assign_at_once, book_at_once, race

from pms.guests.lookup import GuestInput
from pms.inventory.nights import availability
from pms.kernel.desk import Desk
from pms.reservations.booking import BookingRequest, book
from pms.stays.reservation_lists import list_reservations
from pms.stays.reservation_views import get_reservation

#: Races, faults and properties: the long tests, left out of `make test-fast`.
pytestmark = pytest.mark.slow

DEC3, DEC5 = dt.date(2026, 12, 3), dt.date(2026, 12, 5)


def _sold(desk: Desk, room_type: str) -> list[int]:
    grid = desk.read(availability, "TST", DEC3, DEC5)
    return [n.sold for n in next(rt for rt in grid if rt.code == room_type).nights]


def test_eight_desks_race_for_four_doubles_and_exactly_four_win(hotel: Desk, db_url: str) -> None:
    outcomes = race(book_at_once, [(db_url, "DBL", None, f"Guest {i}") for i in range(8)])

    kinds = Counter(kind for kind, _ in outcomes)
    assert kinds == {"ok": 4, "SoldOut": 4}, outcomes  # 3 rooms + an allowance of 1
    assert all("DBL is sold out on" in msg for kind, msg in outcomes if kind == "SoldOut")
    assert _sold(hotel, "DBL") == [4, 4]
    assert len(hotel.read(list_reservations, arriving=DEC3)) == 4


def test_two_desks_give_the_same_room_to_overlapping_stays_and_one_wins(
    hotel: Desk, db_url: str
) -> None:
    first = hotel.run(book, _stay("Lucía García", DEC3, DEC5))
    second = hotel.run(book, _stay("Chidi Okafor", DEC3 + dt.timedelta(days=1), DEC5))

    outcomes = race(
        assign_at_once, [(db_url, first.confirmation, "101"), (db_url, second.confirmation, "101")]
    )

    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["RoomUnavailable", "ok"], outcomes
    rooms = [hotel.read(get_reservation, s.confirmation).rooms for s in (first, second)]
    assert sorted(rooms) == [[], ["101"]]


def test_a_booking_submitted_four_times_at_once_is_stored_once(hotel: Desk, db_url: str) -> None:
    outcomes = race(book_at_once, [(db_url, "TWN", "web-7781", "Ada Lovelace")] * 4)

    assert {kind for kind, _ in outcomes} == {"ok"}, outcomes
    assert len({confirmation for _, confirmation in outcomes}) == 1
    assert _sold(hotel, "TWN") == [1, 1]


def _stay(name: str, arrival: dt.date, departure: dt.date) -> BookingRequest:
    assert arrival >= BUSINESS_DATE
    return BookingRequest(
        arrival=arrival, departure=departure, room_type="DBL", guest=GuestInput(name)
    )
