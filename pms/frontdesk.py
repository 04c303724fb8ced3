"""The front desk's day: rooms suggested for an arrival, check-in, walk-ins and check-out.

Each service is one transaction with its audit row. A room is given with the same
UNIQUE(room_id, night) guarantee as an assignment, so two desks can never check two guests into
one room; a stay leaves only with every folio at zero, and its closed folios become invoices
with gap-free numbers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from db.folios import Folio, Payment, Posting
from db.models import (
    HousekeepingStatus,
    OutOfOrder,
    Reservation,
    ReservationStatus,
    Room,
    RoomNight,
)
from pms.audit import record
from pms.errors import InvalidInput, InvalidTransition, RoomUnavailable
from pms.folios import close_folio, guest_folio
from pms.housekeeping import check_room_ready, find_room, lock_room, mark_dirty
from pms.housekeeping_board import due_out_stays
from pms.inventory import stay_nights
from pms.invoices import InvoiceView
from pms.properties import resolve_property
from pms.reservation_views import (
    ReservationView,
    check_version,
    load_reservation,
    reservation_view,
    rooms_of,
    snapshot,
)
from pms.reservations import BookingRequest, book
from pms.rooms import _conflict, drop_room_nights, give_room, touch
from pms.stay_changes import cut_stay, last_room, room_on
from pms.stay_rules import read_date

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

    @property
    def ready(self) -> bool:
        """A room the guest can walk into now."""
        return (
            self.housekeeping != HousekeepingStatus.DIRTY
            and self.vacant
            and not self.out_of_service
        )


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


@dataclass(frozen=True)
class CheckOutView:
    """A stay that has left: its closed folios as invoices, and the room to clean."""

    reservation: ReservationView
    room: str
    checked_out_at: dt.datetime
    early_departure: bool
    invoices: list[InvoiceView]


def _stay_rooms_now(reservation: Reservation, today: dt.date) -> list[dt.date]:
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


def suggest_rooms(session: Session, confirmation: str) -> list[RoomSuggestion]:
    """Rooms of the stay's type free for all its coming nights, best first: ready rooms
    (clean or inspected and vacant), then the guest's preferred features and floor, then
    inspected before clean before dirty; out-of-service rooms last. Rooms out of order or
    taken on a night of the stay are left out."""
    reservation = load_reservation(session, confirmation)
    prop = reservation.room_type.property
    nights = _stay_rooms_now(reservation, prop.business_date)
    if not nights:
        return []
    busy = select(RoomNight.room_id).where(
        RoomNight.night >= nights[0],
        RoomNight.night <= nights[-1],
        RoomNight.reservation_id != reservation.id,
    )
    broken = select(OutOfOrder.room_id).where(
        OutOfOrder.start_date <= nights[-1], OutOfOrder.end_date > nights[0]
    )
    rooms = session.scalars(
        select(Room).where(
            Room.room_type_id == reservation.room_type_id,
            Room.id.not_in(busy),
            Room.id.not_in(broken),
        )
    ).all()
    occupied = due_out_stays(session, prop)
    wanted, floor = _wanted(reservation.guest.preferences)
    choices = []
    for room in rooms:
        matches = _matches(room, wanted, floor)
        choice = RoomSuggestion(
            number=room.number,
            floor=room.floor,
            features=list(room.features),
            housekeeping=room.housekeeping,
            vacant=room.id not in occupied,
            out_of_service=room.out_of_service,
            matches=matches,
        )
        rank = (
            bool(room.out_of_service),
            not choice.ready,
            -len(matches),
            _floor_key(room, floor),
            _HOUSEKEEPING_RANK.get(room.housekeeping, 2),
            room.number,
        )
        choices.append((rank, choice))
    return [choice for _, choice in sorted(choices, key=lambda pair: pair[0])]


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
    nights = _stay_rooms_now(reservation, today)
    room = _room_for(session, reservation, room_number, nights)
    lock_room(session, room)
    held = set(
        session.scalars(
            select(RoomNight.night).where(
                RoomNight.reservation_id == reservation.id, RoomNight.room_id == room.id
            )
        )
    )
    missing = [n for n in nights if n not in held]
    if missing and (conflict := _conflict(session, room, reservation, missing)):
        raise RoomUnavailable(f"{conflict} — pick another")
    check_room_ready(session, room, prop, allow_dirty=allow_dirty, doing="giving")
    due = guarantee_missing(session, reservation)
    if due and need_guarantee:
        raise InvalidTransition(
            f"rate plan {reservation.rate_plan.code} needs a {due} guarantee — "
            + ("authorise a card on the folio first" if due == "card" else "take the deposit first")
        )
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
        before=before, after=snapshot(reservation) | {"room": room.number, "folio": folio.id},
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
    date). Without a room number the best ready room is given. A rate plan's guarantee is not
    asked for first: the view's `guarantee_due` tells the clerk to take it now."""
    prop = resolve_property(session, request.property_code)
    today = prop.business_date
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


def check_out(
    session: Session,
    confirmation: str,
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> CheckOutView:
    """Check an in-house guest out: every folio of the stay must be settled (balance zero);
    each is closed into an invoice with the property's next number, and the room is left
    dirty. Leaving before the departure date first shortens the stay to the business date
    (the nights not stayed go back on sale; the nights stayed keep their price)."""
    reservation = load_reservation(session, confirmation)
    check_version(reservation, expected_version)
    if reservation.status != ReservationStatus.CHECKED_IN:
        raise InvalidTransition(
            f"reservation {reservation.confirmation} is {reservation.status}; "
            "only in-house guests can check out"
        )
    prop = reservation.room_type.property
    today = prop.business_date
    before = snapshot(reservation)
    touch(session, reservation)
    leaving = max(today, reservation.arrival + dt.timedelta(days=1))
    early = reservation.departure > leaving
    if early:
        cut_stay(session, reservation, leaving)
    # A folio nothing was ever posted to has nothing to invoice: it is left as it is.
    folio_ids = session.scalars(
        select(Folio.id)
        .where(
            Folio.reservation_id == reservation.id,
            Folio.status == "open",
            exists().where(Posting.folio_id == Folio.id),
        )
        .order_by(Folio.id)
    ).all()
    invoices = [close_folio(session, folio_id) for folio_id in folio_ids]
    room = last_room(session, reservation)
    moment = now or dt.datetime.now(dt.UTC)
    reservation.status = ReservationStatus.CHECKED_OUT
    reservation.checked_out_at = moment
    session.flush()
    if room is not None:
        mark_dirty(session, room, f"{reservation.confirmation} checked out")
    record(
        session, "check_out", "reservation", reservation.id,
        before=before,
        after=snapshot(reservation) | {"invoices": [i.number for i in invoices],
                                       "early_departure": early},
    )  # fmt: skip
    return CheckOutView(
        reservation=reservation_view(session, reservation),
        room=room.number if room else "",
        checked_out_at=moment,
        early_departure=early,
        invoices=invoices,
    )
