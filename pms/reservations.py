"""Booking, changing and cancelling stays. Each is one transaction with its audit row.

Inventory moves with guarded updates (see `pms.inventory`); a double-submitted booking with the
same idempotency key returns the first reservation; a change made from a stale copy fails.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import (
    Property,
    RatePlan,
    RatePlanPrice,
    Reservation,
    ReservationNight,
    ReservationStatus,
    Role,
    RoomType,
)
from pms.audit import record
from pms.dates import parse_date
from pms.desk import require_role, rules_of
from pms.errors import InvalidInput, InvalidTransition, NotFound, RetryableConflict, SoldOut
from pms.guests import GuestInput, find_or_create_guest, load_guest
from pms.inventory import release, stay_nights, take
from pms.properties import BASE_PLAN, resolve_property, resolve_room_type
from pms.reservation_views import (
    CHANGEABLE,
    ReservationView,
    check_version,
    load_reservation,
    reservation_view,
    snapshot,
)
from pms.rooms import carry_room, drop_room_nights, touch

_CONFIRMATION_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U


@dataclass(frozen=True)
class BookingRequest:
    """A stay as the clerk asks for it. Dates may be typed text (`4.12`, `+3`, `fri`)."""

    arrival: dt.date | str
    room_type: str
    guest: GuestInput | int  # a new guest as typed, or the id of an existing profile
    departure: dt.date | str | None = None
    nights: int | None = None
    adults: int = 1
    children: int = 0
    rate_plan: str = BASE_PLAN
    property_code: str | None = None
    idempotency_key: str | None = None
    tentative: bool = False
    source: str = "desk"
    overbook: bool = False


@dataclass(frozen=True)
class StayChanges:
    """What a modification changes; None keeps the current value."""

    arrival: dt.date | str | None = None
    departure: dt.date | str | None = None
    nights: int | None = None
    room_type: str | None = None
    adults: int | None = None
    children: int | None = None


def _date(value: dt.date | str, prop: Property, field: str) -> dt.date:
    return (
        value if isinstance(value, dt.date) else parse_date(value, prop.business_date, field=field)
    )


def _stay(
    session: Session,
    prop: Property,
    arrival: dt.date,
    departure: dt.date | str | None,
    nights: int | None,
    *,
    new_arrival: bool,
) -> tuple[dt.date, dt.date]:
    """Check the stay's dates against the calendar and the hotel's rules."""
    rules = rules_of(session)
    if nights is not None:
        if nights < 1:
            raise InvalidInput("nights", "a stay needs at least one night")
        departure = arrival + dt.timedelta(days=nights)
    if departure is None:
        raise InvalidInput("departure", "departure (or nights) is missing")
    departure = _date(departure, prop, "departure")
    if departure <= arrival:
        raise InvalidInput("departure", "departure must be after arrival")
    if (departure - arrival).days > rules.max_stay_nights:
        raise InvalidInput("departure", f"a stay may last at most {rules.max_stay_nights} nights")
    if new_arrival and arrival < prop.business_date:
        raise InvalidInput(
            "arrival", f"arrival {arrival} is before the business date {prop.business_date}"
        )
    last_open = prop.business_date + dt.timedelta(days=rules.max_advance_days)
    if arrival > last_open:
        raise InvalidInput("arrival", f"bookings are open only until {last_open}")
    return arrival, departure


def _check_party(room_type: RoomType, adults: int, children: int) -> None:
    if adults < 1:
        raise InvalidInput("adults", "a stay needs at least one adult")
    if children < 0:
        raise InvalidInput("children", "children cannot be a negative number")
    if adults + children > room_type.max_occupancy:
        raise InvalidInput(
            "adults",
            f"{room_type.code} holds at most {room_type.max_occupancy} guests; "
            f"this party is {adults + children}",
        )


def _plan(session: Session, prop: Property, code: str) -> RatePlan:
    plan = session.scalar(
        select(RatePlan).where(RatePlan.property_id == prop.id, RatePlan.code == code.upper())
    )
    if plan is None:
        raise NotFound(f"there is no rate plan {code!r} at {prop.code}")
    return plan


def _price(session: Session, plan: RatePlan, room_type: RoomType) -> int:
    amount = session.scalar(
        select(RatePlanPrice.amount).where(
            RatePlanPrice.rate_plan_id == plan.id, RatePlanPrice.room_type_id == room_type.id
        )
    )
    if amount is None:
        raise InvalidInput("rate_plan", f"rate plan {plan.code} has no price for {room_type.code}")
    return amount


def _sell(session: Session, room_type: RoomType, nights: list[dt.date], overbook: bool) -> bool:
    """Take the nights; a manager's overbooking goes past the limit. True when it did."""
    try:
        take(session, room_type, nights)
        return False
    except SoldOut:
        if not overbook:
            raise
    require_role(session, Role.MANAGER, "overbooking")
    take(session, room_type, nights, overbook=True)
    return True


def _new_confirmation() -> str:
    code = "".join(secrets.choice(_CONFIRMATION_ALPHABET) for _ in range(8))
    return f"{code[:4]}-{code[4:]}"


def book(session: Session, request: BookingRequest) -> ReservationView:
    """Book a stay: check it, sell its nights, store the nightly prices quoted.

    A request whose idempotency key was seen before returns that reservation unchanged.
    """
    if request.idempotency_key:
        earlier = session.scalar(
            select(Reservation.confirmation).where(
                Reservation.idempotency_key == request.idempotency_key
            )
        )
        if earlier is not None:
            return reservation_view(session, load_reservation(session, earlier))
    prop = resolve_property(session, request.property_code)
    arrival = _date(request.arrival, prop, "arrival")
    arrival, departure = _stay(
        session, prop, arrival, request.departure, request.nights, new_arrival=True
    )
    room_type = resolve_room_type(session, prop, request.room_type)
    _check_party(room_type, request.adults, request.children)
    plan = _plan(session, prop, request.rate_plan)
    price = _price(session, plan, room_type)
    guest = (
        find_or_create_guest(session, request.guest)
        if isinstance(request.guest, GuestInput)
        else load_guest(session, request.guest)
    )
    nights = stay_nights(arrival, departure)
    overbooked = _sell(session, room_type, nights, request.overbook)
    reservation = Reservation(
        property_id=prop.id,
        confirmation=_new_confirmation(),
        idempotency_key=request.idempotency_key or None,
        guest=guest,
        room_type=room_type,
        rate_plan=plan,
        arrival=arrival,
        departure=departure,
        adults=request.adults,
        children=request.children,
        status=ReservationStatus.TENTATIVE if request.tentative else ReservationStatus.CONFIRMED,
        source=request.source,
        overbooked=overbooked,
        nights=[ReservationNight(night=n, price=price) for n in nights],
    )
    session.add(reservation)
    try:
        session.flush()
    except IntegrityError as exc:
        # Another desk stored the same idempotency key (or, rarely, confirmation) first:
        # run again, and the lookup above returns its reservation.
        if "idempotency_key" in str(exc.orig) or "confirmation" in str(exc.orig):
            raise RetryableConflict("booking raced with an identical one") from exc
        raise
    record(session, "create", "reservation", reservation.id, after=snapshot(reservation))
    return reservation_view(session, reservation)


def modify(
    session: Session,
    confirmation: str,
    changes: StayChanges,
    expected_version: int | None = None,
) -> ReservationView:
    """Change dates, room type or party. Inventory is released and re-taken in this one
    transaction, so a stay that no longer fits fails and leaves the old one as it was.
    Nights kept in the same room type keep their quoted price; new nights are priced now."""
    reservation = load_reservation(session, confirmation)
    check_version(reservation, expected_version)
    if reservation.status not in CHANGEABLE:
        raise InvalidTransition(
            f"reservation {reservation.confirmation} is {reservation.status}; "
            "only tentative or confirmed stays can be modified"
        )
    prop = reservation.room_type.property
    arrival = _date(changes.arrival, prop, "arrival") if changes.arrival else reservation.arrival
    departure: dt.date | str | None = changes.departure
    nights = changes.nights
    if departure is None and nights is None:
        nights = (reservation.departure - reservation.arrival).days
    arrival, departure = _stay(
        session, prop, arrival, departure, nights, new_arrival=arrival != reservation.arrival
    )
    room_type = (
        resolve_room_type(session, prop, changes.room_type)
        if changes.room_type
        else reservation.room_type
    )
    adults = reservation.adults if changes.adults is None else changes.adults
    children = reservation.children if changes.children is None else changes.children
    _check_party(room_type, adults, children)

    before = snapshot(reservation)
    old_nights = [n.night for n in reservation.nights]
    new_nights = stay_nights(arrival, departure)
    same_type = room_type.id == reservation.room_type_id
    touch(session, reservation)
    if old_nights != new_nights or not same_type:
        release(session, reservation.room_type_id, old_nights)
        _sell(session, room_type, new_nights, overbook=False)
    kept = {n.night: n.price for n in reservation.nights} if same_type else {}
    price = _price(session, reservation.rate_plan, room_type)
    reservation.nights = [ReservationNight(night=n, price=kept.get(n, price)) for n in new_nights]
    reservation.arrival, reservation.departure = arrival, departure
    reservation.room_type = room_type
    reservation.adults, reservation.children = adults, children
    session.flush()
    carry_room(session, reservation, old_nights, same_type)
    record(
        session,
        "modify",
        "reservation",
        reservation.id,
        before=before,
        after=snapshot(reservation),
    )
    return reservation_view(session, reservation)


def cancel(
    session: Session, confirmation: str, reason: str = "", expected_version: int | None = None
) -> ReservationView:
    """Cancel a stay that has not arrived: its nights go back on sale and its room is freed."""
    reservation = load_reservation(session, confirmation)
    check_version(reservation, expected_version)
    if reservation.status == ReservationStatus.CANCELLED:
        raise InvalidTransition(f"reservation {reservation.confirmation} is already cancelled")
    if reservation.status not in CHANGEABLE:
        raise InvalidTransition(
            f"reservation {reservation.confirmation} is {reservation.status}"
            " and cannot be cancelled"
        )
    before = snapshot(reservation)
    reservation.status = ReservationStatus.CANCELLED
    touch(session, reservation)
    release(session, reservation.room_type_id, [n.night for n in reservation.nights])
    drop_room_nights(session, reservation)
    after = snapshot(reservation) | {"reason": reason.strip()}
    record(session, "cancel", "reservation", reservation.id, before=before, after=after)
    return reservation_view(session, reservation)


def confirm(
    session: Session, confirmation: str, expected_version: int | None = None
) -> ReservationView:
    """Turn a tentative booking into a confirmed one."""
    reservation = load_reservation(session, confirmation)
    check_version(reservation, expected_version)
    if reservation.status != ReservationStatus.TENTATIVE:
        raise InvalidTransition(
            f"reservation {reservation.confirmation} is {reservation.status}, not tentative"
        )
    before = snapshot(reservation)
    reservation.status = ReservationStatus.CONFIRMED
    touch(session, reservation)
    record(
        session,
        "confirm",
        "reservation",
        reservation.id,
        before=before,
        after=snapshot(reservation),
    )
    return reservation_view(session, reservation)
