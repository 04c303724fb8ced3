"""Changes to a stay in the house: room moves, longer and shorter stays."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import MANAGER
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Property, Room, RoomNight
from pms.frontdesk.check_in import check_in
from pms.frontdesk.stay_changes import extend_stay, move_room, shorten_stay
from pms.guests.lookup import GuestInput
from pms.housekeeping.board import housekeeping_board
from pms.housekeeping.out_of_order import set_out_of_order
from pms.inventory.nights import availability
from pms.kernel.desk import Desk
from pms.kernel.errors import (
    InvalidInput,
    InvalidTransition,
    Restricted,
    RoomUnavailable,
    SoldOut,
)
from pms.rates.sheet_edits import RestrictionChange, restrict, set_rates
from pms.rates.taxes import add_tax
from pms.reservations.booking import BookingRequest, book
from pms.stays.reservation_views import ReservationView, get_reservation, load_reservation
from pms.stays.rooms import assign_room


def d(day: int) -> dt.date:
    return dt.date(2026, 12, day)


def stay(
    hotel: Desk, arrival: int, departure: int, name: str = "Lucía García", kind: str = "DBL"
) -> ReservationView:
    request = BookingRequest(
        arrival=d(arrival), departure=d(departure), room_type=kind, guest=GuestInput(name)
    )
    return hotel.run(book, request)


def in_house(hotel: Desk, departure: int, room: str, name: str = "Lucía García") -> str:
    """A guest checked in today (1 Dec) in `room` until `departure`."""
    kind = {"1": "DBL", "2": "TWN", "3": "SUI"}[room[0]]
    booked = stay(hotel, 1, departure, name, kind)
    hotel.run(check_in, booked.confirmation, room)
    return booked.confirmation


def as_manager(hotel: Desk, action, *args, **kwargs):  # type: ignore[no-untyped-def]
    clerk, hotel.actor = hotel.actor, MANAGER
    try:
        return hotel.run(action, *args, **kwargs)
    finally:
        hotel.actor = clerk


def roll_to(hotel: Desk, day: int) -> None:
    """Arrange: the night audit has closed the days before `day`."""

    def _roll(session: Session) -> None:
        prop = session.scalar(select(Property).where(Property.code == "TST"))
        assert prop is not None
        prop.business_date = d(day)

    hotel.run(_roll)


def room_nights(hotel: Desk, confirmation: str) -> list[tuple[dt.date, str]]:
    def _read(session: Session) -> list[tuple[dt.date, str]]:
        reservation = load_reservation(session, confirmation)
        rows = session.execute(
            select(RoomNight.night, Room.number)
            .join(Room, Room.id == RoomNight.room_id)
            .where(RoomNight.reservation_id == reservation.id)
            .order_by(RoomNight.night)
        )
        return [(night, number) for night, number in rows]

    return hotel.read(_read)


def sold(hotel: Desk, kind: str, first: int, last: int) -> list[int]:
    grid = {t.code: t for t in hotel.read(availability, "TST", d(first), d(last))}
    return [n.sold for n in grid[kind].nights]


def test_a_room_move_mid_stay_keeps_the_nights_stayed_and_moves_the_rest(hotel: Desk) -> None:
    guest = in_house(hotel, 4, "101")
    roll_to(hotel, 2)
    moved = hotel.run(move_room, guest, "102", "noisy neighbours")
    assert moved.rooms == ["101", "102"]
    assert room_nights(hotel, guest) == [(d(1), "101"), (d(2), "102"), (d(3), "102")]
    rooms = {r.number: r for r in hotel.read(housekeeping_board)}
    assert (rooms["101"].housekeeping, rooms["101"].occupancy) == ("dirty", "vacant")
    assert rooms["102"].occupancy == "occupied"


def test_a_move_needs_a_free_fitting_room_in_order_and_a_reason(hotel: Desk) -> None:
    guest = in_house(hotel, 3, "101")
    other = stay(hotel, 2, 3, "Chidi Okafor")
    hotel.run(assign_room, other.confirmation, "102")
    hotel.run(set_out_of_order, "103", d(1), d(2), "leak")
    with pytest.raises(
        RoomUnavailable, match=f"room 102 is taken on Wed 2026-12-02 by {other.confirmation}"
    ):
        hotel.run(move_room, guest, "102", "noise")
    with pytest.raises(RoomUnavailable, match=r"room 103 is out of order .*\(leak\)"):
        hotel.run(move_room, guest, "103", "noise")
    with pytest.raises(RoomUnavailable, match="room 201 is a TWN; this stay is booked as DBL"):
        hotel.run(move_room, guest, "201", "noise")
    with pytest.raises(InvalidInput, match="say why"):
        hotel.run(move_room, guest, "102", " ")
    with pytest.raises(InvalidTransition, match="only in-house stays can move rooms"):
        hotel.run(move_room, other.confirmation, "103", "noise")
    assert room_nights(hotel, guest) == [(d(1), "101"), (d(2), "101")]


def test_an_extension_sells_and_prices_the_new_nights_in_the_same_room(hotel: Desk) -> None:
    as_manager(hotel, add_tax, "TST", "VAT", "VAT", percent_bp=600)
    guest = in_house(hotel, 3, "101")
    as_manager(hotel, set_rates, "TST", "BAR", "DBL", d(3), d(4), 12000)
    longer = hotel.run(extend_stay, guest, "+3")
    assert longer.departure == d(4) and longer.rooms == ["101"]
    assert [(n.night, n.price) for n in longer.nightly] == [
        (d(1), 10000), (d(2), 10000), (d(3), 12000),
    ]  # fmt: skip
    assert [(t.night, t.amount) for t in longer.taxes] == [(d(1), 600), (d(2), 600), (d(3), 720)]
    assert sold(hotel, "DBL", 1, 5) == [1, 1, 1, 0]
    assert room_nights(hotel, guest)[-1] == (d(3), "101")


def test_an_extension_is_refused_when_sold_out_or_the_room_is_taken(hotel: Desk) -> None:
    twin = in_house(hotel, 3, "201")
    stay(hotel, 3, 4, "Chidi Okafor", "TWN")
    stay(hotel, 3, 4, "Ann Lee", "TWN")
    with pytest.raises(SoldOut, match="TWN is sold out on Thu 2026-12-03"):
        hotel.run(extend_stay, twin, d(4))
    double = in_house(hotel, 3, "101", "Li Wei")
    later = stay(hotel, 3, 5, "Ada Lovelace")
    hotel.run(assign_room, later.confirmation, "101")
    with pytest.raises(
        RoomUnavailable, match=f"room 101 is taken on Thu 2026-12-03 by {later.confirmation}"
    ):
        hotel.run(extend_stay, double, d(5))
    assert hotel.read(get_reservation, double).departure == d(3)
    assert sold(hotel, "TWN", 1, 4) == [1, 1, 2]


def test_an_extension_keeps_to_the_rate_plans_restrictions_and_the_longest_stay(
    hotel: Desk,
) -> None:
    guest = in_house(hotel, 3, "101")
    as_manager(hotel, restrict, "TST", "BAR", "DBL", d(4), d(4), RestrictionChange(stop_sell=True))
    with pytest.raises(Restricted, match="stop-sell on Fri 2026-12-04"):
        hotel.run(extend_stay, guest, d(6))
    with pytest.raises(InvalidInput, match="at most 60 nights"):
        hotel.run(extend_stay, guest, d(1) + dt.timedelta(days=61))
    with pytest.raises(InvalidInput, match="shorten the stay instead"):
        hotel.run(extend_stay, guest, d(2))
    booked = stay(hotel, 2, 3, "Chidi Okafor")
    with pytest.raises(InvalidTransition, match="change a booking with modify"):
        hotel.run(extend_stay, booked.confirmation, d(4))


def test_a_shorter_stay_gives_back_the_nights_it_drops_but_not_those_stayed(hotel: Desk) -> None:
    guest = in_house(hotel, 5, "101")
    roll_to(hotel, 2)
    shorter = hotel.run(shorten_stay, guest, d(3))
    assert shorter.departure == d(3)
    assert [n.night for n in shorter.nightly] == [d(1), d(2)]
    assert room_nights(hotel, guest) == [(d(1), "101"), (d(2), "101")]
    assert sold(hotel, "DBL", 1, 5) == [1, 1, 0, 0]
    with pytest.raises(InvalidInput, match="Wed 2026-12-02 at the earliest"):
        hotel.run(shorten_stay, guest, d(1))
    with pytest.raises(InvalidInput, match="extend the stay instead"):
        hotel.run(shorten_stay, guest, d(4))
