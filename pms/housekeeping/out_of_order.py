"""Out of order: a room taken out of inventory for a window of nights, and put back.

The room leaves inventory with one guarded UPDATE of capacity per night, refused where it would
leave fewer rooms than are already sold (beyond the overbooking allowance) unless a supervisor
accepts the overbooking; a window is refused while a stay holds the room on one of its nights.
Ending a window early gives back its nights from the business date on; past nights stay on
record."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from db.models import Inventory, OutOfOrder, Property, Reservation, Room, RoomNight, RoomType
from pms.hotel.properties import resolve_property
from pms.housekeeping.board import RoomStatusView, board_rows
from pms.housekeeping.room_status import find_room
from pms.inventory.nights import open_nights, stay_nights
from pms.kernel.audit import record
from pms.kernel.errors import InvalidInput, NotFound, RoomUnavailable, WouldOverbook
from pms.kernel.permissions import require
from pms.stays.stay_rules import read_date

#: Longest out-of-order window one call may set.
MAX_WINDOW_NIGHTS = 366


@dataclass(frozen=True)
class OutOfOrderView:
    """A window in which a room is out of order; `overbooked` lists the nights a supervisor
    accepted selling more rooms than the hotel has left."""

    id: int
    room: str
    start: dt.date
    end: dt.date
    reason: str
    overbooked: list[dt.date]


def _window_dates(
    prop: Property, start: dt.date | str, end: dt.date | str
) -> tuple[dt.date, dt.date]:
    first = read_date(start, prop, "start")
    back = read_date(end, prop, "end")
    if back <= first:
        raise InvalidInput("end", "the room must be back in order after the first night out")
    if first < prop.business_date:
        raise InvalidInput(
            "start", f"the first night out of order {first} is before the business date"
        )
    if (back - first).days > MAX_WINDOW_NIGHTS:
        raise InvalidInput("end", f"set at most {MAX_WINDOW_NIGHTS} nights out of order at once")
    return first, back


def _stays_in_window(
    session: Session, room: Room, start: dt.date, end: dt.date
) -> list[tuple[str, dt.date]]:
    rows = session.execute(
        select(Reservation.confirmation, RoomNight.night)
        .join(Reservation, Reservation.id == RoomNight.reservation_id)
        .where(RoomNight.room_id == room.id, RoomNight.night >= start, RoomNight.night < end)
        .order_by(RoomNight.night)
    ).all()
    first_night: dict[str, dt.date] = {}
    for confirmation, night in rows:
        first_night.setdefault(confirmation, night)
    return list(first_night.items())


def _take_capacity(
    session: Session, room_type: RoomType, nights: list[dt.date], *, guarded: bool
) -> set[dt.date]:
    """One room fewer to sell on each night; guarded, only where the rooms sold still fit."""
    statement = (
        update(Inventory)
        .where(Inventory.room_type_id == room_type.id, Inventory.night.in_(nights))
        .values(capacity=Inventory.capacity - 1)
        .execution_options(synchronize_session=False)
    )
    if guarded:
        allowance = (
            select(RoomType.overbooking_allowance)
            .where(RoomType.id == Inventory.room_type_id)
            .scalar_subquery()
        )
        statement = statement.where(Inventory.capacity - 1 + allowance >= Inventory.sold)
    return set(session.scalars(statement.returning(Inventory.night)))


def _give_capacity(session: Session, room_type_id: int, nights: list[dt.date]) -> None:
    if nights:
        session.execute(
            update(Inventory)
            .where(Inventory.room_type_id == room_type_id, Inventory.night.in_(nights))
            .values(capacity=Inventory.capacity + 1)
            .execution_options(synchronize_session=False)
        )


def _check_window_free(session: Session, room: Room, first: dt.date, back: dt.date) -> None:
    """Refuse a window that overlaps another of the room's, or a night a stay holds the room."""
    overlap = session.scalar(
        select(OutOfOrder)
        .where(
            OutOfOrder.room_id == room.id,
            OutOfOrder.start_date < back,
            OutOfOrder.end_date > first,
        )
        .limit(1)
    )
    if overlap is not None:
        raise RoomUnavailable(
            f"room {room.number} is already out of order {overlap.start_date} to "
            f"{overlap.end_date} ({overlap.reason})"
        )
    if stays := _stays_in_window(session, room, first, back):
        named = ", ".join(f"{conf} ({night:%a %Y-%m-%d})" for conf, night in stays)
        raise RoomUnavailable(f"room {room.number} has stays in that window: {named} — move them")


def _take_out_of_inventory(
    session: Session, room: Room, nights: list[dt.date], *, accept_overbooking: bool
) -> list[dt.date]:
    """One room fewer to sell of the room's type on each night; returns the nights that now
    sell more rooms than the hotel has left, which only a supervisor may accept (otherwise
    the capacity taken is given back and the window refused)."""
    room_type = room.room_type
    # Rows opened now count the room (no window yet); the UPDATE below then takes it out.
    open_nights(session, room_type, nights)
    taken = _take_capacity(session, room_type, nights, guarded=True)
    oversold = sorted(set(nights) - taken)
    if oversold:
        if not accept_overbooking:
            _give_capacity(session, room_type.id, sorted(taken))
            raise WouldOverbook(
                f"taking room {room.number} out of order would oversell {room_type.code} on "
                f"{oversold[0]:%a %Y-%m-%d} — a supervisor can accept the overbooking"
            )
        require(session, "room.out_of_order_overbook")
        _take_capacity(session, room_type, oversold, guarded=False)
    return oversold


def set_out_of_order(
    session: Session,
    room_number: str,
    start: dt.date | str,
    end: dt.date | str,
    reason: str,
    *,
    accept_overbooking: bool = False,
    property_code: str | None = None,
) -> OutOfOrderView:
    """Take a room out of order for the nights start..end (end = first night back in order).

    The room leaves inventory for those nights. Refused when a stay is in the room on one of
    them (move it first), or when it would oversell a night already booked — unless
    `accept_overbooking` and the user is a supervisor.
    """
    prop = resolve_property(session, property_code)
    room = find_room(session, prop.id, room_number, lock=True)
    first, back = _window_dates(prop, start, end)
    reason = reason.strip()
    if not reason:
        raise InvalidInput("reason", "say why the room is out of order")
    if len(reason) > 200:
        raise InvalidInput("reason", "the reason may be at most 200 characters")
    _check_window_free(session, room, first, back)
    oversold = _take_out_of_inventory(
        session, room, stay_nights(first, back), accept_overbooking=accept_overbooking
    )
    window = OutOfOrder(room_id=room.id, start_date=first, end_date=back, reason=reason)
    session.add(window)
    session.flush()
    record(
        session, "out_of_order", "room", room.id,
        after={"start": first.isoformat(), "end": back.isoformat(), "reason": reason,
               "overbooked": [n.isoformat() for n in oversold]},
    )  # fmt: skip
    return OutOfOrderView(window.id, room.number, first, back, reason, oversold)


def return_to_service(
    session: Session,
    room_number: str,
    window: int | dt.date | str,
    *,
    property_code: str | None = None,
) -> RoomStatusView:
    """End an out-of-order window (named by its id, or by a date inside it): its nights from
    the business date on go back on sale; nights already past stay on record. Returns the
    room's line on the board."""
    prop = resolve_property(session, property_code)
    room = find_room(session, prop.id, room_number, lock=True)
    query = select(OutOfOrder).where(OutOfOrder.room_id == room.id)
    if isinstance(window, int):
        query = query.where(OutOfOrder.id == window)
    else:
        day = read_date(window, prop, "date")
        query = query.where(OutOfOrder.start_date <= day, OutOfOrder.end_date > day)
    found = session.scalar(query.limit(1))
    if found is None:
        raise NotFound(f"room {room.number} has no out-of-order window {window}")
    today = prop.business_date
    if found.end_date <= today:
        raise RoomUnavailable(f"room {room.number} has been back in order since {found.end_date}")
    before = {"start": found.start_date.isoformat(), "end": found.end_date.isoformat()}
    _give_capacity(
        session, room.room_type_id, stay_nights(max(found.start_date, today), found.end_date)
    )
    if found.start_date >= today:
        session.execute(delete(OutOfOrder).where(OutOfOrder.id == found.id))
        after = None
    else:
        found.end_date = today
        after = {"start": found.start_date.isoformat(), "end": today.isoformat()}
    session.flush()
    record(session, "return_to_service", "room", room.id, before=before, after=after)
    return board_rows(session, prop, room_ids=[room.id])[0]
