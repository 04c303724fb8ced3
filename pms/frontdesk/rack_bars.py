"""The bars of the room rack: each stay's runs of consecutive nights in one room (a room move
makes two bars), read for a window of nights in one query of plain columns — a full rack is
tens of thousands of room-nights, too many to load as ORM objects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from db.models import Guest, Reservation, ReservationStatus, RoomNight
from pms.guests.contact import display_name

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


def _room_nights(
    session: Session, property_id: int, first: dt.date, end: dt.date
) -> Sequence[Row[Any]]:
    """The window's room-nights of stays on the rack with their stay and guest, ordered so that
    each stay's nights in one room come together and in order."""
    return session.execute(
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


def stay_bars(
    session: Session, property_id: int, first: dt.date, end: dt.date, today: dt.date
) -> dict[int, list[RackBar]]:
    """The stays' runs of consecutive nights per room, for the window's nights."""
    bars: dict[int, list[RackBar]] = {}
    run: RackBar | None = None
    run_room: int | None = None
    names: dict[int, str] = {}
    for row in _room_nights(session, property_id, first, end):
        room_id, night, stay_id, confirmation, status, arrival, departure, version, *name = row
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
