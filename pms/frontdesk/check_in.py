"""Checking a guest in: a confirmed arrival of the business date, or a walk-in booked and
checked in at once. One transaction with its audit row: the room is given for every night still
to come with the same UNIQUE(room_id, night) guarantee as an assignment, so two desks can never
check two guests into one room, the rate plan's guarantee is checked, and the guest folio opens."""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from db.folios import Folio, Payment, Posting
from db.models import HousekeepingStatus, Reservation, ReservationStatus, Room, RoomNight
from pms.billing.folios import guest_folio
from pms.frontdesk.room_suggestions import nights_to_come, suggest_rooms
from pms.frontdesk.stay_changes import room_on
from pms.hotel.properties import resolve_property
from pms.housekeeping.room_status import check_room_ready, find_room, lock_room
from pms.inventory.nights import stay_nights
from pms.kernel.audit import record
from pms.kernel.errors import InvalidInput, InvalidTransition, RoomUnavailable
from pms.reservations.booking import BookingRequest, book
from pms.stays.reservation_views import (
    ReservationView,
    check_version,
    load_reservation,
    reservation_view,
    rooms_of,
    snapshot,
)
from pms.stays.rooms import drop_room_nights, give_room, room_conflict, touch
from pms.stays.stay_rules import read_date


@dataclass(frozen=True)
class CheckInView:
    """A stay just checked in: its room, its folio and how the arrival went.

    `early`: before the hotel's check-in hour on the business date. `late_arrival`: past the
    arrival date's midnight (the business date not yet rolled, or rolled by the night audit
    with the stay kept). `guarantee_due` names a guarantee still to take at once (a walk-in on
    a card or deposit plan); it is empty when the plan needs none or it was already taken.
    """

    reservation: ReservationView
    room: str
    folio_id: int
    checked_in_at: dt.datetime
    early: bool
    late_arrival: bool
    guarantee_due: str


def _check_arrival(reservation: Reservation, today: dt.date) -> None:
    status = reservation.status
    conf = reservation.confirmation
    if status == ReservationStatus.TENTATIVE:
        raise InvalidTransition(f"reservation {conf} is tentative — confirm it first")
    if status == ReservationStatus.CHECKED_IN:
        raise InvalidTransition(f"reservation {conf} is already checked in")
    if status == ReservationStatus.NO_SHOW:
        raise InvalidTransition(f"reservation {conf} was marked a no-show — book the guest again")
    if status != ReservationStatus.CONFIRMED:
        raise InvalidTransition(f"reservation {conf} is {status} and cannot be checked in")
    if reservation.arrival > today:
        raise InvalidTransition(
            f"reservation {conf} arrives on {reservation.arrival:%a %Y-%m-%d}; "
            f"the business date is {today:%a %Y-%m-%d}"
        )
    if reservation.departure <= today:
        raise InvalidTransition(
            f"reservation {conf} was due to leave on {reservation.departure:%a %Y-%m-%d}; "
            "it cannot be checked in any more"
        )


def guarantee_missing(session: Session, reservation: Reservation) -> str:
    """What the rate plan's guarantee still needs ('' when nothing): an authorised card on a
    folio of the stay, or a deposit paid into one."""
    rule = reservation.rate_plan.guarantee
    stay_folios = select(Folio.id).where(Folio.reservation_id == reservation.id)
    if rule == "card":
        held = exists().where(
            Payment.folio_id.in_(stay_folios), Payment.state.in_(["authorised", "captured"])
        )
        return "" if session.scalar(select(held)) else "card"
    if rule == "deposit":
        paid = exists().where(
            Posting.folio_id.in_(stay_folios), Posting.kind == "payment", Posting.amount < 0
        )
        return "" if session.scalar(select(paid)) else "deposit"
    return ""


def _room_for(
    session: Session, reservation: Reservation, room_number: str | None, nights: list[dt.date]
) -> Room:
    """The room to give: the one asked for, else the one assigned for tonight."""
    if room_number is None or not room_number.strip():
        assigned = room_on(session, reservation, nights[0])
        if assigned is not None:
            return assigned
        ready = [s.number for s in suggest_rooms(session, reservation.confirmation) if s.ready]
        hint = f" (ready: {', '.join(ready[:5])})" if ready else " (none is ready)"
        raise InvalidInput(
            "room", f"reservation {reservation.confirmation} has no room yet — pick one{hint}"
        )
    room = find_room(session, reservation.property_id, room_number)
    if room.room_type_id != reservation.room_type_id:
        raise RoomUnavailable(
            f"room {room.number} is a {room.room_type.code}; this stay is booked as "
            f"{reservation.room_type.code} — change the room type first"
        )
    return room


def _nights_to_give(
    session: Session, reservation: Reservation, room: Room, nights: list[dt.date]
) -> tuple[set[dt.date], list[dt.date]]:
    """The nights the stay already holds this room, and those still to give it, refused when
    another stay has the room on one of them."""
    held = set(
        session.scalars(
            select(RoomNight.night).where(
                RoomNight.reservation_id == reservation.id, RoomNight.room_id == room.id
            )
        )
    )
    missing = [n for n in nights if n not in held]
    if missing and (conflict := room_conflict(session, room, reservation, missing)):
        raise RoomUnavailable(f"{conflict} — pick another")
    return held, missing


def _check_guarantee(session: Session, reservation: Reservation, *, need: bool) -> str:
    """The guarantee the stay still owes ('' for none); refused here when it is needed first."""
    due = guarantee_missing(session, reservation)
    if due and need:
        raise InvalidTransition(
            f"rate plan {reservation.rate_plan.code} needs a {due} guarantee — "
            + ("authorise a card on the folio first" if due == "card" else "take the deposit first")
        )
    return due


def _check_in(
    session: Session,
    reservation: Reservation,
    room_number: str | None,
    *,
    allow_dirty: bool,
    need_guarantee: bool,
    now: dt.datetime | None,
) -> CheckInView:
    prop = reservation.room_type.property
    today = prop.business_date
    _check_arrival(reservation, today)
    nights = nights_to_come(reservation, today)
    room = _room_for(session, reservation, room_number, nights)
    lock_room(session, room)
    held, missing = _nights_to_give(session, reservation, room, nights)
    dirty = room.housekeeping == HousekeepingStatus.DIRTY  # a supervisor's override, if given
    check_room_ready(session, room, prop, allow_dirty=allow_dirty, doing="giving")
    due = _check_guarantee(session, reservation, need=need_guarantee)
    before = snapshot(reservation) | {"rooms": rooms_of(session, reservation.id)}
    touch(session, reservation)
    if missing:
        # From tonight on the stay is in this one room: another room held for those nights goes.
        past = stay_nights(reservation.arrival, nights[0])
        drop_room_nights(session, reservation, keep=held | set(past))
        give_room(session, reservation, room, missing)
    folio = guest_folio(session, reservation)
    moment = now or dt.datetime.now(dt.UTC)
    local = moment.astimezone(zoneinfo.ZoneInfo(prop.timezone))
    reservation.status = ReservationStatus.CHECKED_IN
    reservation.checked_in_at = moment
    session.flush()
    record(
        session, "check_in", "reservation", reservation.id,
        before=before,
        after=snapshot(reservation) | {"room": room.number, "folio": folio.id}
        | ({"override": "dirty room given"} if dirty else {}),
    )  # fmt: skip
    return CheckInView(
        reservation=reservation_view(session, reservation),
        room=room.number,
        folio_id=folio.id,
        checked_in_at=moment,
        early=local.date() == today and local.hour < prop.check_in_hour,
        late_arrival=reservation.arrival < today or local.date() > today,
        guarantee_due=due,
    )


def check_in(
    session: Session,
    confirmation: str,
    room_number: str | None = None,
    *,
    allow_dirty: bool = False,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> CheckInView:
    """Check a confirmed arrival in: give the room, check the guarantee, open the guest folio.

    The stay must arrive on the business date (before the usual hour is an early check-in;
    an arrival of an earlier date not marked no-show is a late arrival, still welcome). The
    room is the one asked for, else the one assigned; it is given for every night still to
    come. A dirty room needs `allow_dirty` and a supervisor. The rate plan's guarantee must
    be in place: an authorised card for 'card', a payment on the folio for 'deposit'.

    Args:
        now: the moment of check-in (aware), default the present; read on the hotel's clock.
    """
    reservation = load_reservation(session, confirmation)
    check_version(reservation, expected_version)
    return _check_in(
        session,
        reservation,
        room_number,
        allow_dirty=allow_dirty,
        need_guarantee=True,
        now=now,
    )


def walk_in(
    session: Session,
    request: BookingRequest,
    room_number: str | None = None,
    *,
    allow_dirty: bool = False,
    now: dt.datetime | None = None,
) -> CheckInView:
    """Book a guest standing at the desk and check them in at once (arrival: the business
    date). Without a room number the best ready room is given; without a room type the room
    says it. A rate plan's guarantee is not asked for first: the view's `guarantee_due` tells
    the clerk to take it now."""
    prop = resolve_property(session, request.property_code)
    today = prop.business_date
    if not request.room_type.strip():
        if room_number is None or not room_number.strip():
            raise InvalidInput("room_type", "give the room type, or the room")
        room = find_room(session, prop.id, room_number.strip())
        request = dataclasses.replace(request, room_type=room.room_type.code)
    if read_date(request.arrival, prop, "arrival") != today:
        raise InvalidInput(
            "arrival", f"a walk-in arrives today, on the business date {today:%a %Y-%m-%d}"
        )
    booked = book(
        session,
        dataclasses.replace(
            request,
            arrival=today,
            tentative=False,
            source="walk-in" if request.source == "desk" else request.source,
        ),
    )
    reservation = load_reservation(session, booked.confirmation)
    if reservation.status != ReservationStatus.CONFIRMED:  # an idempotent replay
        raise InvalidTransition(
            f"this walk-in was already booked as {reservation.confirmation} ({reservation.status})"
        )
    if room_number is None or not room_number.strip():
        ready = [s for s in suggest_rooms(session, reservation.confirmation) if s.ready]
        if not ready:
            raise RoomUnavailable(
                f"no {reservation.room_type.code} room is clean and free now — pick one"
            )
        room_number = ready[0].number
    return _check_in(
        session,
        reservation,
        room_number,
        allow_dirty=allow_dirty,
        need_guarantee=False,
        now=now,
    )
