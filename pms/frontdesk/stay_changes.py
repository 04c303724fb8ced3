"""Changes to a stay in the house: a room move, a longer stay, a shorter one (early departure).

Each is one transaction with its audit row. Room-nights move with a delete and an insert in
that one transaction, so UNIQUE(room_id, night) still guards the new room against another desk;
inventory moves only with the guarded updates of `pms.inventory.nights`. Nights already stayed are
history: they keep their room and their price.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import (
    Property,
    Reservation,
    ReservationNight,
    ReservationStatus,
    ReservationTax,
    Room,
    RoomNight,
)
from pms.housekeeping.room_status import check_room_ready, find_room, lock_room, mark_dirty
from pms.inventory.nights import release, stay_nights, take
from pms.kernel.audit import record
from pms.kernel.desk import rules_of
from pms.kernel.errors import InvalidInput, InvalidTransition, Restricted, RoomUnavailable
from pms.rates.pricing import NightQuote, Party
from pms.rates.ratesheet import RateSheet
from pms.stays.reservation_views import (
    ReservationView,
    check_version,
    load_reservation,
    reservation_view,
    snapshot,
)
from pms.stays.rooms import drop_room_nights, give_room, room_conflict, touch
from pms.stays.stay_rules import read_date


def _in_house(reservation: Reservation, doing: str, instead: str) -> None:
    if reservation.status != ReservationStatus.CHECKED_IN:
        raise InvalidTransition(
            f"reservation {reservation.confirmation} is {reservation.status}; "
            f"only in-house stays can {doing} — {instead}"
        )


def room_on(session: Session, reservation: Reservation, night: dt.date) -> Room | None:
    """The room the stay has on a night, if any."""
    return session.scalar(
        select(Room)
        .join(RoomNight, RoomNight.room_id == Room.id)
        .where(RoomNight.reservation_id == reservation.id, RoomNight.night == night)
    )


def last_room(session: Session, reservation: Reservation) -> Room | None:
    """The room of the stay's last assigned night (where the guest is, or was last)."""
    return session.scalar(
        select(Room)
        .join(RoomNight, RoomNight.room_id == Room.id)
        .where(RoomNight.reservation_id == reservation.id)
        .order_by(RoomNight.night.desc())
        .limit(1)
    )


def cut_stay(session: Session, reservation: Reservation, departure: dt.date) -> list[dt.date]:
    """Make the stay end on `departure`: the nights after it go back on sale, lose their room
    and their quoted price; the nights kept keep theirs. Returns the nights dropped."""
    dropped = [n.night for n in reservation.nights if n.night >= departure]
    if not dropped:
        return []
    release(session, reservation.room_type_id, dropped)
    reservation.nights = [n for n in reservation.nights if n.night < departure]
    reservation.taxes = [t for t in reservation.taxes if t.night < departure]
    drop_room_nights(session, reservation, keep={n.night for n in reservation.nights})
    reservation.departure = departure
    session.flush()
    return dropped


def move_room(
    session: Session,
    confirmation: str,
    new_room: str,
    reason: str,
    expected_version: int | None = None,
    *,
    allow_dirty: bool = False,
) -> ReservationView:
    """Move an in-house guest to another room of the same type from tonight on.

    The nights already stayed keep their room; the remaining ones move at once. The room left
    behind becomes dirty. A dirty new room needs `allow_dirty` and a supervisor.
    """
    reservation = load_reservation(session, confirmation)
    check_version(reservation, expected_version)
    _in_house(reservation, "move rooms", "assign a room to a booking instead")
    reason = reason.strip()
    if not reason:
        raise InvalidInput("reason", "say why the guest moves")
    prop = reservation.room_type.property
    today = prop.business_date
    remaining = stay_nights(max(reservation.arrival, today), reservation.departure)
    if not remaining:
        raise InvalidTransition(
            f"reservation {reservation.confirmation} leaves today; there is no night left to move"
        )
    room = find_room(session, prop.id, new_room, lock=True)
    old = room_on(session, reservation, remaining[0])
    if old is not None and old.id == room.id:
        raise InvalidInput("room", f"the guest is already in room {room.number}")
    if room.room_type_id != reservation.room_type_id:
        raise RoomUnavailable(
            f"room {room.number} is a {room.room_type.code}; this stay is booked as "
            f"{reservation.room_type.code} — pick a {reservation.room_type.code}"
        )
    if conflict := room_conflict(session, room, reservation, remaining):
        raise RoomUnavailable(f"{conflict} — pick another")
    check_room_ready(session, room, prop, allow_dirty=allow_dirty, doing="moving a guest into")
    touch(session, reservation)
    drop_room_nights(session, reservation, keep={n for n in _nights(reservation) if n < today})
    give_room(session, reservation, room, remaining)
    if old is not None:
        mark_dirty(session, old, f"guest moved to {room.number}")
    record(
        session, "move_room", "reservation", reservation.id,
        before={"room": old.number if old else None},
        after={"room": room.number, "from": remaining[0].isoformat(), "reason": reason},
    )  # fmt: skip
    return reservation_view(session, reservation)


def _nights(reservation: Reservation) -> list[dt.date]:
    return stay_nights(reservation.arrival, reservation.departure)


def _check_extension(
    sheet: RateSheet, reservation: Reservation, prop: Property, departure: dt.date
) -> None:
    """The rate plan's restrictions for the longer stay: max stay for the arrival, stop-sell
    on the new nights, closed to departure on the new last day."""
    plan, room_type = reservation.rate_plan, reservation.room_type
    length = (departure - reservation.arrival).days
    first = sheet.restriction_row(plan, room_type, reservation.arrival)
    if first is not None and first.max_los and length > first.max_los:
        raise Restricted(
            f"maximum stay {first.max_los} nights for arrival {reservation.arrival:%a %Y-%m-%d}"
        )
    for night in stay_nights(reservation.departure, departure):
        row = sheet.restriction_row(plan, room_type, night)
        if row is not None and row.stop_sell:
            raise Restricted(f"stop-sell on {night:%a %Y-%m-%d}")
    last = sheet.restriction_row(plan, room_type, departure)
    if last is not None and last.closed_to_departure:
        raise Restricted(f"closed to departure on {departure:%a %Y-%m-%d}")


def _later_departure(
    session: Session, reservation: Reservation, prop: Property, new_departure: dt.date | str
) -> dt.date:
    """The departure an extension asks for, refused unless it is later than the booked one and
    within the hotel's longest stay."""
    departure = read_date(new_departure, prop, "departure")
    if departure <= reservation.departure:
        raise InvalidInput(
            "departure",
            f"the new departure must be after {reservation.departure:%a %Y-%m-%d} "
            "— shorten the stay instead",
        )
    longest = rules_of(session).max_stay_nights
    if (departure - reservation.arrival).days > longest:
        raise InvalidInput("departure", f"a stay may last at most {longest} nights")
    return departure


def _price_added_nights(
    sheet: RateSheet, reservation: Reservation, added: list[dt.date]
) -> list[NightQuote]:
    """The added nights priced from today's sheet on the stay's plan, room type and party."""
    quotes = sheet.price_stay(
        reservation.rate_plan,
        reservation.room_type,
        added,
        Party(reservation.adults, reservation.children),
    )
    if quotes is None:
        raise InvalidInput(
            "departure",
            f"rate plan {reservation.rate_plan.code} has no price for "
            f"{reservation.room_type.code} on those nights",
        )
    return quotes


def extend_stay(
    session: Session,
    confirmation: str,
    new_departure: dt.date | str,
    expected_version: int | None = None,
) -> ReservationView:
    """Keep an in-house guest longer, in the same room.

    The new nights are sold with the guarded inventory update, checked against the rate plan's
    restrictions and the hotel's longest stay, and priced from today's rate sheet (the nights
    already booked keep their price). Refused with the reason when the room is not free.
    """
    reservation = load_reservation(session, confirmation)
    check_version(reservation, expected_version)
    _in_house(reservation, "be extended", "change a booking with modify")
    prop = reservation.room_type.property
    departure = _later_departure(session, reservation, prop, new_departure)
    added = stay_nights(reservation.departure, departure)
    room = last_room(session, reservation)
    if room is not None:
        lock_room(session, room)
    if room is not None and (conflict := room_conflict(session, room, reservation, added)):
        raise RoomUnavailable(f"{conflict} — move the guest or keep the departure")
    sheet = RateSheet.load(session, prop, reservation.arrival, departure)
    _check_extension(sheet, reservation, prop, departure)
    quotes = _price_added_nights(sheet, reservation, added)
    before = snapshot(reservation)
    touch(session, reservation)
    take(session, reservation.room_type, added)
    for quote in quotes:
        reservation.nights.append(ReservationNight(night=quote.night, price=quote.room))
        reservation.taxes.extend(
            ReservationTax(night=quote.night, code=t.code, amount=t.amount, included=t.included)
            for t in quote.taxes
        )
    reservation.departure = departure
    session.flush()
    if room is not None:
        give_room(session, reservation, room, added)
    record(
        session, "extend", "reservation", reservation.id,
        before=before, after=snapshot(reservation),
    )  # fmt: skip
    return reservation_view(session, reservation)


def shorten_stay(
    session: Session,
    confirmation: str,
    new_departure: dt.date | str,
    expected_version: int | None = None,
) -> ReservationView:
    """End an in-house stay earlier: the dropped nights go back on sale and free the room.
    Nights already stayed (before the business date) cannot be dropped."""
    reservation = load_reservation(session, confirmation)
    check_version(reservation, expected_version)
    _in_house(reservation, "be shortened", "change a booking with modify")
    prop = reservation.room_type.property
    departure = read_date(new_departure, prop, "departure")
    if departure >= reservation.departure:
        raise InvalidInput(
            "departure",
            f"the new departure must be before {reservation.departure:%a %Y-%m-%d} "
            "— extend the stay instead",
        )
    earliest = max(prop.business_date, reservation.arrival + dt.timedelta(days=1))
    if departure < earliest:
        raise InvalidInput(
            "departure",
            f"the stay can end on {earliest:%a %Y-%m-%d} at the earliest; "
            "nights already stayed cannot be dropped",
        )
    before = snapshot(reservation)
    touch(session, reservation)
    cut_stay(session, reservation, departure)
    record(
        session, "shorten", "reservation", reservation.id,
        before=before, after=snapshot(reservation),
    )  # fmt: skip
    return reservation_view(session, reservation)
