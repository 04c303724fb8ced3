"""The room rack (tape chart): every room with its stays, out-of-order windows and status over a
window of nights, and the stays of the window that have no room yet.

A read service for the desk's rack screen: a handful of queries whatever the size of the hotel
(rooms, out-of-order windows, room-nights with their stays, unassigned stays), never one per room.
`rack_version` is the cheap question a screen polls with: when it moves, something changed at
some desk, and the screen reads the rack again and redraws only the rooms whose line differs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from db.models import (
    ChangeLog,
    Guest,
    OutOfOrder,
    Reservation,
    ReservationStatus,
    Room,
    RoomNight,
    RoomType,
)
from pms.errors import InvalidInput
from pms.guests import display_name
from pms.housekeeping_board import RoomStatusView, housekeeping_board
from pms.properties import resolve_property

#: Longest window one read may cover (a quarter is more than any screen shows).
MAX_DAYS = 92

#: How far back in the change log a late commit is still noticed (see `rack_version`).
RECENT_CHANGES = 1000
#: A position in the change log: (last id, changes among the last RECENT_CHANGES ids).
RackVersion = tuple[int, int]

#: Stays drawn on the rack; cancelled and no-show stays are absent from it.
_ON_RACK = (
    ReservationStatus.TENTATIVE,
    ReservationStatus.CONFIRMED,
    ReservationStatus.CHECKED_IN,
    ReservationStatus.CHECKED_OUT,
)
#: Stays that still need a room (checked-out ones had theirs).
_NEEDS_ROOM = (
    ReservationStatus.TENTATIVE,
    ReservationStatus.CONFIRMED,
    ReservationStatus.CHECKED_IN,
)


def rack_state(status: str, arrival: dt.date, departure: dt.date, business_date: dt.date) -> str:
    """How a stay shows on the rack: tentative, confirmed, in-house, due-out or checked-out
    (an in-house stay whose departure has come is due out; the same keys as the lists use)."""
    if status == ReservationStatus.CHECKED_IN:
        return "due-out" if departure <= business_date else "in-house"
    return status.replace("_", "-")


@dataclass(frozen=True)
class RackBar:
    """One stay's run of consecutive nights in one room (a room move makes two bars).

    `first_night` and `last_night` are the nights in this room (both included), not clipped to
    the window; `arriving` is a stay due in on the business date, `due_out` one leaving then.
    """

    confirmation: str
    guest_name: str
    status: str
    state: str
    first_night: dt.date
    last_night: dt.date
    arrival: dt.date
    departure: dt.date
    version: int

    @property
    def in_house(self) -> bool:
        """The guest is in the hotel now."""
        return self.status == ReservationStatus.CHECKED_IN

    @property
    def due_out(self) -> bool:
        """An in-house guest whose departure has come."""
        return self.state == "due-out"

    @property
    def arriving(self) -> bool:
        """A booking not yet checked in whose first night is in this room."""
        return self.status in (ReservationStatus.TENTATIVE, ReservationStatus.CONFIRMED)


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


def rack_version(session: Session) -> RackVersion:
    """Where the change log stands: its last id, and how many changes lie within the last
    RECENT_CHANGES ids. Two range reads on the primary key, cheap enough to poll.

    The count is there because ids are taken at insert and committed in any order (PostgreSQL):
    a slow transaction that commits an id below the newest one does not move the last id, but
    it does move the count.
    """
    newest = session.scalar(select(func.max(ChangeLog.id))) or 0
    recent = session.scalar(
        select(func.count()).select_from(ChangeLog).where(ChangeLog.id > newest - RECENT_CHANGES)
    )
    return newest, recent or 0


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
        .where(Room.property_id == prop.id)
        .order_by(Room.floor, Room.number)
    ).all()

    windows: dict[int, list[RackWindow]] = {}
    for window in session.scalars(
        select(OutOfOrder)
        .join(Room, Room.id == OutOfOrder.room_id)
        .where(
            Room.property_id == prop.id, OutOfOrder.start_date < end, OutOfOrder.end_date > first
        )
        .order_by(OutOfOrder.start_date)
    ):
        windows.setdefault(window.room_id, []).append(
            RackWindow(window.start_date, window.end_date, window.reason)
        )

    bars = _bars(session, prop.id, first, end, today)

    unassigned = [
        UnassignedStay(
            confirmation=r.confirmation,
            guest_name=display_name(r.guest),
            room_type=code,
            status=r.status,
            arrival=r.arrival,
            departure=r.departure,
            version=r.version,
        )
        for r, code in session.execute(
            select(Reservation, RoomType.code)
            .join(RoomType, RoomType.id == Reservation.room_type_id)
            .where(
                Reservation.property_id == prop.id,
                Reservation.status.in_(_NEEDS_ROOM),
                Reservation.arrival < end,
                Reservation.departure > first,
                ~select(RoomNight.id).where(RoomNight.reservation_id == Reservation.id).exists(),
            )
            .order_by(Reservation.arrival, Reservation.id)
            .options(joinedload(Reservation.guest))
        ).all()
    ]

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
        unassigned=unassigned,
    )


def _bars(
    session: Session, property_id: int, first: dt.date, end: dt.date, today: dt.date
) -> dict[int, list[RackBar]]:
    """The stays' runs of consecutive nights per room, for the window's nights.

    Plain columns, not ORM objects: a full rack is tens of thousands of room-nights.
    """
    rows = session.execute(
        select(
            RoomNight.room_id,
            RoomNight.night,
            Reservation.id,
            Reservation.confirmation,
            Reservation.status,
            Reservation.arrival,
            Reservation.departure,
            Reservation.version,
            Guest.first_name,
            Guest.last_name,
        )
        .join(Reservation, Reservation.id == RoomNight.reservation_id)
        .join(Guest, Guest.id == Reservation.guest_id)
        .where(
            Reservation.property_id == property_id,
            Reservation.status.in_(_ON_RACK),
            RoomNight.night >= first,
            RoomNight.night < end,
        )
        .order_by(RoomNight.room_id, Reservation.id, RoomNight.night)
    ).all()
    bars: dict[int, list[RackBar]] = {}
    run: RackBar | None = None
    run_room: int | None = None
    names: dict[int, str] = {}
    for room_id, night, stay_id, confirmation, status, arrival, departure, version, *name in rows:
        if (
            run is not None
            and run_room == room_id
            and run.confirmation == confirmation
            and run.last_night == night - dt.timedelta(days=1)
        ):
            run = replace(run, last_night=night)
            bars[room_id][-1] = run
            continue
        if stay_id not in names:
            names[stay_id] = display_name(Guest(first_name=name[0], last_name=name[1]))
        run, run_room = (
            RackBar(
                confirmation=confirmation,
                guest_name=names[stay_id],
                status=status,
                state=rack_state(status, arrival, departure, today),
                first_night=night,
                last_night=night,
                arrival=arrival,
                departure=departure,
                version=version,
            ),
            room_id,
        )
        bars.setdefault(room_id, []).append(run)
    for room_bars in bars.values():
        room_bars.sort(key=lambda b: b.first_night)
    return bars


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


def read_board(
    session: Session, property_code: str | None, known: RackVersion | None = None
) -> tuple[list[RoomStatusView], dt.date, RackVersion] | None:
    """The board with the business date and the change-log position it was read at; None when
    `known` is given and nothing has changed since."""
    version = rack_version(session)
    if known is not None and version == known:
        return None
    business_date = resolve_property(session, property_code).business_date
    return housekeeping_board(session, property_code), business_date, version
