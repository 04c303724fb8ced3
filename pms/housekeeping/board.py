"""The housekeeping board: every room's cleanliness, occupancy and order as of the business date.

Read by the desk, the rack and the housekeeping screens; the status changes that return a
room's line are in pms.housekeeping.room_status and pms.housekeeping.out_of_order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from db.models import (
    HousekeepingStatus,
    OutOfOrder,
    Property,
    Reservation,
    ReservationStatus,
    Room,
    RoomNight,
    RoomType,
)
from pms.guests.contact import display_name
from pms.hotel.properties import resolve_property, rooms_in_service
from pms.kernel.errors import InvalidInput

VACANT, OCCUPIED, ARRIVING, DUE_OUT = "vacant", "occupied", "arriving", "due out"
_OCCUPANCIES = (VACANT, OCCUPIED, ARRIVING, DUE_OUT)
#: The cleanliness a room can be reported in.
HOUSEKEEPING_STATES = tuple(s.value for s in HousekeepingStatus)
_BOARD_FILTERS = (*HOUSEKEEPING_STATES, *_OCCUPANCIES, "ooo", "oos")


@dataclass(frozen=True)
class RoomStatusView:
    """One room on the housekeeping board, as of the business date.

    `occupancy` is vacant, occupied (staying tonight), arriving (a stay due in tonight) or
    due out (an in-house guest leaving today); `arriving` is also set on a due-out room that
    someone else arrives in tonight, so housekeeping turns it first.
    """

    number: str
    floor: int
    room_type: str
    housekeeping: str
    occupancy: str
    guest: str
    arriving: bool
    out_of_order: str
    out_of_order_until: dt.date | None
    out_of_service: str

    @property
    def ready(self) -> bool:
        """Clean or inspected, nobody in it, in order and in service: a room to give now."""
        return (
            self.housekeeping != HousekeepingStatus.DIRTY
            and self.occupancy in (VACANT, ARRIVING)
            and not self.out_of_order
            and not self.out_of_service
        )


def due_out_stays(session: Session, prop: Property) -> dict[int, Reservation]:
    """In-house stays whose departure has come (today, or overdue), by the room they are in."""
    rows = session.execute(
        select(RoomNight.room_id, Reservation)
        .join(Reservation, Reservation.id == RoomNight.reservation_id)
        .where(
            Reservation.property_id == prop.id,
            Reservation.status == ReservationStatus.CHECKED_IN,
            Reservation.departure <= prop.business_date,
        )
        .order_by(RoomNight.night)
        .options(joinedload(Reservation.guest))
    ).all()
    last_room: dict[int, tuple[int, Reservation]] = {}
    for room_id, reservation in rows:  # night order: the last row of a stay is its last night
        last_room[reservation.id] = (room_id, reservation)
    return {room_id: reservation for room_id, reservation in last_room.values()}


def _stays_tonight(session: Session, prop: Property) -> dict[int, Reservation]:
    """The stay each room holds tonight (in house, or due in), by room."""
    return {
        room_id: reservation
        for room_id, reservation in session.execute(
            select(RoomNight.room_id, Reservation)
            .join(Reservation, Reservation.id == RoomNight.reservation_id)
            .where(
                Reservation.property_id == prop.id,
                RoomNight.night == prop.business_date,
                Reservation.status.in_(
                    [
                        ReservationStatus.CHECKED_IN,
                        ReservationStatus.CONFIRMED,
                        ReservationStatus.TENTATIVE,
                    ]
                ),
            )
            .options(joinedload(Reservation.guest))
        ).all()
    }


def _out_of_order_today(session: Session, prop: Property) -> dict[int, OutOfOrder]:
    """The out-of-order window each room is in on the business date, by room."""
    today = prop.business_date
    return {
        w.room_id: w
        for w in session.scalars(
            select(OutOfOrder)
            .join(Room, Room.id == OutOfOrder.room_id)
            .where(
                Room.property_id == prop.id,
                OutOfOrder.start_date <= today,
                OutOfOrder.end_date > today,
            )
        )
    }


def _room_line(
    room: Room,
    type_code: str,
    stay: Reservation | None,
    leaving: Reservation | None,
    window: OutOfOrder | None,
) -> RoomStatusView:
    """One room's board line from tonight's stay, the stay due out of it and its window."""
    arriving = stay is not None and stay.status != ReservationStatus.CHECKED_IN
    if leaving is not None:
        occupancy, guest = DUE_OUT, display_name(leaving.guest)
    elif stay is not None:
        occupancy = ARRIVING if arriving else OCCUPIED
        guest = display_name(stay.guest)
    else:
        occupancy, guest = VACANT, ""
    return RoomStatusView(
        number=room.number,
        floor=room.floor,
        room_type=type_code,
        housekeeping=room.housekeeping,
        occupancy=occupancy,
        guest=guest,
        arriving=arriving,
        out_of_order=window.reason if window else "",
        out_of_order_until=window.end_date if window else None,
        out_of_service=room.out_of_service,
    )


def board_rows(
    session: Session,
    prop: Property,
    *,
    room_ids: list[int] | None = None,
    floor: int | None = None,
) -> list[RoomStatusView]:
    """The board lines of the property's rooms (only `room_ids`, or one `floor`, if given)."""
    query = (
        select(Room, RoomType.code)
        .join(RoomType, RoomType.id == Room.room_type_id)
        .where(Room.property_id == prop.id, rooms_in_service(prop.business_date))
        .order_by(Room.floor, Room.number)
    )
    if room_ids is not None:
        query = query.where(Room.id.in_(room_ids))
    if floor is not None:
        query = query.where(Room.floor == floor)
    rooms = session.execute(query).all()
    tonight = _stays_tonight(session, prop)
    leaving = due_out_stays(session, prop)
    windows = _out_of_order_today(session, prop)
    return [
        _room_line(
            room, type_code, tonight.get(room.id), leaving.get(room.id), windows.get(room.id)
        )
        for room, type_code in rooms
    ]


def housekeeping_board(
    session: Session,
    property_code: str | None = None,
    floor: int | None = None,
    status: str | None = None,
) -> list[RoomStatusView]:
    """Every room of the property by floor then number, with its status as of the business date.

    Args:
        status: keep only rooms that are dirty / clean / inspected, vacant / occupied /
            arriving / due out, or out of order (`ooo`) / out of service (`oos`).
    """
    prop = resolve_property(session, property_code)
    wanted = status.strip().lower().replace("_", " ") if status else None
    if wanted is not None and wanted not in _BOARD_FILTERS:
        raise InvalidInput("status", f"status {status!r} is not one of {', '.join(_BOARD_FILTERS)}")
    board = board_rows(session, prop, floor=floor)
    if wanted is None:
        return board
    if wanted == "ooo":
        return [r for r in board if r.out_of_order]
    if wanted == "oos":
        return [r for r in board if r.out_of_service]
    if wanted in HOUSEKEEPING_STATES:
        return [r for r in board if r.housekeeping == wanted]
    return [r for r in board if r.occupancy == wanted or (wanted == ARRIVING and r.arriving)]
