"""Room status: a room's cleanliness (dirty, clean, inspected) as housekeeping reports it, out
of service (still sellable, kept empty for now), and the checks the desk makes before giving a
room to a guest. Out of order, which takes a room out of inventory, is
`pms.housekeeping.out_of_order`; the board itself is in `pms.housekeeping.board`.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import (
    HousekeepingStatus,
    Property,
    Reservation,
    ReservationStatus,
    Room,
    RoomNight,
)
from pms.guests.contact import display_name
from pms.hotel.properties import resolve_property
from pms.housekeeping.board import HOUSEKEEPING_STATES, RoomStatusView, board_rows, due_out_stays
from pms.kernel.audit import record
from pms.kernel.errors import InvalidInput, NotFound, RoomUnavailable
from pms.kernel.permissions import require


def find_room(session: Session, property_id: int, number: str, *, lock: bool = False) -> Room:
    """The room with this number at the property; `lock` makes other desks changing the same
    room wait for this transaction (PostgreSQL; SQLite already runs one writer at a time)."""
    query = select(Room).where(Room.property_id == property_id, Room.number == number.strip())
    room = session.scalar(query.with_for_update() if lock else query)
    if room is None:
        raise NotFound(f"there is no room {number.strip()!r}")
    return room


def lock_room(session: Session, room: Room) -> None:
    """Make a desk taking the room out of order wait until this transaction ends, so a room is
    never given and put out of order at once (PostgreSQL; SQLite runs one writer anyway)."""
    session.execute(select(Room.id).where(Room.id == room.id).with_for_update())


def check_room_ready(
    session: Session, room: Room, prop: Property, *, allow_dirty: bool, doing: str
) -> None:
    """Refuse a room a guest cannot walk into now: out of service, still occupied by a guest
    due out, or dirty (unless a supervisor gives it anyway)."""
    if room.out_of_service:
        raise RoomUnavailable(
            f"room {room.number} is out of service ({room.out_of_service}) "
            "— return it to service first or pick another"
        )
    occupant = due_out_stays(session, prop).get(room.id)
    if occupant is not None:
        raise RoomUnavailable(
            f"room {room.number} is still occupied by {display_name(occupant.guest)} "
            f"({occupant.confirmation}, due out) — check them out first or pick another"
        )
    if room.housekeeping == HousekeepingStatus.DIRTY:
        if not allow_dirty:
            raise RoomUnavailable(f"room {room.number} is dirty — a supervisor can give it anyway")
        require(session, "room.give_dirty", f"{doing} a dirty room")


def mark_dirty(session: Session, room: Room, why: str) -> None:
    """The room needs cleaning (a guest left it); noted in the audit trail."""
    if room.housekeeping == HousekeepingStatus.DIRTY:
        return
    before = room.housekeeping
    room.housekeeping = HousekeepingStatus.DIRTY
    record(
        session, "housekeeping", "room", room.id,
        before={"housekeeping": before}, after={"housekeeping": "dirty", "why": why},
    )  # fmt: skip


def set_housekeeping(
    session: Session, room_number: str, status: str, *, property_code: str | None = None
) -> RoomStatusView:
    """Set a room's cleanliness as housekeeping reports it; 'inspected' needs a supervisor."""
    wanted = status.strip().lower()
    if wanted not in HOUSEKEEPING_STATES:
        raise InvalidInput(
            "status", f"status {status!r} is not one of {', '.join(HOUSEKEEPING_STATES)}"
        )
    if wanted == HousekeepingStatus.INSPECTED:
        require(session, "room.inspect")
    prop = resolve_property(session, property_code)
    room = find_room(session, prop.id, room_number)
    before = room.housekeeping
    room.housekeeping = wanted
    record(
        session, "housekeeping", "room", room.id,
        before={"housekeeping": before}, after={"housekeeping": wanted},
    )  # fmt: skip
    session.flush()
    return board_rows(session, prop, room_ids=[room.id])[0]


def set_out_of_service(
    session: Session, room_number: str, reason: str = "", *, property_code: str | None = None
) -> RoomStatusView:
    """Keep a room empty for now while it stays on sale (a smell, a broken lamp); an empty
    reason puts it back in service."""
    prop = resolve_property(session, property_code)
    room = find_room(session, prop.id, room_number)
    reason = reason.strip()
    if len(reason) > 200:
        raise InvalidInput("reason", "the reason may be at most 200 characters")
    before = room.out_of_service
    room.out_of_service = reason
    record(
        session, "out_of_service", "room", room.id,
        before={"out_of_service": before}, after={"out_of_service": reason},
    )  # fmt: skip
    session.flush()
    return board_rows(session, prop, room_ids=[room.id])[0]


def mark_stayovers_dirty(session: Session, property_code: str | None = None) -> list[str]:
    """For the night audit: every room with an in-house guest tonight needs servicing
    tomorrow. Returns the rooms newly marked dirty."""
    prop = resolve_property(session, property_code)
    occupied = (
        select(RoomNight.room_id)
        .join(Reservation, Reservation.id == RoomNight.reservation_id)
        .where(
            Reservation.property_id == prop.id,
            Reservation.status == ReservationStatus.CHECKED_IN,
            RoomNight.night == prop.business_date,
        )
    )
    numbers = sorted(
        session.scalars(
            update(Room)
            .where(
                Room.id.in_(occupied),
                Room.housekeeping != HousekeepingStatus.DIRTY,
            )
            .values(housekeeping=HousekeepingStatus.DIRTY)
            .returning(Room.number)
            .execution_options(synchronize_session=False)
        )
    )
    record(
        session, "stayovers_dirty", "property", prop.id,
        after={"business_date": prop.business_date.isoformat(), "rooms": numbers},
    )  # fmt: skip
    return numbers
