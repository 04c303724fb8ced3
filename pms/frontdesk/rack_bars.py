"""The bars of the room rack: each stay's runs of consecutive nights in one room (a room move
makes two bars), read for a window of nights in one grouped query of plain columns — a full rack
is thousands of room-nights, too many to load as ORM objects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from db.models import Guest, Reservation, ReservationStatus, Room, RoomNight
from pms.guests.contact import full_name

#: Stays drawn on the rack; cancelled and no-show stays are absent from it.
_ON_RACK = (
    ReservationStatus.TENTATIVE,
    ReservationStatus.CONFIRMED,
    ReservationStatus.CHECKED_IN,
    ReservationStatus.CHECKED_OUT,
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


_STAY_COLUMNS = (
    Reservation.confirmation,
    Reservation.status,
    Reservation.arrival,
    Reservation.departure,
    Reservation.version,
    Guest.first_name,
    Guest.last_name,
)


def _in_window(property_id: int, first: dt.date, end: dt.date) -> Any:
    """The window's room-nights of stays on the rack. By the property's rooms, not its
    reservations: the (room, night) key then reads the window's nights only, not every stay the
    property ever had."""
    return (
        RoomNight.room_id.in_(select(Room.id).where(Room.property_id == property_id)),
        Reservation.status.in_(_ON_RACK),
        RoomNight.night >= first,
        RoomNight.night < end,
    )


def _stays_in_rooms(
    session: Session, property_id: int, first: dt.date, end: dt.date
) -> Sequence[Row[Any]]:
    """Per room and stay: its first and last night in the window and how many nights, with the
    stay and guest — one row per bar when the nights run unbroken (nearly always)."""
    return session.execute(
        select(
            RoomNight.room_id,
            Reservation.id,
            func.min(RoomNight.night),
            func.max(RoomNight.night),
            func.count(),
            *_STAY_COLUMNS,
        )
        .join(Reservation, Reservation.id == RoomNight.reservation_id)
        .join(Guest, Guest.id == Reservation.guest_id)
        .where(*_in_window(property_id, first, end))
        .group_by(RoomNight.room_id, Reservation.id, *_STAY_COLUMNS)
    ).all()


def _broken_runs(
    session: Session, property_id: int, first: dt.date, end: dt.date, pairs: set[tuple[int, int]]
) -> dict[tuple[int, int], list[tuple[dt.date, dt.date]]]:
    """The runs of consecutive nights of the (room, stay) pairs whose nights have gaps (a stay
    moved out of a room and back): read night by night."""
    runs: dict[tuple[int, int], list[tuple[dt.date, dt.date]]] = {}
    stays = {stay for _, stay in pairs}
    rows = session.execute(
        select(RoomNight.room_id, RoomNight.reservation_id, RoomNight.night)
        .join(Reservation, Reservation.id == RoomNight.reservation_id)
        .where(*_in_window(property_id, first, end), RoomNight.reservation_id.in_(stays))
        .order_by(RoomNight.room_id, RoomNight.reservation_id, RoomNight.night)
    )
    for room_id, stay_id, night in rows:
        if (room_id, stay_id) not in pairs:
            continue
        found = runs.setdefault((room_id, stay_id), [])
        if found and found[-1][1] == night - dt.timedelta(days=1):
            found[-1] = (found[-1][0], night)
        else:
            found.append((night, night))
    return runs


def stay_bars(
    session: Session, property_id: int, first: dt.date, end: dt.date, today: dt.date
) -> dict[int, list[RackBar]]:
    """The stays' runs of consecutive nights per room, for the window's nights.

    A full rack (300 rooms × 31 nights) is ~9,000 room-nights: they are grouped into runs by
    the database, and each bar is made once (measured by benchmarks/screen_data.py)."""
    rows = _stays_in_rooms(session, property_id, first, end)
    broken = {(row[0], row[1]) for row in rows if row[4] != (row[3] - row[2]).days + 1}
    split = _broken_runs(session, property_id, first, end, broken) if broken else {}
    bars: dict[int, list[RackBar]] = {}
    for room_id, stay_id, first_night, last_night, _, *stay in rows:
        confirmation, status, arrival, departure, version, first_name, last_name = stay
        state = rack_state(status, arrival, departure, today)
        guest_name = full_name(first_name, last_name)
        for run_first, run_last in split.get((room_id, stay_id), [(first_night, last_night)]):
            bars.setdefault(room_id, []).append(
                RackBar(
                    confirmation=confirmation,
                    guest_name=guest_name,
                    status=status,
                    state=state,
                    first_night=run_first,
                    last_night=run_last,
                    arrival=arrival,
                    departure=departure,
                    version=version,
                )
            )
    for room_bars in bars.values():
        room_bars.sort(key=lambda b: b.first_night)
    return bars
