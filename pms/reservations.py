"""Booking, changing and cancelling stays. Each is one transaction with its audit row.

Inventory moves with guarded updates (see `pms.inventory`); a double-submitted booking with the
same idempotency key returns the first reservation; a change made from a stale copy fails.
Prices come from the rate sheet (`pms.ratesheet`) exactly as a quote shows them, and are
stored per night with their tax lines: later rate changes never touch an existing booking.
"""

from __future__ import annotations

import datetime as dt
import secrets
import zoneinfo
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import (
    RatePlan,
    Reservation,
    ReservationNight,
    ReservationStatus,
    ReservationTax,
    Role,
    RoomType,
)
from pms.audit import record
from pms.desk import require_role
from pms.errors import (
    InvalidInput,
    InvalidTransition,
    Restricted,
    RetryableConflict,
    SoldOut,
    StaleQuote,
)
from pms.guests import GuestInput, find_or_create_guest, load_guest
from pms.inventory import release, stay_nights, take
from pms.money import format_money
from pms.pricing import NightQuote, Party, TaxLine, cancellation_fee, stay_total
from pms.properties import BASE_PLAN, resolve_property, resolve_room_type
from pms.rates import resolve_plan
from pms.ratesheet import RateSheet, cancel_policy
from pms.reservation_views import (
    CHANGEABLE,
    ReservationView,
    check_version,
    load_reservation,
    reservation_view,
    snapshot,
)
from pms.rooms import carry_room, drop_room_nights, touch
from pms.stay_rules import check_party, read_date, resolve_stay

_CONFIRMATION_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U


@dataclass(frozen=True)
class BookingRequest:
    """A stay as the clerk asks for it. Dates may be typed text (`4.12`, `+3`, `fri`).

    `expected_total` is the total the guest was quoted (minor units): if the price has changed
    since, the booking is refused with the new figures instead of charging a surprise.
    """

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
    expected_total: int | None = None


@dataclass(frozen=True)
class StayChanges:
    """What a modification changes; None keeps the current value."""

    arrival: dt.date | str | None = None
    departure: dt.date | str | None = None
    nights: int | None = None
    room_type: str | None = None
    adults: int | None = None
    children: int | None = None


def _priced(
    sheet: RateSheet, plan: RatePlan, room_type: RoomType, nights: list[dt.date], party: Party
) -> list[NightQuote]:
    quotes = sheet.price_stay(plan, room_type, nights, party)
    if quotes is None:
        raise InvalidInput("rate_plan", f"rate plan {plan.code} has no price for {room_type.code}")
    return quotes


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


def _store_prices(reservation: Reservation, quotes: list[NightQuote]) -> None:
    """Replace the stay's nights and tax lines with these quoted ones."""
    reservation.nights = [ReservationNight(night=q.night, price=q.room) for q in quotes]
    reservation.taxes = [
        ReservationTax(night=q.night, code=t.code, amount=t.amount, included=t.included)
        for q in quotes
        for t in q.taxes
    ]


def stored_quotes(reservation: Reservation) -> list[NightQuote]:
    """The nights as the guest accepted them, rebuilt from the stored lines."""
    lines: dict[dt.date, list[TaxLine]] = {}
    for tax in reservation.taxes:
        lines.setdefault(tax.night, []).append(TaxLine(tax.code, tax.amount, tax.included))
    return [NightQuote(n.night, n.price, tuple(lines.get(n.night, []))) for n in reservation.nights]


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
    arrival, departure = resolve_stay(
        session, prop, request.arrival, request.departure, request.nights
    )
    room_type = resolve_room_type(session, prop, request.room_type)
    check_party(room_type, request.adults, request.children)
    plan = resolve_plan(session, prop, request.rate_plan)
    guest = (
        find_or_create_guest(session, request.guest)
        if isinstance(request.guest, GuestInput)
        else load_guest(session, request.guest)
    )
    sheet = RateSheet.load(session, prop, arrival, departure)
    if reason := sheet.why_closed(
        plan, room_type, arrival, departure, member=bool(guest.loyalty_number)
    ):
        raise Restricted(reason)
    nights = stay_nights(arrival, departure)
    quotes = _priced(sheet, plan, room_type, nights, Party(request.adults, request.children))
    total = stay_total(quotes)
    if request.expected_total is not None and request.expected_total != total:
        raise StaleQuote(
            f"the price changed since the quote: now {format_money(total, prop.currency)} "
            f"(quoted {format_money(request.expected_total, prop.currency)}) — quote again"
        )
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
    )
    _store_prices(reservation, quotes)
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

    Restrictions are checked again for the new stay. Nights kept in the same room type for the
    same party keep their quoted price; only changed nights are priced from today's sheet.
    """
    reservation = load_reservation(session, confirmation)
    check_version(reservation, expected_version)
    if reservation.status not in CHANGEABLE:
        raise InvalidTransition(
            f"reservation {reservation.confirmation} is {reservation.status}; "
            "only tentative or confirmed stays can be modified"
        )
    prop = reservation.room_type.property
    arrival = (
        read_date(changes.arrival, prop, "arrival") if changes.arrival else reservation.arrival
    )
    departure: dt.date | str | None = changes.departure
    nights = changes.nights
    if departure is None and nights is None:
        nights = (reservation.departure - reservation.arrival).days
    arrival, departure = resolve_stay(
        session, prop, arrival, departure, nights, new_arrival=arrival != reservation.arrival
    )
    room_type = (
        resolve_room_type(session, prop, changes.room_type)
        if changes.room_type
        else reservation.room_type
    )
    adults = reservation.adults if changes.adults is None else changes.adults
    children = reservation.children if changes.children is None else changes.children
    check_party(room_type, adults, children)

    old_nights = [n.night for n in reservation.nights]
    new_nights = stay_nights(arrival, departure)
    same_type = room_type.id == reservation.room_type_id
    same_party = (adults, children) == (reservation.adults, reservation.children)
    dates_changed = old_nights != new_nights
    sheet = RateSheet.load(session, prop, arrival, departure)
    if dates_changed or not same_type:
        member = bool(reservation.guest.loyalty_number)
        if reason := sheet.why_closed(
            reservation.rate_plan, room_type, arrival, departure, member=member
        ):
            raise Restricted(reason)
    kept = {q.night: q for q in stored_quotes(reservation)} if same_type and same_party else {}
    fresh = [n for n in new_nights if n not in kept]
    priced = {
        q.night: q
        for q in _priced(sheet, reservation.rate_plan, room_type, fresh, Party(adults, children))
    }

    before = snapshot(reservation)
    touch(session, reservation)
    if dates_changed or not same_type:
        release(session, reservation.room_type_id, old_nights)
        _sell(session, room_type, new_nights, overbook=False)
    _store_prices(reservation, [kept.get(n) or priced[n] for n in new_nights])
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
    session: Session,
    confirmation: str,
    reason: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> ReservationView:
    """Cancel a stay that has not arrived: its nights go back on sale, its room is freed and
    the fee its rate plan's policy sets for this moment is recorded on it.

    Args:
        now: when the guest cancels (an aware datetime); default the present moment. The policy
            is read on the property's local clock.
    """
    reservation = load_reservation(session, confirmation)
    check_version(reservation, expected_version)
    if reservation.status == ReservationStatus.CANCELLED:
        raise InvalidTransition(f"reservation {reservation.confirmation} is already cancelled")
    if reservation.status not in CHANGEABLE:
        raise InvalidTransition(
            f"reservation {reservation.confirmation} is {reservation.status}"
            " and cannot be cancelled"
        )
    prop = reservation.room_type.property
    local_now = (now or dt.datetime.now(dt.UTC)).astimezone(zoneinfo.ZoneInfo(prop.timezone))
    fee = cancellation_fee(
        cancel_policy(reservation.rate_plan),
        stored_quotes(reservation),
        reservation.arrival,
        local_now.replace(tzinfo=None),
        prop.check_in_hour,
    )
    before = snapshot(reservation)
    reservation.status = ReservationStatus.CANCELLED
    reservation.cancellation_fee = fee
    touch(session, reservation)
    release(session, reservation.room_type_id, [n.night for n in reservation.nights])
    drop_room_nights(session, reservation)
    after = snapshot(reservation) | {"reason": reason.strip(), "fee": fee}
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
