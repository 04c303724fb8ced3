"""Housekeeping: room status, out of order (out of inventory) and out of service, the board."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import SUPERVISOR
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import OutOfOrder, Property
from pms.frontdesk.check_in import check_in
from pms.frontdesk.room_suggestions import suggest_rooms
from pms.guests.lookup import GuestInput
from pms.housekeeping.board import housekeeping_board
from pms.housekeeping.out_of_order import return_to_service, set_out_of_order
from pms.housekeeping.room_status import mark_stayovers_dirty, set_housekeeping, set_out_of_service
from pms.inventory.nights import availability
from pms.kernel.desk import Desk
from pms.kernel.errors import (
    InvalidInput,
    PermissionDenied,
    RoomUnavailable,
    WouldOverbook,
)
from pms.reservations.booking import BookingRequest, book
from pms.stays.reservation_views import ReservationView
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


def as_supervisor(hotel: Desk, action, *args, **kwargs):  # type: ignore[no-untyped-def]
    clerk, hotel.actor = hotel.actor, SUPERVISOR
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


def counts(hotel: Desk, kind: str, first: int, last: int) -> list[tuple[int, int]]:
    """(capacity, sold) of a room type on the nights first..last (excluded)."""
    grid = {t.code: t for t in hotel.read(availability, "TST", d(first), d(last))}
    return [(n.capacity, n.sold) for n in grid[kind].nights]


def windows(hotel: Desk) -> list[tuple[dt.date, dt.date]]:
    return hotel.read(lambda s: [(w.start_date, w.end_date) for w in s.scalars(select(OutOfOrder))])


def test_housekeeping_reports_room_status_and_a_supervisor_passes_inspection(
    hotel: Desk,
) -> None:
    assert hotel.run(set_housekeeping, "101", "Dirty").housekeeping == "dirty"
    assert hotel.run(set_housekeeping, "101", "clean").housekeeping == "clean"
    with pytest.raises(PermissionDenied, match="passing a room as inspected"):
        hotel.run(set_housekeeping, "101", "inspected")
    assert as_supervisor(hotel, set_housekeeping, "101", "inspected").housekeeping == "inspected"
    with pytest.raises(InvalidInput, match="'tidy' is not one of dirty, clean, inspected"):
        hotel.run(set_housekeeping, "101", "tidy")


def test_out_of_order_takes_the_room_out_of_inventory_until_it_returns(hotel: Desk) -> None:
    window = hotel.run(set_out_of_order, "101", d(2), "4.12", "water leak")
    assert (window.start, window.end, window.overbooked) == (d(2), d(4), [])
    assert counts(hotel, "DBL", 1, 5) == [(3, 0), (2, 0), (2, 0), (3, 0)]
    guest = stay(hotel, 2, 3)
    assert [r.number for r in hotel.read(suggest_rooms, guest.confirmation)] == ["102", "103"]
    with pytest.raises(RoomUnavailable, match=r"already out of order 2026-12-02 to 2026-12-04"):
        hotel.run(set_out_of_order, "101", d(3), d(5), "paint")
    hotel.run(return_to_service, "101", d(3))
    assert counts(hotel, "DBL", 1, 5) == [(3, 0), (3, 1), (3, 0), (3, 0)]
    assert windows(hotel) == []


def test_a_room_back_early_keeps_the_nights_it_was_out(hotel: Desk) -> None:
    window = hotel.run(set_out_of_order, "201", d(1), d(5), "new carpet")
    roll_to(hotel, 3)
    hotel.run(return_to_service, "201", window.id)
    assert windows(hotel) == [(d(1), d(3))]
    assert counts(hotel, "TWN", 1, 5) == [(1, 0), (1, 0), (2, 0), (2, 0)]


def test_out_of_order_that_would_oversell_needs_a_supervisor_to_accept_it(hotel: Desk) -> None:
    stay(hotel, 3, 4, "Chidi Okafor", "TWN")
    stay(hotel, 3, 4, "Ann Lee", "TWN")
    with pytest.raises(WouldOverbook, match="oversell TWN on Thu 2026-12-03 — a supervisor"):
        hotel.run(set_out_of_order, "201", d(2), d(5), "broken heater")
    assert counts(hotel, "TWN", 2, 5) == [(2, 0), (2, 2), (2, 0)] and windows(hotel) == []
    with pytest.raises(PermissionDenied, match="needs the supervisor role"):
        hotel.run(set_out_of_order, "201", d(2), d(5), "broken heater", accept_overbooking=True)
    window = as_supervisor(
        hotel, set_out_of_order, "201", d(2), d(5), "broken heater", accept_overbooking=True
    )
    assert window.overbooked == [d(3)]
    assert counts(hotel, "TWN", 2, 5) == [(1, 0), (1, 2), (1, 0)]


def test_out_of_order_is_refused_while_stays_are_in_the_room(hotel: Desk) -> None:
    booked = stay(hotel, 3, 5)
    hotel.run(assign_room, booked.confirmation, "102")
    with pytest.raises(
        RoomUnavailable, match=f"room 102 has stays in that window: {booked.confirmation} "
    ):
        hotel.run(set_out_of_order, "102", d(2), d(6), "paint")
    with pytest.raises(InvalidInput, match="before the business date"):
        hotel.run(set_out_of_order, "103", "2026-11-30", d(2), "paint")
    with pytest.raises(InvalidInput, match="say why"):
        hotel.run(set_out_of_order, "103", d(2), d(3), "")


def test_an_out_of_service_room_is_offered_last_and_not_given(hotel: Desk) -> None:
    booked = stay(hotel, 1, 2)
    assert hotel.run(set_out_of_service, "101", "smell of smoke").out_of_service
    assert [r.number for r in hotel.read(suggest_rooms, booked.confirmation)][-1] == "101"
    with pytest.raises(RoomUnavailable, match=r"out of service \(smell of smoke\)"):
        hotel.run(check_in, booked.confirmation, "101")
    hotel.run(set_out_of_service, "101", "")
    assert hotel.run(check_in, booked.confirmation, "101").room == "101"


def test_the_board_shows_each_room_by_floor_and_the_night_audit_dirties_stayovers(
    hotel: Desk,
) -> None:
    leaving, staying = stay(hotel, 1, 2), stay(hotel, 1, 3, "Chidi Okafor", "TWN")
    hotel.run(check_in, leaving.confirmation, "101")
    hotel.run(check_in, staying.confirmation, "201")
    coming = stay(hotel, 2, 4, "Ann Lee")
    hotel.run(assign_room, coming.confirmation, "102")
    roll_to(hotel, 2)
    hotel.run(set_out_of_order, "103", d(2), d(3), "leak")
    hotel.run(set_out_of_service, "202", "lamp")
    hotel.run(set_housekeeping, "301", "dirty")
    board = hotel.read(housekeeping_board)
    assert [(r.number, r.floor, r.room_type, r.occupancy, r.guest) for r in board] == [
        ("101", 1, "DBL", "due out", "García, Lucía"),
        ("102", 1, "DBL", "arriving", "Lee, Ann"),
        ("103", 1, "DBL", "vacant", ""),
        ("201", 2, "TWN", "occupied", "Okafor, Chidi"),
        ("202", 2, "TWN", "vacant", ""),
        ("301", 3, "SUI", "vacant", ""),
    ]
    assert (board[2].out_of_order, board[2].out_of_order_until) == ("leak", d(3))
    assert board[4].out_of_service == "lamp" and not board[4].ready
    assert [r.number for r in hotel.read(housekeeping_board, floor=2)] == ["201", "202"]
    assert [r.number for r in hotel.read(housekeeping_board, status="dirty")] == ["301"]
    assert [r.number for r in hotel.read(housekeeping_board, status="ooo")] == ["103"]
    assert [r.number for r in hotel.read(housekeeping_board, status="due_out")] == ["101"]
    with pytest.raises(InvalidInput, match="status 'messy' is not one of"):
        hotel.read(housekeeping_board, status="messy")

    assert hotel.run(mark_stayovers_dirty, "TST") == ["201"]
    assert hotel.read(housekeeping_board, status="dirty")[0].number == "201"
