"""Rooms as the administrator keeps them: adding a range in one go, listing, changing their
type, floor or features, and retiring them — with inventory right through every change.

Adding rooms raises capacity on every open night from the business date on. A room that
leaves its type (retired, or given another) takes one room off every open night from then on,
refused whole, naming the nights, where that would leave a night sold beyond what is left
(`pms.inventory.capacity_changes`); stays that hold it are moved first, when asked
(`pms.setup.room_stays`). A retired room keeps its history: its past stays and nights still
read the same, and its number stays taken.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from db.models import OutOfOrder, Property, Room, RoomType
from pms.hotel.properties import add_room, resolve_property, resolve_room_type, rooms_in_service
from pms.hotel.vocabulary import known_features
from pms.housekeeping.room_status import find_room
from pms.inventory.capacity_changes import give_room, take_room
from pms.inventory.nights import lock_room_type
from pms.kernel.audit import record
from pms.kernel.errors import InvalidInput, RoomUnavailable
from pms.kernel.permissions import require
from pms.setup.room_numbers import room_numbers
from pms.setup.room_stays import StayMoved, check_room_free, move_stays
from pms.stays.stay_rules import read_date


@dataclass(frozen=True)
class RoomView:
    """A room as the administrator lists it."""

    number: str
    floor: int
    room_type: str
    features: list[str]
    housekeeping: str
    out_of_service: str
    retired_on: dt.date | None


@dataclass(frozen=True)
class RoomChanges:
    """What to change of some rooms, None where it stays as it is."""

    room_type: str | None = None
    floor: int | None = None
    features: list[str] | None = None


@dataclass(frozen=True)
class RoomsChanged:
    """Rooms as they now are, and the stays moved off them on the way."""

    rooms: list[RoomView]
    moved: list[StayMoved]


def add_rooms(
    session: Session,
    property_code: str | None,
    numbers: str,
    room_type: str,
    *,
    floor: int | None = None,
    features: list[str] | None = None,
) -> list[RoomView]:
    """Add the rooms `numbers` names (`101-120`) of one type (managers), all or none; each
    takes its floor from its number unless one is given."""
    require(session, "room.add")
    prop = resolve_property(session, property_code)
    kind = resolve_room_type(session, prop, room_type)
    lock_room_type(session, kind.id)
    wanted = room_numbers(numbers)
    for number in wanted:
        add_room(session, prop.code, number, kind.code, floor=floor, features=features)
    return list_rooms(session, prop.code, numbers=wanted)


def list_rooms(
    session: Session,
    property_code: str | None = None,
    *,
    room_type: str | None = None,
    floor: int | None = None,
    numbers: list[str] | None = None,
    retired: bool = False,
) -> list[RoomView]:
    """The property's rooms by floor and number; retired ones too when `retired`."""
    prop = resolve_property(session, property_code)
    query = (
        select(Room, RoomType.code)
        .join(RoomType, RoomType.id == Room.room_type_id)
        .where(Room.property_id == prop.id)
        .order_by(Room.floor, Room.number)
    )
    if not retired:
        query = query.where(rooms_in_service(prop.business_date))
    if room_type:
        query = query.where(RoomType.code == room_type.strip().upper())
    if floor is not None:
        query = query.where(Room.floor == floor)
    if numbers is not None:
        query = query.where(Room.number.in_(numbers))
    return [_view(room, code) for room, code in session.execute(query)]


def edit_rooms(
    session: Session,
    property_code: str | None,
    numbers: str,
    changes: RoomChanges,
    *,
    move: bool = False,
) -> RoomsChanged:
    """Change the type, floor or features of the rooms `numbers` names (managers), all or
    none. A new type takes effect from the business date: refused where the old type's nights
    would be oversold, and while stays hold a room (unless `move`: they are moved first)."""
    require(session, "room.change")
    prop = resolve_property(session, property_code)
    if changes == RoomChanges():
        raise InvalidInput("room_type", "nothing to change: give a type, a floor or features")
    new_type = resolve_room_type(session, prop, changes.room_type) if changes.room_type else None
    features = None if changes.features is None else known_features(session, prop, changes.features)
    if changes.floor is not None and not -5 <= changes.floor <= 200:
        raise InvalidInput("floor", f"floor {changes.floor} is not one a hotel has (-5 to 200)")
    wanted = room_numbers(numbers)
    moved: list[StayMoved] = []
    for number in wanted:
        room = _room_in_service(session, prop, number)
        before = {"type": room.room_type.code, "floor": room.floor, "features": room.features}
        if new_type is not None and new_type.id != room.room_type_id:
            moved += _retype(session, prop, room, new_type, move=move)
        if changes.floor is not None:
            room.floor = changes.floor
        if features is not None:
            room.features = features
        session.flush()
        after = {"type": room.room_type.code, "floor": room.floor, "features": room.features}
        record(session, "update", "room", room.id, before=before, after=after)
    return RoomsChanged(list_rooms(session, prop.code, numbers=wanted), moved)


def retire_rooms(
    session: Session,
    property_code: str | None,
    numbers: str,
    *,
    start: dt.date | str | None = None,
    move: bool = False,
) -> RoomsChanged:
    """Take the rooms `numbers` names out of the hotel from `start` on (default: the business
    date), all or none (managers). Refused where a night from then on would be sold beyond
    the rooms left, and while stays hold a room then (unless `move`: they are moved first).
    Out-of-order windows from then on end with it."""
    require(session, "room.retire")
    prop = resolve_property(session, property_code)
    first = read_date(start, prop, "start") if start is not None else prop.business_date
    if first < prop.business_date:
        raise InvalidInput(
            "start", f"a room cannot be retired before the business date {prop.business_date}"
        )
    wanted = room_numbers(numbers)
    moved: list[StayMoved] = []
    for number in wanted:
        room = _room_in_service(session, prop, number)
        doing = f"retiring room {room.number}"
        stays = check_room_free(session, room, first, doing, move_stays=move)
        take_room(session, room, room.room_type, first, doing)
        room.retired_on = first
        _end_out_of_order(session, room, first)
        session.flush()
        moved += move_stays(session, room, stays)
        record(session, "retire", "room", room.id, after={"retired_on": first.isoformat()})
    return RoomsChanged(list_rooms(session, prop.code, numbers=wanted, retired=True), moved)


def _retype(
    session: Session, prop: Property, room: Room, new_type: RoomType, *, move: bool
) -> list[StayMoved]:
    """Move the room to `new_type` from the business date on, inventory with it."""
    first = prop.business_date
    doing = f"making room {room.number} a {new_type.code}"
    stays = check_room_free(session, room, first, doing, move_stays=move)
    take_room(session, room, room.room_type, first, doing)
    give_room(session, room, new_type, first)
    room.room_type_id = new_type.id
    session.flush()
    session.expire(room, ["room_type"])
    return move_stays(session, room, stays)


def _room_in_service(session: Session, prop: Property, number: str) -> Room:
    room = find_room(session, prop.id, number, lock=True)
    if room.retired_on is not None:
        raise RoomUnavailable(f"room {room.number} was retired on {room.retired_on}")
    return room


def _end_out_of_order(session: Session, room: Room, first: dt.date) -> None:
    """Out-of-order windows end where the room leaves: after it, it is counted nowhere."""
    session.execute(
        delete(OutOfOrder).where(OutOfOrder.room_id == room.id, OutOfOrder.start_date >= first)
    )
    session.execute(
        update(OutOfOrder)
        .where(OutOfOrder.room_id == room.id, OutOfOrder.end_date > first)
        .values(end_date=first)
        .execution_options(synchronize_session=False)
    )


def _view(room: Room, type_code: str) -> RoomView:
    return RoomView(
        number=room.number,
        floor=room.floor,
        room_type=type_code,
        features=list(room.features),
        housekeeping=room.housekeeping,
        out_of_service=room.out_of_service,
        retired_on=room.retired_on,
    )
