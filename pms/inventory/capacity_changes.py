"""Changing how many rooms of a type there are to sell, from a night on, without ever leaving
a night sold beyond what is left.

A room leaving a type (retired, or given another type) takes one room off every night from
then on that is open for sale, except the nights it is out of order (it was not counted on
those). The UPDATE is guarded in the database — only rows where the rooms sold still fit in
the rooms left plus the overbooking allowance change — and refused whole, naming every night
that would not fit. The room type is held first (`lock_room_type`), so no night is opened for
sale while its rooms are being counted differently. Nights not yet open need nothing: they are
counted from the rooms when first sold (`pms.inventory.nights`).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, and_, exists, select, update
from sqlalchemy.orm import Session

from db.models import Inventory, OutOfOrder, Room, RoomType
from pms.inventory.nights import lock_room_type
from pms.kernel.errors import CapacityRefused

#: How many refused nights a message names before it says "and n more".
NIGHTS_NAMED = 5


def _in_order(room: Room) -> ColumnElement[bool]:
    """The inventory rows on which the room is not out of order (so it is counted there)."""
    return ~exists().where(
        OutOfOrder.room_id == room.id,
        OutOfOrder.start_date <= Inventory.night,
        OutOfOrder.end_date > Inventory.night,
    )


def nights_named(nights: list[dt.date]) -> str:
    """`Fri 2026-12-04, Sat 2026-12-05 and 3 more`."""
    named = ", ".join(f"{n:%a %Y-%m-%d}" for n in nights[:NIGHTS_NAMED])
    rest = len(nights) - NIGHTS_NAMED
    return f"{named} and {rest} more" if rest > 0 else named


def take_room(
    session: Session, room: Room, room_type: RoomType, first: dt.date, doing: str
) -> None:
    """One room fewer of `room_type` on every open night from `first` on where `room` was
    counted; refused whole (CapacityRefused, every night named) where the rooms sold would
    no longer fit. `doing` says what the change is, for the message ("retiring room 105")."""
    lock_room_type(session, room_type.id)
    counted = and_(
        Inventory.room_type_id == room_type.id, Inventory.night >= first, _in_order(room)
    )
    nights = set(session.scalars(select(Inventory.night).where(counted).with_for_update()))
    if not nights:
        return
    taken = set(
        session.scalars(
            update(Inventory)
            .where(
                counted,
                Inventory.capacity - 1 + room_type.overbooking_allowance >= Inventory.sold,
            )
            .values(capacity=Inventory.capacity - 1)
            .returning(Inventory.night)
            .execution_options(synchronize_session=False)
        )
    )
    if refused := sorted(nights - taken):
        raise CapacityRefused(
            f"{doing} would leave {room_type.code} sold beyond the rooms left on "
            f"{nights_named(refused)} — move or cancel stays on those nights first",
            refused,
        )


def give_room(session: Session, room: Room, room_type: RoomType, first: dt.date) -> None:
    """One room more of `room_type` on every open night from `first` on where `room` is in
    order (a room joining a type)."""
    lock_room_type(session, room_type.id)
    session.execute(
        update(Inventory)
        .where(Inventory.room_type_id == room_type.id, Inventory.night >= first, _in_order(room))
        .values(capacity=Inventory.capacity + 1)
        .execution_options(synchronize_session=False)
    )


def oversold_with(
    session: Session, room_type: RoomType, first: dt.date, allowance: int
) -> list[dt.date]:
    """The open nights from `first` on that would be sold beyond their rooms with this
    overbooking allowance. Every open night of the type from `first` on is held until the
    transaction ends, so no booking sells into them while the allowance changes."""
    lock_room_type(session, room_type.id)
    rows = session.execute(
        select(Inventory.night, Inventory.sold, Inventory.capacity)
        .where(Inventory.room_type_id == room_type.id, Inventory.night >= first)
        .order_by(Inventory.night)
        .with_for_update()
    ).all()
    return [row.night for row in rows if row.sold > row.capacity + allowance]


def sold_nights(session: Session, room_type: RoomType, first: dt.date) -> list[dt.date]:
    """The open nights from `first` on with a room of the type sold, held until the
    transaction ends (so none is sold while the type is being retired)."""
    lock_room_type(session, room_type.id)
    return list(
        session.scalars(
            select(Inventory.night)
            .where(
                Inventory.room_type_id == room_type.id,
                Inventory.night >= first,
                Inventory.sold > 0,
            )
            .order_by(Inventory.night)
            .with_for_update()
        )
    )
