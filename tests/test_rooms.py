"""Giving rooms to stays: never one room to two stays on a night."""

from __future__ import annotations

import datetime as dt

import pytest

from pms.guests.lookup import GuestInput
from pms.kernel.desk import Desk
from pms.kernel.errors import ConcurrentChange, InvalidTransition, NotFound, RoomUnavailable
from pms.reservations.booking import BookingRequest, book
from pms.reservations.changes import StayChanges, cancel, modify
from pms.stays.reservation_lists import list_reservations
from pms.stays.reservation_views import get_reservation
from pms.stays.rooms import assign_room, free_rooms, unassign_room


def d(day: int) -> dt.date:
    return dt.date(2026, 12, day)


def stay(hotel: Desk, arrival: int, departure: int, name: str = "Lucía García", kind: str = "DBL"):  # type: ignore[no-untyped-def]
    return hotel.run(
        book,
        BookingRequest(
            arrival=d(arrival), departure=d(departure), room_type=kind, guest=GuestInput(name)
        ),
    )


def test_a_room_given_to_a_stay_shows_on_it_and_in_the_lists(hotel: Desk) -> None:
    booked = stay(hotel, 3, 5)
    assigned = hotel.run(assign_room, booked.confirmation, "102", expected_version=booked.version)
    assert assigned.rooms == ["102"] and assigned.version > booked.version
    assert [r.room for r in hotel.read(list_reservations, arriving=d(3))] == ["102"]


def test_a_room_taken_on_one_night_of_the_stay_is_refused_with_who_has_it(hotel: Desk) -> None:
    first = stay(hotel, 3, 5)
    hotel.run(assign_room, first.confirmation, "101")
    second = stay(hotel, 4, 6, "Chidi Okafor")
    with pytest.raises(RoomUnavailable, match=f"taken on Fri 2026-12-04 by {first.confirmation}"):
        hotel.run(assign_room, second.confirmation, "101")
    assert hotel.read(get_reservation, second.confirmation).rooms == []


def test_back_to_back_stays_share_a_room(hotel: Desk) -> None:
    first, second = stay(hotel, 3, 5), stay(hotel, 5, 7, "Chidi Okafor")
    hotel.run(assign_room, first.confirmation, "101")
    assert hotel.run(assign_room, second.confirmation, "101").rooms == ["101"]


def test_a_room_of_another_type_or_unknown_is_refused(hotel: Desk) -> None:
    booked = stay(hotel, 3, 5)
    with pytest.raises(RoomUnavailable, match="room 201 is a TWN; this stay is booked as DBL"):
        hotel.run(assign_room, booked.confirmation, "201")
    with pytest.raises(NotFound, match="no room '999'"):
        hotel.run(assign_room, booked.confirmation, "999")


def test_free_rooms_leave_out_the_taken_ones(hotel: Desk) -> None:
    first, second = stay(hotel, 3, 5), stay(hotel, 4, 6, "Chidi Okafor")
    hotel.run(assign_room, first.confirmation, "101")
    assert sorted(r.number for r in hotel.read(free_rooms, second.confirmation)) == ["102", "103"]


def test_a_longer_stay_keeps_its_room_when_the_room_is_free(hotel: Desk) -> None:
    booked = stay(hotel, 3, 5)
    hotel.run(assign_room, booked.confirmation, "101")
    longer = hotel.run(modify, booked.confirmation, StayChanges(departure=d(8)))
    assert longer.rooms == ["101"]


def test_a_longer_stay_gives_up_a_room_that_is_taken_later(hotel: Desk) -> None:
    booked = stay(hotel, 3, 5)
    later = stay(hotel, 6, 8, "Chidi Okafor")
    hotel.run(assign_room, booked.confirmation, "101")
    hotel.run(assign_room, later.confirmation, "101")
    longer = hotel.run(modify, booked.confirmation, StayChanges(departure=d(7)))
    assert longer.rooms == []  # to be given a room again; the later guest keeps 101
    assert hotel.read(get_reservation, later.confirmation).rooms == ["101"]


def test_cancelling_and_unassigning_free_the_room(hotel: Desk) -> None:
    booked = stay(hotel, 3, 5)
    hotel.run(assign_room, booked.confirmation, "101")
    assert hotel.run(unassign_room, booked.confirmation).rooms == []
    hotel.run(assign_room, booked.confirmation, "101")
    hotel.run(cancel, booked.confirmation)
    other = stay(hotel, 3, 5, "Chidi Okafor")
    assert hotel.run(assign_room, other.confirmation, "101").rooms == ["101"]
    with pytest.raises(InvalidTransition):
        hotel.run(assign_room, booked.confirmation, "102")


def test_assigning_from_a_stale_copy_fails(hotel: Desk) -> None:
    booked = stay(hotel, 3, 5)
    hotel.run(modify, booked.confirmation, StayChanges(adults=2))
    with pytest.raises(ConcurrentChange):
        hotel.run(assign_room, booked.confirmation, "101", expected_version=booked.version)
