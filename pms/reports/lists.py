"""The desk's lists as reports: arrivals, departures, in-house, no-shows and cancellations of a
day or a range, one line per stay, in one query (the room and the stay's room revenue come as
sub-selects)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from db.models import (
    Guest,
    RatePlan,
    Reservation,
    ReservationNight,
    ReservationStatus,
    Room,
    RoomNight,
    RoomType,
)
from pms.guests.contact import display_name
from pms.kernel.errors import InvalidInput
from pms.reports.period import day_range

S = ReservationStatus
LISTS = ("arrivals", "departures", "in-house", "no-shows", "cancellations")


@dataclass(frozen=True)
class StayLine:
    """One stay of a list (money in minor units: the room nights as booked)."""

    confirmation: str
    status: str
    guest: str
    room_type: str
    rate_plan: str
    room: str
    arrival: dt.date
    departure: dt.date
    nights: int
    adults: int
    children: int
    source: str
    room_total: int


def _condition(name: str, first: dt.date, last: dt.date) -> ColumnElement[bool]:
    arriving = and_(Reservation.arrival >= first, Reservation.arrival <= last)
    if name == "arrivals":
        return and_(arriving, Reservation.status.not_in([S.CANCELLED, S.NO_SHOW]))
    if name == "departures":
        return and_(
            Reservation.departure >= first,
            Reservation.departure <= last,
            Reservation.status.in_([S.CHECKED_IN, S.CHECKED_OUT, S.CONFIRMED]),
        )
    if name == "in-house":
        return and_(
            Reservation.arrival <= last,
            Reservation.departure > first,
            Reservation.status.in_([S.CHECKED_IN, S.CHECKED_OUT]),
        )
    if name == "no-shows":
        return and_(arriving, Reservation.status == S.NO_SHOW)
    if name == "cancellations":
        return and_(arriving, Reservation.status == S.CANCELLED)
    raise InvalidInput("report", f"there is no list {name!r} (known: {', '.join(LISTS)})")


def stay_list(
    session: Session,
    name: str,
    property_code: str | None = None,
    day: dt.date | str | None = None,
    first: dt.date | str | None = None,
    last: dt.date | str | None = None,
) -> list[StayLine]:
    """A list (`arrivals`, `departures`, `in-house`, `no-shows`, `cancellations`) of a day
    (default the business date) or a range; cancellations and no-shows by their arrival."""
    prop, start, end = day_range(session, property_code, day, first, last)
    room = (
        select(Room.number)
        .join(RoomNight, RoomNight.room_id == Room.id)
        .where(RoomNight.reservation_id == Reservation.id)
        .order_by(RoomNight.night.desc())
        .limit(1)
        .scalar_subquery()
    )
    total = (
        select(func.coalesce(func.sum(ReservationNight.price), 0))
        .where(ReservationNight.reservation_id == Reservation.id)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Reservation, Guest, RoomType.code, RatePlan.code, room, total)
        .join(Guest, Guest.id == Reservation.guest_id)
        .join(RoomType, RoomType.id == Reservation.room_type_id)
        .join(RatePlan, RatePlan.id == Reservation.rate_plan_id)
        .where(Reservation.property_id == prop.id, _condition(name, start, end))
        .order_by(Reservation.arrival, Guest.last_name, Reservation.confirmation)
    ).all()
    return [
        StayLine(
            r.confirmation, r.status, display_name(guest), type_code, plan_code, number or "",
            r.arrival, r.departure, (r.departure - r.arrival).days, r.adults, r.children,
            r.source, int(amount),
        )
        for r, guest, type_code, plan_code, number, amount in rows
    ]  # fmt: skip
