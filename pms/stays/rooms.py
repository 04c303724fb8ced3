"""Giving rooms to stays: one row per room-night, and UNIQUE(room_id, night) keeps it honest."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import OutOfOrder, Reservation, Room, RoomNight
from pms.hotel.properties import rooms_in_service
from pms.inventory.nights import stay_nights
from pms.kernel.audit import record
from pms.kernel.errors import InvalidTransition, NotFound, RoomUnavailable
from pms.stays.reservation_views import (
    CHANGEABLE,
    ReservationView,
    check_version,
    load_reservation,
    reservation_view,
    rooms_of,
)


@dataclass(frozen=True)
class RoomChoice:
    """A room that could take a stay, with what a clerk weighs when picking it."""

    number: str
    floor: int
    features: list[str]
    housekeeping: str


def touch(session: Session, reservation: Reservation) -> None:
    """Bump the reservation's version now, so a concurrent change to it fails early."""
    reservation.updated_at = dt.datetime.now(dt.UTC)
    session.flush()


def drop_room_nights(
    session: Session, reservation: Reservation, keep: set[dt.date] | None = None
) -> None:
    """Free the stay's rooms on every night not in `keep`."""
    statement = delete(RoomNight).where(RoomNight.reservation_id == reservation.id)
    if keep:
        statement = statement.where(RoomNight.night.not_in(keep))
    session.execute(statement.execution_options(synchronize_session=False))


def _load_room(session: Session, reservation: Reservation, number: str) -> Room:
    room = session.scalar(
        select(Room).where(
            Room.property_id == reservation.property_id, Room.number == number.strip()
        )
    )
    if room is None:
        raise NotFound(f"there is no room {number.strip()!r}")
    return room


def room_conflict(
    session: Session, room: Room, reservation: Reservation, nights: list[dt.date]
) -> str:
    """Why the room cannot take these nights, or '' when it can.

    The room's row is held first: a room being retired at another desk (which looks for the
    stays it holds while it holds the row) is then either retired before this reads it, or
    sees the nights this gives it.
    """
    retired_on = session.scalar(select(Room.retired_on).where(Room.id == room.id).with_for_update())
    if retired_on is not None and nights[-1] >= retired_on:
        return f"room {room.number} is retired from {retired_on}"
    window = session.scalar(
        select(OutOfOrder)
        .where(
            OutOfOrder.room_id == room.id,
            OutOfOrder.start_date <= nights[-1],
            OutOfOrder.end_date > nights[0],
        )
        .limit(1)
    )
    if window is not None:
        return (
            f"room {room.number} is out of order {window.start_date} to {window.end_date} "
            f"({window.reason})"
        )
    taken = session.execute(
        select(RoomNight.night, Reservation.confirmation)
        .join(Reservation, Reservation.id == RoomNight.reservation_id)
        .where(
            RoomNight.room_id == room.id,
            RoomNight.night >= nights[0],
            RoomNight.night <= nights[-1],
            RoomNight.reservation_id != reservation.id,
        )
        .order_by(RoomNight.night)
        .limit(1)
    ).first()
    if taken is not None:
        return f"room {room.number} is taken on {taken.night:%a %Y-%m-%d} by {taken.confirmation}"
    return ""


def give_room(
    session: Session, reservation: Reservation, room: Room, nights: list[dt.date]
) -> None:
    """Write the room-nights; a desk that took the room a moment ago makes this fail cleanly."""
    if not nights:
        return
    rows = [{"room_id": room.id, "reservation_id": reservation.id, "night": n} for n in nights]
    try:
        with session.begin_nested():
            session.execute(insert(RoomNight), rows)
    except IntegrityError as exc:
        raise RoomUnavailable(
            f"room {room.number} was just taken by another desk — pick another"
        ) from exc


def carry_room(
    session: Session, reservation: Reservation, old_nights: list[dt.date], same_type: bool
) -> None:
    """After a change of dates, keep the stay in its room where the room is free, else free it."""
    numbers = rooms_of(session, reservation.id)
    new_nights = stay_nights(reservation.arrival, reservation.departure)
    if not numbers:
        return
    if not same_type or len(numbers) > 1:
        drop_room_nights(session, reservation)
        return
    room = _load_room(session, reservation, numbers[0])
    drop_room_nights(session, reservation, keep=set(new_nights))
    added = [n for n in new_nights if n not in set(old_nights)]
    if added and room_conflict(session, room, reservation, added):
        drop_room_nights(session, reservation)
        return
    give_room(session, reservation, room, added)


def assign_room(
    session: Session, confirmation: str, room_number: str, expected_version: int | None = None
) -> ReservationView:
    """Give the stay a room for all its nights (replacing any room it had)."""
    reservation = load_reservation(session, confirmation)
    check_version(reservation, expected_version)
    if reservation.status not in CHANGEABLE:
        raise InvalidTransition(
            f"reservation {reservation.confirmation} is {reservation.status}; "
            "rooms are assigned before check-in"
        )
    room = _load_room(session, reservation, room_number)
    if room.room_type_id != reservation.room_type_id:
        raise RoomUnavailable(
            f"room {room.number} is a {room.room_type.code}; this stay is booked as "
            f"{reservation.room_type.code} — change the room type first"
        )
    nights = stay_nights(reservation.arrival, reservation.departure)
    if reason := room_conflict(session, room, reservation, nights):
        raise RoomUnavailable(f"{reason} — pick another")
    before = {"rooms": rooms_of(session, reservation.id)}
    touch(session, reservation)
    drop_room_nights(session, reservation)
    give_room(session, reservation, room, nights)
    record(
        session,
        "assign_room",
        "reservation",
        reservation.id,
        before=before,
        after={"rooms": [room.number]},
    )
    return reservation_view(session, reservation)


def unassign_room(
    session: Session, confirmation: str, expected_version: int | None = None
) -> ReservationView:
    """Take the room back from a stay that has not arrived."""
    reservation = load_reservation(session, confirmation)
    check_version(reservation, expected_version)
    if reservation.status not in CHANGEABLE:
        raise InvalidTransition(
            f"reservation {reservation.confirmation} is {reservation.status}; "
            "only stays not yet checked in can give back their room"
        )
    before = {"rooms": rooms_of(session, reservation.id)}
    touch(session, reservation)
    drop_room_nights(session, reservation)
    record(
        session, "unassign_room", "reservation", reservation.id, before=before, after={"rooms": []}
    )
    return reservation_view(session, reservation)


def free_rooms(session: Session, confirmation: str) -> list[RoomChoice]:
    """Rooms of the stay's type that are free and in order for all its nights, best first:
    inspected, then clean, then dirty; lower floors first."""
    reservation = load_reservation(session, confirmation)
    nights = stay_nights(reservation.arrival, reservation.departure)
    busy = select(RoomNight.room_id).where(
        RoomNight.night >= nights[0],
        RoomNight.night <= nights[-1],
        RoomNight.reservation_id != reservation.id,
    )
    broken = select(OutOfOrder.room_id).where(
        OutOfOrder.start_date <= nights[-1], OutOfOrder.end_date > nights[0]
    )
    rooms = session.scalars(
        select(Room)
        .where(
            Room.room_type_id == reservation.room_type_id,
            Room.id.not_in(busy),
            Room.id.not_in(broken),
            rooms_in_service(nights[-1]),
        )
        .order_by(Room.floor, Room.number)
    ).all()
    rank = {"inspected": 0, "clean": 1, "dirty": 2}
    ordered = sorted(rooms, key=lambda r: rank.get(r.housekeeping, 3))
    return [RoomChoice(r.number, r.floor, list(r.features), r.housekeeping) for r in ordered]
