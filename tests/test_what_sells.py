"""Availability says what sells: rooms left count the overbooking allowance every desk may use,
with capacity, sold and allowance beside; the booking that takes the allowance is marked
overbooked, and the clerk is told."""

from __future__ import annotations

import pytest
from conftest import BUSINESS_DATE
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from test_cli import data, pms

from db.models import Reservation, ReservationStatus, Room, RoomNight
from pms.demo import build_demo
from pms.guests.lookup import GuestInput
from pms.kernel.desk import Desk
from pms.kernel.errors import SoldOut
from pms.reservations.booking import BookingRequest, book


def test_the_last_room_sold_is_the_allowance_and_says_so(hotel: Desk, db_url: str) -> None:
    request = BookingRequest(arrival=BUSINESS_DATE, nights=1, room_type="DBL",
                             guest=GuestInput("Ana Lima"))  # fmt: skip
    stays = [hotel.run(book, request) for _ in range(3)]
    assert not any(stay.overbooked for stay in stays)
    night = data(pms(db_url, "availability", "--to", "+1", "--json"))[0]["nights"][0]
    figures = (night["available"], night["capacity"], night["sold"], night["allowance"])
    assert figures == (1, 3, 3, 1)
    booked = pms(db_url, "--user", "ana", "reservation", "create", "--arrival", "today",
                 "--nights", "1", "--room-type", "DBL", "--guest", "Rui Costa")  # fmt: skip
    assert booked.exit_code == 0 and "overbooked" in booked.stdout
    night = data(pms(db_url, "availability", "--to", "+1", "--json"))[0]["nights"][0]
    assert (night["available"], night["free"]) == (0, -1)
    with pytest.raises(SoldOut):
        hotel.run(book, request)


def test_a_walk_in_to_a_named_room_needs_no_room_type(hotel: Desk, db_url: str) -> None:
    walked = data(pms(db_url, "--user", "ana", "walkin", "--room", "201", "--guest", "Rui Costa",
                      "--nights", "1", "--json"))  # fmt: skip
    assert (walked["room"], walked["reservation"]["room_type"]) == ("201", "TWN")
    refused = pms(db_url, "--user", "ana", "walkin", "--guest", "Rui Costa", "--nights", "1")
    assert "give the room type, or the room" in refused.stderr


@pytest.mark.slow
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the plan does not depend on it
def test_the_demo_never_puts_two_parties_in_one_room(desk: Desk) -> None:
    desk.run(build_demo, rooms=30, seed=3)  # put two in room 209 before issue 12

    def doubled(session: Session) -> list[tuple[str, int]]:
        parties = func.count(RoomNight.reservation_id.distinct())
        in_house = (
            select(Room.number, parties)
            .join(RoomNight, RoomNight.room_id == Room.id)
            .join(Reservation, Reservation.id == RoomNight.reservation_id)
            .where(Reservation.status == ReservationStatus.CHECKED_IN)
            .group_by(Room.number)
            .having(parties > 1)
        )
        return [tuple(row) for row in session.execute(in_house)]

    assert desk.read(doubled) == []
