"""The room rack (tape chart): every room with its stays, out-of-order windows and status over a
window of nights, and the stays of the window that have no room yet.

A read service for the desk's rack screen: a handful of queries whatever the size of the hotel
(rooms, out-of-order windows, room-nights with their stays, unassigned stays), never one per room;
the stays' bars are built in `pms.frontdesk.rack_bars`. `rack_version` (`pms.frontdesk.polling`)
is the cheap question a screen polls with: when it moves, something changed at some desk, and the
screen reads the rack again and redraws only the rooms whose line differs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from db.models import OutOfOrder, Reservation, ReservationStatus, Room, RoomNight, RoomType
from pms.frontdesk.polling import RackVersion, rack_version
from pms.frontdesk.rack_bars import RackBar, stay_bars
from pms.guests.contact import display_name
from pms.hotel.properties import resolve_property, rooms_in_service
from pms.kernel.errors import InvalidInput

#: Longest window one read may cover (a quarter is more than any screen shows).
MAX_DAYS = 92

#: Stays that still need a room (checked-out ones had theirs).
_NEEDS_ROOM = (
    ReservationStatus.TENTATIVE,
    ReservationStatus.CONFIRMED,
    ReservationStatus.CHECKED_IN,
)


@dataclass(frozen=True)
class RackWindow:
    """Nights a room is out of order: start..end, end excluded (the first night back)."""

    start: dt.date
    end: dt.date
    reason: str


@dataclass(frozen=True)
class RackRoom:
    """One line of the rack: the room, its status now, and what happens to it in the window.

    Two RackRooms compare equal exactly when their line looks the same, so a screen redraws a
    room only when this value changed.
    """

    number: str
    floor: int
    room_type: str
    housekeeping: str
    out_of_service: str
    out_of_order: tuple[RackWindow, ...]
    bars: tuple[RackBar, ...]

    def bar_on(self, night: dt.date) -> RackBar | None:
        """The stay in this room on a night, if any."""
        return next((b for b in self.bars if b.first_night <= night <= b.last_night), None)

    def window_on(self, night: dt.date) -> RackWindow | None:
        """The out-of-order window covering a night, if any."""
        return next((w for w in self.out_of_order if w.start <= night < w.end), None)


@dataclass(frozen=True)
class UnassignedStay:
    """A stay in the window with no room yet, for the rack's side panel."""

    confirmation: str
    guest_name: str
    room_type: str
    status: str
    arrival: dt.date
    departure: dt.date
    version: int

    @property
    def nights(self) -> int:
        """Nights booked."""
        return (self.departure - self.arrival).days


@dataclass(frozen=True)
class RackView:
    """The rack for `days` nights from `start`; `version` is the change log position it was
    read at (compare with `rack_version` to know whether to read it again)."""

    property_code: str
    business_date: dt.date
    start: dt.date
    days: int
    version: RackVersion
    rooms: list[RackRoom]
    unassigned: list[UnassignedStay]

    @property
    def end(self) -> dt.date:
        """The first night after the window."""
        return self.start + dt.timedelta(days=self.days)


def _out_of_order(
    session: Session, property_id: int, first: dt.date, end: dt.date
) -> dict[int, list[RackWindow]]:
    """The out-of-order windows that overlap the window's nights, per room, in date order."""
    windows: dict[int, list[RackWindow]] = {}
    for window in session.scalars(
        select(OutOfOrder)
        .join(Room, Room.id == OutOfOrder.room_id)
        .where(
            Room.property_id == property_id,
            OutOfOrder.start_date < end,
            OutOfOrder.end_date > first,
        )
        .order_by(OutOfOrder.start_date)
    ):
        windows.setdefault(window.room_id, []).append(
            RackWindow(window.start_date, window.end_date, window.reason)
        )
    return windows


def _unassigned(
    session: Session, property_id: int, first: dt.date, end: dt.date
) -> list[UnassignedStay]:
    """The stays of the window's nights that still need a room and have none yet, by arrival.

    Sorted here, not in SQL: an ORDER BY arrival leads SQLite to walk the property's whole
    history by its arrival index instead of the few stays of these statuses."""
    found = session.execute(
        select(Reservation, RoomType.code)
        .join(RoomType, RoomType.id == Reservation.room_type_id)
        .where(
            Reservation.property_id == property_id,
            Reservation.status.in_(_NEEDS_ROOM),
            Reservation.arrival < end,
            Reservation.departure > first,
            ~select(RoomNight.id).where(RoomNight.reservation_id == Reservation.id).exists(),
        )
        .options(joinedload(Reservation.guest))
    ).all()
    found.sort(key=lambda row: (row[0].arrival, row[0].id))
    return [
        UnassignedStay(
            confirmation=r.confirmation,
            guest_name=display_name(r.guest),
            room_type=code,
            status=r.status,
            arrival=r.arrival,
            departure=r.departure,
            version=r.version,
        )
        for r, code in found
    ]


def room_rack(
    session: Session, property_code: str | None, start: dt.date | None = None, days: int = 14
) -> RackView:
    """Every room of the property with its stays and out-of-order windows for `days` nights
    from `start` (the business date when None), and the stays of those nights without a room.

    Cancelled and no-show stays are left out; checked-out ones stay on as history.
    """
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput("days", f"the rack shows 1 to {MAX_DAYS} nights at a time")
    version = rack_version(session)
    prop = resolve_property(session, property_code)
    today = prop.business_date
    first = start or today
    end = first + dt.timedelta(days=days)
    rooms = session.execute(
        select(Room, RoomType.code)
        .join(RoomType, RoomType.id == Room.room_type_id)
        .where(Room.property_id == prop.id, rooms_in_service(first))
        .order_by(Room.floor, Room.number)
    ).all()
    windows = _out_of_order(session, prop.id, first, end)
    bars = stay_bars(session, prop.id, first, end, today)
    return RackView(
        property_code=prop.code,
        business_date=today,
        start=first,
        days=days,
        version=version,
        rooms=[
            RackRoom(
                number=room.number,
                floor=room.floor,
                room_type=code,
                housekeeping=room.housekeeping,
                out_of_service=room.out_of_service,
                out_of_order=tuple(windows.get(room.id, ())),
                bars=tuple(bars.get(room.id, ())),
            )
            for room, code in rooms
        ],
        unassigned=_unassigned(session, prop.id, first, end),
    )


def changed_rack(
    session: Session,
    property_code: str | None,
    start: dt.date | None,
    days: int,
    known: RackVersion,
) -> RackView | None:
    """The rack read again, or None when nothing has changed since version `known`."""
    if rack_version(session) == known:
        return None
    return room_rack(session, property_code, start, days)
