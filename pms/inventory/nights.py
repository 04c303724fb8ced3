"""Inventory: rooms of a type to sell per night, taken and released with guarded updates.

Booking n nights is one UPDATE that adds one to `sold` on every night only where
`sold + 1 <= capacity + allowance`; it succeeds only if all n rows changed. There is no
read-then-write in Python, so two desks can never both sell the last room. Rows are created the
first time a night is sold (`open_nights`); only then does a booking need more statements.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import Update, bindparam, select, update
from sqlalchemy.orm import Session

from db.engine import dialect_insert
from db.models import Inventory, OutOfOrder, Room, RoomType
from db.prepared import Prepared
from pms.hotel.properties import resolve_property, rooms_in_service
from pms.kernel.desk import connection_of
from pms.kernel.errors import InvalidInput, SoldOut


def stay_nights(arrival: dt.date, departure: dt.date) -> list[dt.date]:
    """The nights of a stay: arrival up to, not including, departure."""
    return [arrival + dt.timedelta(days=i) for i in range((departure - arrival).days)]


def _capacities(session: Session, room_type: RoomType, nights: list[dt.date]) -> dict[dt.date, int]:
    """Rooms of the type per night, less those retired by then and those out of order."""
    retired_on = list(
        session.scalars(
            select(Room.retired_on).where(
                Room.room_type_id == room_type.id, rooms_in_service(nights[0])
            )
        )
    )
    out: Counter[dt.date] = Counter()
    for retired in retired_on:
        if retired is not None:
            out.update(n for n in nights if n >= retired)
    windows = session.execute(
        select(OutOfOrder.start_date, OutOfOrder.end_date, Room.retired_on)
        .join(Room)
        .where(
            Room.room_type_id == room_type.id,
            OutOfOrder.start_date <= nights[-1],
            OutOfOrder.end_date > nights[0],
        )
    )
    for start, end, retired in windows:
        # A retired room's nights are not counted at all, out of order or not.
        out.update(n for n in nights if start <= n < end and (retired is None or n < retired))
    return {night: len(retired_on) - out[night] for night in nights}


def lock_room_type(session: Session, room_type_id: int) -> None:
    """Hold the room type until the transaction ends (PostgreSQL; SQLite's writers already
    queue at BEGIN IMMEDIATE): a night opened for sale counts the rooms of the type, so it
    must not count them while another desk adds, retires or moves one."""
    session.execute(select(RoomType.id).where(RoomType.id == room_type_id).with_for_update())


def open_nights(session: Session, room_type: RoomType, nights: list[dt.date]) -> list[dt.date]:
    """Create the inventory rows a stay needs; a row another desk just made is left alone.

    Returns the nights that had no row.
    """
    existing = set(
        session.scalars(
            select(Inventory.night).where(
                Inventory.room_type_id == room_type.id,
                Inventory.night >= nights[0],
                Inventory.night <= nights[-1],
            )
        )
    )
    missing = [n for n in nights if n not in existing]
    if not missing:
        return []
    lock_room_type(session, room_type.id)
    capacities = _capacities(session, room_type, missing)
    rows = [
        {"room_type_id": room_type.id, "night": n, "capacity": capacities[n], "sold": 0}
        for n in missing
    ]
    insert = dialect_insert(session.get_bind().dialect.name, Inventory)
    session.execute(insert.values(rows).on_conflict_do_nothing())
    return missing


def _selling(*, overbook: bool) -> Update:
    """One more room sold on each night :first..:last of room type :type_id; unless
    `overbook`, only on nights where that stays within capacity plus the type's allowance."""
    statement = (
        update(Inventory)
        .where(
            Inventory.room_type_id == bindparam("type_id"),
            Inventory.night >= bindparam("first"),
            Inventory.night <= bindparam("last"),
        )
        .values(sold=Inventory.sold + 1)
        .returning(Inventory.night, Inventory.sold > Inventory.capacity)
    )
    if overbook:
        return statement
    allowance = (
        select(RoomType.overbooking_allowance)
        .where(RoomType.id == Inventory.room_type_id)
        .scalar_subquery()
    )
    return statement.where(Inventory.sold + 1 <= Inventory.capacity + allowance)


# Built once and run as Core: every booking sends one (why: see `pms.reservations.booking`).
_SELL = {overbook: _selling(overbook=overbook) for overbook in (False, True)}
_SELL_PREPARED = {overbook: Prepared(statement) for overbook, statement in _SELL.items()}


def take(
    session: Session, room_type: RoomType, nights: list[dt.date], *, overbook: bool = False
) -> bool:
    """Sell one room of the type on every night, or raise SoldOut naming the first full night.
    True when a night sold beyond capacity: the stay is overbooked (within the allowance, or
    past it when `overbook`, a manager's decision, says so).
    """
    connection = connection_of(session)
    params = {"type_id": room_type.id, "first": nights[0], "last": nights[-1]}
    taken = dict(_SELL_PREPARED[overbook].execute(connection, params))
    if len(taken) != len(nights):
        # Nights never sold before have no row yet (the update missed them): open them, then
        # sell every night that missed — not only those this desk opened. Another desk may have
        # opened (and committed) them between the update and the opening, which then finds
        # nothing to open; under READ COMMITTED the second update sees that desk's rows.
        missed = [n for n in nights if n not in taken]
        open_nights(session, room_type, missed)
        selling = _SELL[overbook].where(Inventory.night.in_(missed))
        taken |= dict(connection.execute(selling, params).all())
    if len(taken) != len(nights):
        # Undo the nights that did sell, so that whoever catches SoldOut finds nothing changed.
        release(session, room_type.id, sorted(taken))
        raise SoldOut(room_type.code, min(set(nights) - set(taken)))
    return any(taken.values())


def release(session: Session, room_type_id: int, nights: list[dt.date]) -> None:
    """Give back one room of the type on each night."""
    if not nights:
        return
    session.execute(
        update(Inventory)
        .where(Inventory.room_type_id == room_type_id, Inventory.night.in_(nights))
        .values(sold=Inventory.sold - 1)
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True)
class NightCount:
    """Rooms of a type on one night: to sell (capacity), sold, and the overbooking allowance."""

    night: dt.date
    capacity: int
    sold: int
    allowance: int

    @property
    def available(self) -> int:
        """Rooms that can still be sold: free rooms plus the overbooking allowance every desk
        may use (negative when a manager sold past it)."""
        return self.capacity + self.allowance - self.sold

    @property
    def free(self) -> int:
        """Rooms not yet sold (negative when the allowance is in use)."""
        return self.capacity - self.sold


@dataclass(frozen=True)
class RoomTypeAvailability:
    """One room type's nights in an availability grid."""

    code: str
    name: str
    nights: list[NightCount]


def availability(
    session: Session, property_code: str | None, start: dt.date, end: dt.date
) -> list[RoomTypeAvailability]:
    """Capacity and sales per room type of the property for nights start..end (end excluded)."""
    if end <= start:
        raise InvalidInput("to", "the last date must be after the first")
    if (end - start).days > 366:
        raise InvalidInput("to", "show at most 366 nights at a time")
    room_types = resolve_property(session, property_code).room_types
    nights = stay_nights(start, end)
    rows = {
        (row.room_type_id, row.night): row
        for row in session.scalars(
            select(Inventory).where(
                Inventory.room_type_id.in_([rt.id for rt in room_types]),
                Inventory.night >= start,
                Inventory.night < end,
            )
        )
    }
    grid = []
    for room_type in room_types:
        unopened = [n for n in nights if (room_type.id, n) not in rows]
        capacities = _capacities(session, room_type, unopened) if unopened else {}
        counts = []
        for night in nights:
            row = rows.get((room_type.id, night))
            capacity, sold = (row.capacity, row.sold) if row else (capacities[night], 0)
            counts.append(NightCount(night, capacity, sold, room_type.overbooking_allowance))
        grid.append(RoomTypeAvailability(room_type.code, room_type.name, counts))
    return grid
