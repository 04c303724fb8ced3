"""Rooms to suggest for an arrival: the rooms of the stay's type free for every night still to
come, ranked the way a clerk would pick — ready rooms (clean or inspected, vacant, in service)
first, then the guest's preferred features and floor, then inspected before clean before dirty.
Only a suggestion: giving the room is check-in's, under UNIQUE(room_id, night)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import HousekeepingStatus, OutOfOrder, Reservation, Room, RoomNight
from pms.hotel.properties import rooms_in_service
from pms.housekeeping.board import due_out_stays
from pms.inventory.nights import stay_nights
from pms.stays.reservation_views import load_reservation

_HOUSEKEEPING_RANK = {HousekeepingStatus.INSPECTED: 0, HousekeepingStatus.CLEAN: 1}
_YES = {"yes", "y", "true", "1", "please", "preferred"}
#: Preference keys whose values name room features (`features: quiet, accessible`).
_FEATURE_KEYS = {"feature", "features", "room", "view"}


@dataclass(frozen=True)
class RoomSuggestion:
    """A room that could take the stay, with what a clerk weighs when picking it.

    `ready` rooms (clean or inspected, vacant, in service) come first; `matches` are the
    guest's preferences the room meets.
    """

    number: str
    floor: int
    features: list[str]
    housekeeping: str
    vacant: bool
    out_of_service: str
    matches: list[str]
    assigned: bool = False

    @property
    def ready(self) -> bool:
        """A room the guest can walk into now."""
        return (
            self.housekeeping != HousekeepingStatus.DIRTY
            and self.vacant
            and not self.out_of_service
        )


def nights_to_come(reservation: Reservation, today: dt.date) -> list[dt.date]:
    """The nights still to come: from the business date (or the arrival) to the departure."""
    return stay_nights(max(reservation.arrival, today), reservation.departure)


def _wanted(preferences: dict[str, Any] | None) -> tuple[set[str], str]:
    """The room features and the floor a guest's preferences ask for."""
    features: set[str] = set()
    floor = ""
    for key, value in (preferences or {}).items():
        key, text = str(key).strip().lower(), str(value).strip().lower()
        if key == "floor":
            floor = text
        elif key in _FEATURE_KEYS:
            features.update(f"{part.strip()} {key}" if key == "view" else part.strip()
                            for part in text.split(",") if part.strip())  # fmt: skip
        elif text in _YES:
            features.add(key)
    return features, floor


def _matches(room: Room, wanted: set[str], floor: str) -> list[str]:
    have = {f.lower() for f in [*room.features, *room.room_type.features]}
    found = sorted(w for w in wanted if any(w == f or w in f for f in have))
    if floor.isdigit() and room.floor == int(floor):
        found.append(f"floor {floor}")
    return found


def _floor_key(room: Room, floor: str) -> int:
    if floor in {"high", "top", "upper"}:
        return -room.floor
    if floor.isdigit():
        return abs(room.floor - int(floor))
    return room.floor


def _free_rooms(
    session: Session, reservation: Reservation, nights: list[dt.date]
) -> Sequence[Room]:
    """Rooms of the stay's type that no other stay holds and none is out of order on these
    nights."""
    busy = select(RoomNight.room_id).where(
        RoomNight.night >= nights[0],
        RoomNight.night <= nights[-1],
        RoomNight.reservation_id != reservation.id,
    )
    broken = select(OutOfOrder.room_id).where(
        OutOfOrder.start_date <= nights[-1], OutOfOrder.end_date > nights[0]
    )
    return session.scalars(
        select(Room).where(
            Room.room_type_id == reservation.room_type_id,
            Room.id.not_in(busy),
            Room.id.not_in(broken),
            rooms_in_service(nights[-1]),
        )
    ).all()


def suggest_rooms(session: Session, confirmation: str) -> list[RoomSuggestion]:
    """Rooms of the stay's type free for all its coming nights, best first: the room assigned
    to the stay (marked `assigned`), ready rooms (clean or inspected and vacant), then the
    guest's preferred features and floor, then inspected before clean before dirty;
    out-of-service rooms last. Rooms out of order, taken on a night of the stay, or whose
    guest has not checked out yet are left out."""
    reservation = load_reservation(session, confirmation)
    prop = reservation.room_type.property
    nights = nights_to_come(reservation, prop.business_date)
    if not nights:
        return []
    rooms = _free_rooms(session, reservation, nights)
    occupied = due_out_stays(session, prop)
    assigned = session.scalar(
        select(RoomNight.room_id).where(
            RoomNight.reservation_id == reservation.id, RoomNight.night == nights[0]
        )
    )
    wanted, floor = _wanted(reservation.guest.preferences)
    choices = []
    for room in rooms:
        if room.id in occupied and room.id != assigned:
            continue  # its guest has not checked out yet: not a room to give
        matches = _matches(room, wanted, floor)
        choice = RoomSuggestion(
            number=room.number,
            floor=room.floor,
            features=list(room.features),
            housekeeping=room.housekeeping,
            vacant=room.id not in occupied,
            out_of_service=room.out_of_service,
            matches=matches,
            assigned=room.id == assigned,
        )
        rank = (
            not choice.assigned,
            bool(room.out_of_service),
            not choice.ready,
            -len(matches),
            _floor_key(room, floor),
            _HOUSEKEEPING_RANK.get(room.housekeeping, 2),
            room.number,
        )
        choices.append((rank, choice))
    return [choice for _, choice in sorted(choices, key=lambda pair: pair[0])]
