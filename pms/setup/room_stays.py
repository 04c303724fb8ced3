"""The stays that hold a room from a night on, and moving them off it before the room leaves
(retired, or given another type).

A stay not yet arrived is moved to another room of its type that is free for all its nights,
or, when none is, keeps its booking without a room (one is given at check-in): its room type
is still sold for it, so inventory does not move. A guest in house is never moved behind the
desk's back: the room waits until the desk moves the guest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Reservation, ReservationStatus, Room, RoomNight
from pms.kernel.errors import RoomHoldsStays, RoomUnavailable
from pms.stays.rooms import assign_room, free_rooms, unassign_room


@dataclass(frozen=True)
class StayMoved:
    """A stay taken off a room that left: the room it now has, or None (given at check-in)."""

    confirmation: str
    from_room: str
    to_room: str | None


def stays_in_room(
    session: Session, room: Room, first: dt.date
) -> list[tuple[Reservation, dt.date]]:
    """The stays that hold the room on a night from `first` on, with the first such night."""
    rows = session.execute(
        select(Reservation, func.min(RoomNight.night))
        .join(RoomNight, RoomNight.reservation_id == Reservation.id)
        .where(RoomNight.room_id == room.id, RoomNight.night >= first)
        .group_by(Reservation.id)
        .order_by(func.min(RoomNight.night))
    ).all()
    return [(reservation, night) for reservation, night in rows]


def check_room_free(
    session: Session, room: Room, first: dt.date, doing: str, *, move_stays: bool
) -> list[Reservation]:
    """Refuse to let the room go while stays hold it from `first` on — unless `move_stays`,
    and then only if none of them is in house. Returns the stays to move."""
    stays = stays_in_room(session, room, first)
    if not stays:
        return []
    in_house = [(r, n) for r, n in stays if r.status == ReservationStatus.CHECKED_IN]
    if in_house:
        reservation, _ = in_house[0]
        raise RoomUnavailable(
            f"{doing}: {reservation.confirmation} is in house in room {room.number} until "
            f"{reservation.departure:%a %Y-%m-%d} — move the guest first"
        )
    if not move_stays:
        named = ", ".join(f"{r.confirmation} ({n:%a %Y-%m-%d})" for r, n in stays[:5])
        more = f" and {len(stays) - 5} more" if len(stays) > 5 else ""
        raise RoomHoldsStays(
            f"{doing}: room {room.number} is given to {named}{more} — move them to other rooms "
            "first, or have them moved",
            [r.confirmation for r, _ in stays],
        )
    return [r for r, _ in stays]


def move_stays(session: Session, room: Room, stays: list[Reservation]) -> list[StayMoved]:
    """Move each stay to the first free room of its type, or leave it without one. Run after
    the room has left (retired or retyped), so the room itself is no longer free for them."""
    moved = []
    for reservation in stays:
        choices = free_rooms(session, reservation.confirmation)
        if choices:
            assign_room(session, reservation.confirmation, choices[0].number)
            moved.append(StayMoved(reservation.confirmation, room.number, choices[0].number))
        else:
            unassign_room(session, reservation.confirmation)
            moved.append(StayMoved(reservation.confirmation, room.number, None))
    return moved
