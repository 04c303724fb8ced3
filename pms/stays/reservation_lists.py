"""Lists of reservations: one line per stay, filtered the ways a desk asks (arrivals, departures,
in-house on a night, a status, a piece of a name or a confirmation number). A list is two
queries whatever its length: the stays with their guests, then each one's first room."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from db.models import Guest, Reservation, ReservationStatus, Room, RoomNight, RoomType
from pms.guests.contact import display_name
from pms.hotel.properties import resolve_property
from pms.kernel.errors import InvalidInput


@dataclass(frozen=True)
class ReservationSummary:
    """One line of a reservation list."""

    confirmation: str
    status: str
    guest_name: str
    room_type: str
    room: str
    arrival: dt.date
    departure: dt.date
    adults: int
    children: int
    #: The guest's loyalty member number, "" when they are not a member.
    member_number: str = ""

    @property
    def nights(self) -> int:
        """Length of stay."""
        return (self.departure - self.arrival).days


def _filters(
    *,
    arriving: dt.date | None,
    departing: dt.date | None,
    staying: dt.date | None,
    status: str | None,
    text: str,
) -> list[ColumnElement[bool]]:
    """The conditions a list's filters put on its stays; a status must be one of the known."""
    conditions: list[ColumnElement[bool]] = []
    if arriving:
        conditions.append(Reservation.arrival == arriving)
    if departing:
        conditions.append(Reservation.departure == departing)
    if staying:
        conditions += [Reservation.arrival <= staying, Reservation.departure > staying]
    if status:
        try:
            conditions.append(Reservation.status == ReservationStatus(status))
        except ValueError as exc:
            known = ", ".join(s.value for s in ReservationStatus)
            raise InvalidInput("status", f"status {status!r} is not one of {known}") from exc
    if text.strip():
        pattern = f"%{text.strip().lower()}%"
        conditions.append(
            or_(
                func.lower(Guest.last_name).like(pattern),
                func.lower(Guest.first_name).like(pattern),
                func.lower(Reservation.confirmation).like(pattern),
            )
        )
    return conditions


def list_reservations(
    session: Session,
    property_code: str | None = None,
    *,
    arriving: dt.date | None = None,
    departing: dt.date | None = None,
    staying: dt.date | None = None,
    status: str | None = None,
    text: str = "",
    limit: int = 500,
) -> list[ReservationSummary]:
    """Reservations of a property, filtered the ways a desk asks: arrivals, departures, in-house
    on a night, by status, or by a piece of the guest's name or the confirmation number."""
    prop = resolve_property(session, property_code)
    query: Select[Any] = (
        select(Reservation, Guest, RoomType.code)
        .join(Guest, Reservation.guest_id == Guest.id)
        .join(RoomType, Reservation.room_type_id == RoomType.id)
        .where(Reservation.property_id == prop.id)
    )
    query = query.where(
        *_filters(arriving=arriving, departing=departing, staying=staying, status=status, text=text)
    )
    if limit < 1:
        raise InvalidInput("limit", "the limit must be at least 1")
    query = query.order_by(Reservation.arrival, Guest.last_name).limit(limit)
    rows = session.execute(query).all()
    rooms = _first_rooms(session, [r.id for r, _, _ in rows])
    return [
        ReservationSummary(
            confirmation=r.confirmation,
            status=r.status,
            guest_name=display_name(g),
            room_type=code,
            room=rooms.get(r.id, ""),
            arrival=r.arrival,
            departure=r.departure,
            adults=r.adults,
            children=r.children,
            member_number=g.loyalty_number or "",
        )
        for r, g, code in rows
    ]


def _first_rooms(session: Session, reservation_ids: list[int]) -> dict[int, str]:
    """The room of each stay's first assigned night, in one query for the whole list."""
    if not reservation_ids:
        return {}
    first_night = (
        select(RoomNight.reservation_id, func.min(RoomNight.night).label("night"))
        .where(RoomNight.reservation_id.in_(reservation_ids))
        .group_by(RoomNight.reservation_id)
        .subquery()
    )
    rows = session.execute(
        select(RoomNight.reservation_id, Room.number)
        .join(Room, Room.id == RoomNight.room_id)
        .join(
            first_night,
            (first_night.c.reservation_id == RoomNight.reservation_id)
            & (first_night.c.night == RoomNight.night),
        )
    ).all()
    return dict(rows)
