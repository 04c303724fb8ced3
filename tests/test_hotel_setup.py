"""The manager changes the house while it is selling: rooms added in a range, retired, given
another type; allowances lowered; a room type retired. Inventory stays right through every
change, and a change that would oversell a night is refused whole, naming the nights, with
nothing moved."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import CLERK, MANAGER
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditLog, Property
from pms.frontdesk.check_in import check_in
from pms.guests.lookup import GuestInput
from pms.hotel.features import add_features, list_features
from pms.hotel.properties import add_room_type, property_view
from pms.inventory.nights import availability
from pms.kernel.desk import Desk
from pms.kernel.errors import (
    CapacityRefused,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RoomHoldsStays,
    RoomUnavailable,
)
from pms.reservations.booking import BookingRequest, book
from pms.reservations.changes import cancel
from pms.reservations.quotes import QuoteRequest, quote
from pms.setup.room_types import (
    RoomTypeChanges,
    RoomTypeInput,
    create_room_type,
    edit_room_type,
    list_room_types,
    retire_room_type,
)
from pms.setup.rooms_admin import RoomChanges, add_rooms, edit_rooms, list_rooms, retire_rooms
from pms.stays.reservation_views import ReservationView, get_reservation
from pms.stays.rooms import assign_room


def d(day: int) -> dt.date:
    return dt.date(2026, 12, day)


@pytest.fixture
def manager(hotel: Desk) -> Desk:
    """The test hotel's desk, acting as the manager Maria."""
    hotel.actor = MANAGER
    return hotel


def stay(
    desk: Desk, arrival: int, departure: int, kind: str = "DBL", **extra: object
) -> ReservationView:
    request = BookingRequest(
        arrival=d(arrival), departure=d(departure), room_type=kind,
        guest=GuestInput(str(extra.pop("name", "Lucía García"))), **extra,  # type: ignore[arg-type]
    )  # fmt: skip
    return desk.run(book, request)


def rooms_to_sell(desk: Desk, kind: str, first: int, last: int) -> list[int]:
    """Capacity of the type on the nights first..last (both included)."""
    grid = desk.read(availability, "TST", d(first), d(last + 1))
    return [n.capacity for n in next(t for t in grid if t.code == kind).nights]


def sold(desk: Desk, kind: str, first: int, last: int) -> list[int]:
    grid = desk.read(availability, "TST", d(first), d(last + 1))
    return [n.sold for n in next(t for t in grid if t.code == kind).nights]


def test_rooms_added_in_a_range_raise_capacity_on_every_night_from_today(manager: Desk) -> None:
    stay(manager, 3, 5, "TWN")  # opens the TWN nights of 3 and 4 December for sale

    added = manager.run(add_rooms, "TST", "203-205", "TWN")

    assert [(r.number, r.floor, r.room_type) for r in added] == [
        ("203", 2, "TWN"), ("204", 2, "TWN"), ("205", 2, "TWN"),
    ]  # fmt: skip
    assert rooms_to_sell(manager, "TWN", 1, 6) == [5] * 6  # open nights and unopened alike
    assert manager.read(property_view).rooms == 9


def test_a_range_with_one_bad_room_adds_none(manager: Desk) -> None:
    with pytest.raises(InvalidInput, match="room 202 already exists"):
        manager.run(add_rooms, "TST", "203-205, 202", "TWN")
    assert [r.number for r in manager.read(list_rooms, "TST", room_type="TWN")] == ["201", "202"]


def test_retiring_a_room_that_would_oversell_is_refused_naming_the_nights(manager: Desk) -> None:
    for _ in range(2):
        stay(manager, 4, 6, "TWN")  # both twins sold on the 4th and the 5th

    with pytest.raises(
        CapacityRefused, match="sold beyond the rooms left on Fri 2026-12-04, Sat"
    ) as refused:
        manager.run(retire_rooms, "TST", "202")

    assert refused.value.nights == [d(4), d(5)]
    assert rooms_to_sell(manager, "TWN", 3, 6) == [2, 2, 2, 2]  # nothing moved
    assert "202" in [r.number for r in manager.read(list_rooms, "TST")]


def test_a_retired_room_leaves_inventory_from_its_date_and_keeps_its_history(manager: Desk) -> None:
    stay(manager, 2, 9, "DBL")

    changed = manager.run(retire_rooms, "TST", "103", start="5.12")

    assert changed.rooms[0].retired_on == d(5)
    assert rooms_to_sell(manager, "DBL", 3, 7) == [3, 3, 2, 2, 2]
    assert [r.number for r in manager.read(list_rooms, "TST", room_type="DBL")] == [
        "101",
        "102",
        "103",
    ]
    manager.run(_roll_to, d(5))
    assert [r.number for r in manager.read(list_rooms, "TST", room_type="DBL")] == ["101", "102"]
    assert manager.read(list_rooms, "TST", retired=True)[2].retired_on == d(5)
    with pytest.raises(InvalidInput, match=r"room 103 already exists \(retired on 2026-12-05\)"):
        manager.run(add_rooms, "TST", "103", "DBL")


def test_a_room_given_to_a_stay_is_retired_once_the_stay_is_moved(manager: Desk) -> None:
    booked = stay(manager, 3, 5, "DBL")
    manager.run(assign_room, booked.confirmation, "103")

    with pytest.raises(RoomHoldsStays, match=f"room 103 is given to {booked.confirmation}") as held:
        manager.run(retire_rooms, "TST", "103")
    assert held.value.stays == [booked.confirmation]

    changed = manager.run(retire_rooms, "TST", "103", move=True)

    assert [(m.confirmation, m.to_room) for m in changed.moved] == [(booked.confirmation, "101")]
    assert manager.read(get_reservation, booked.confirmation).rooms == ["101"]
    with pytest.raises(RoomUnavailable, match="room 103 is retired from 2026-12-01"):
        manager.run(assign_room, booked.confirmation, "103")


def test_a_stay_with_no_other_room_free_keeps_its_booking_without_a_room(manager: Desk) -> None:
    booked = stay(manager, 3, 5, "SUI")
    manager.run(assign_room, booked.confirmation, "301")
    manager.run(add_rooms, "TST", "302", "SUI")

    changed = manager.run(edit_rooms, "TST", "301", RoomChanges(room_type="DBL"), move=True)

    assert changed.rooms[0].room_type == "DBL"
    assert [(m.confirmation, m.to_room) for m in changed.moved] == [(booked.confirmation, "302")]
    assert rooms_to_sell(manager, "SUI", 3, 4) == [1, 1]
    assert rooms_to_sell(manager, "DBL", 3, 4) == [4, 4]


def test_a_guest_in_house_keeps_the_room_until_the_desk_moves_them(manager: Desk) -> None:
    booked = stay(manager, 1, 3, "SUI", adults=1)
    manager.run(check_in, booked.confirmation, "301")

    with pytest.raises(RoomUnavailable, match=f"{booked.confirmation} is in house in room 301"):
        manager.run(retire_rooms, "TST", "301", move=True)
    assert rooms_to_sell(manager, "SUI", 1, 2) == [1, 1]


def test_a_new_type_for_a_room_moves_its_capacity_and_refuses_an_oversell(manager: Desk) -> None:
    stays = [stay(manager, 6, 7, "DBL", name=f"Guest {i}") for i in range(4)]  # 3 rooms + 1 over

    with pytest.raises(CapacityRefused, match="making room 101 a TWN would leave DBL sold"):
        manager.run(edit_rooms, "TST", "101", RoomChanges(room_type="TWN"))
    assert (rooms_to_sell(manager, "DBL", 6, 6), rooms_to_sell(manager, "TWN", 6, 6)) == ([3], [2])

    manager.run(cancel, stays[0].confirmation, reason="plans changed")
    manager.run(edit_rooms, "TST", "101", RoomChanges(room_type="TWN", floor=2))

    assert rooms_to_sell(manager, "DBL", 5, 7) == [2, 2, 2]
    assert rooms_to_sell(manager, "TWN", 5, 7) == [3, 3, 3]
    room = manager.read(list_rooms, "TST", numbers=["101"])[0]
    assert (room.room_type, room.floor) == ("TWN", 2)


def test_the_allowance_goes_down_only_as_far_as_what_is_sold(manager: Desk) -> None:
    for i in range(4):
        stay(manager, 8, 10, "DBL", name=f"Guest {i}")  # the allowance's room is sold

    with pytest.raises(
        CapacityRefused,
        match="allowance of 0 would leave DBL sold beyond its rooms on Tue 2026-12-08, Wed",
    ) as refused:
        manager.run(edit_room_type, "TST", "DBL", RoomTypeChanges(overbooking_allowance=0))
    assert refused.value.nights == [d(8), d(9)]
    assert manager.read(property_view).room_types[0].overbooking_allowance == 1

    changed = manager.run(
        edit_room_type, "TST", "DBL",
        RoomTypeChanges(overbooking_allowance=2, price=11500, features=("double bed", "quiet")),
    )  # fmt: skip
    assert (changed.overbooking_allowance, changed.price, changed.features) == (
        2, 11500, ["double bed", "quiet"],
    )  # fmt: skip


def test_fewer_guests_than_a_stay_brings_is_refused(manager: Desk) -> None:
    booked = stay(manager, 3, 4, "DBL", adults=3)
    with pytest.raises(
        InvalidInput, match=f"{booked.confirmation} is booked on DBL with more than 2"
    ):
        manager.run(edit_room_type, "TST", "DBL", RoomTypeChanges(max_occupancy=2))
    with pytest.raises(InvalidInput, match="base occupancy must be between 1 and the maximum"):
        manager.run(edit_room_type, "TST", "DBL", RoomTypeChanges(base_occupancy=4))


def test_a_room_type_retires_only_when_nothing_is_sold_on_it(manager: Desk) -> None:
    booked = stay(manager, 3, 4, "SUI")

    with pytest.raises(CapacityRefused, match="room type SUI is sold on Thu 2026-12-03"):
        manager.run(retire_room_type, "TST", "SUI")

    manager.run(cancel, booked.confirmation, reason="plans changed")
    retired = manager.run(retire_room_type, "TST", "SUI")

    assert retired.retired_on == d(1)
    assert [t.code for t in manager.read(property_view).room_types] == ["DBL", "TWN"]
    assert [t.code for t in manager.read(list_room_types, "TST", retired=True)] == [
        "DBL",
        "SUI",
        "TWN",
    ]
    assert manager.read(list_rooms, "TST", retired=True)[-1].retired_on == d(1)
    assert manager.read(get_reservation, booked.confirmation).room_type == "SUI"  # history
    with pytest.raises(NotFound, match="room type SUI at TST was retired on 2026-12-01"):
        stay(manager, 5, 6, "SUI")


def test_features_come_from_the_vocabulary(manager: Desk) -> None:
    with pytest.raises(InvalidInput, match="'sea veiw' is not a feature at TST"):
        manager.run(
            add_room_type, "TST", "KNG", "King", max_occupancy=2, price=1, features=["Sea Veiw"]
        )

    manager.run(add_features, "TST", ["Balcony", "accessible"])
    manager.run(
        create_room_type, "TST",
        RoomTypeInput("KNG", "King", max_occupancy=2, price=15000, features=("sea view", "balcony"),
                      extra_adult=2500),
    )  # fmt: skip
    manager.run(add_rooms, "TST", "401-402", "KNG", features=["accessible"])

    words = {f.name: (f.room_types, f.rooms) for f in manager.read(list_features, "TST")}
    assert words["balcony"] == (["KNG"], 0)
    assert words["sea view"] == (["KNG", "SUI"], 0)
    assert words["accessible"] == ([], 2)
    with pytest.raises(InvalidInput, match="'balcony' is already a feature"):
        manager.run(add_features, "TST", ["balcony"])
    found = manager.read(quote, QuoteRequest(arrival=d(3), nights=1, features=("Balcony",)))
    assert {o.room_type for o in found} == {"KNG"}
    with pytest.raises(InvalidInput, match=r"'sea veiw' is not a feature \(known: accessible"):
        manager.read(quote, QuoteRequest(arrival=d(3), nights=1, features=("sea veiw",)))


def test_every_change_of_the_house_is_in_the_audit_log(manager: Desk) -> None:
    manager.run(add_rooms, "TST", "104", "DBL")
    manager.run(edit_room_type, "TST", "DBL", RoomTypeChanges(price=10500))
    manager.run(retire_rooms, "TST", "104")

    assert manager.read(_audit)[-3:] == [
        ("maria", "create", "room", {"number": "104", "type": "DBL"}),
        ("maria", "update", "room_type", {"price": 10500}),
        ("maria", "retire", "room", {"retired_on": "2026-12-01"}),
    ]


def _audit(session: Session) -> list[tuple[str, str, str, dict[str, object]]]:
    """The audit rows, oldest first; of an update, only what it changed."""
    rows = []
    for row in session.scalars(select(AuditLog).order_by(AuditLog.id)):
        after = dict(row.after or {})
        if row.action == "update" and row.before:
            after = {k: v for k, v in after.items() if row.before.get(k) != v}
        rows.append((row.username, row.action, row.entity, after))
    return rows


def test_a_clerk_cannot_change_the_house(hotel: Desk) -> None:
    assert hotel.actor == CLERK
    with pytest.raises(PermissionDenied, match="adding rooms needs the manager role"):
        hotel.run(add_rooms, "TST", "104", "DBL")
    with pytest.raises(PermissionDenied, match="retiring rooms needs the manager role"):
        hotel.run(retire_rooms, "TST", "101")


def _roll_to(session: Session, day: dt.date) -> None:
    """Arrange: the night audit has closed the days before `day`."""
    prop = session.scalar(select(Property).where(Property.code == "TST"))
    assert prop is not None
    prop.business_date = day
