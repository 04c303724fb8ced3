"""Bookings a channel makes, reads, changes and cancels — through the desk's own `book`,
`modify` and `cancel`, so inventory, prices, policies and the audit log are the same.

A booking over HTTP needs an Idempotency-Key. The first request under a key claims it with a
row of `api_idempotency` (UNIQUE per channel) before it sells anything: a retry of the same
request gets the booking the first one made, another request under the same key is refused,
and two copies racing each other book once — the second waits on the first's row, then finds
it. A channel sees only the bookings it made; any other is "not found" to it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import IdempotencyRecord, Reservation
from pms.channels.keys import ChannelAccess
from pms.guests.contact import full_name
from pms.guests.lookup import GuestInput
from pms.guests.profile_edits import GuestDetails, update_guest
from pms.hotel.properties import resolve_property
from pms.kernel.errors import InvalidInput, NotFound, RetryableConflict
from pms.reservations.booking import BookingRequest, book
from pms.reservations.changes import StayChanges, cancel, modify
from pms.stays.reservation_views import (
    ReservationView,
    check_version,
    load_reservation,
    reservation_view,
)

_MAX_KEY = 80


@dataclass(frozen=True)
class GuestContact:
    """The guest as a channel sends them; None leaves a field as it is (in a change)."""

    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class ChannelBooking:
    """A stay as a channel asks for it: codes, dates, party and guest.

    `expected_total` is the total the channel's offer showed (minor units): a price changed
    since is refused with the new figures rather than booked.
    """

    arrival: dt.date
    departure: dt.date
    room_type: str
    rate_plan: str
    guest: GuestContact
    adults: int = 1
    children: int = 0
    expected_total: int | None = None


@dataclass(frozen=True)
class ChannelChange:
    """A change a channel asks for: dates, party, guest details; None keeps the value."""

    arrival: dt.date | None = None
    departure: dt.date | None = None
    adults: int | None = None
    children: int | None = None
    guest: GuestContact | None = None
    version: int | None = None


@dataclass(frozen=True)
class ChannelBookingResult:
    """The booking, and whether it is the answer to an earlier request under the same key."""

    booking: ReservationView
    replayed: bool


def _fingerprint(property_code: str, booking: ChannelBooking) -> tuple[str, dict[str, object]]:
    request = {"property": property_code.upper(), **dataclasses.asdict(booking)}
    text = json.dumps(request, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest(), json.loads(text)


def _check_key(idempotency_key: str | None) -> str:
    key = (idempotency_key or "").strip()
    if not key:
        raise InvalidInput("Idempotency-Key", "a booking needs an Idempotency-Key header")
    if len(key) > _MAX_KEY or not key.isprintable():
        raise InvalidInput("Idempotency-Key", f"an Idempotency-Key is 1–{_MAX_KEY} characters")
    return key


def _guest_input(guest: GuestContact) -> GuestInput:
    first, last = (guest.first_name or "").strip(), (guest.last_name or "").strip()
    if not last:
        raise InvalidInput("guest.last_name", "the guest's last name is missing")
    return GuestInput(full_name(first, last), guest.email or "", guest.phone or "")


def _claim(
    session: Session, channel: str, key: str, fingerprint: str, request: dict[str, object]
) -> IdempotencyRecord:
    """Claim the key for this request; a copy that got there first makes this attempt run
    again, and the look-up then finds the copy's booking."""
    claim = IdempotencyRecord(
        channel=channel, idempotency_key=key, fingerprint=fingerprint, request=request
    )
    session.add(claim)
    try:
        session.flush()
    except IntegrityError as exc:
        raise RetryableConflict("booking raced with a copy under the same key") from exc
    return claim


def book_for_channel(
    session: Session,
    access: ChannelAccess,
    property_code: str,
    idempotency_key: str | None,
    booking: ChannelBooking,
) -> ChannelBookingResult:
    """Book the stay for the channel, once per Idempotency-Key; the source is the channel."""
    access.require("book")
    key = _check_key(idempotency_key)
    fingerprint, request = _fingerprint(property_code, booking)
    earlier = session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.channel == access.channel,
            IdempotencyRecord.idempotency_key == key,
        )
    )
    if earlier is not None:
        if earlier.fingerprint != fingerprint or earlier.reservation_id is None:
            raise InvalidInput(
                "Idempotency-Key", "this Idempotency-Key was used for another booking request"
            )
        stay = session.get_one(Reservation, earlier.reservation_id)
        return ChannelBookingResult(reservation_view(session, stay), replayed=True)
    claim = _claim(session, access.channel, key, fingerprint, request)
    view = book(
        session,
        BookingRequest(
            arrival=booking.arrival,
            departure=booking.departure,
            room_type=booking.room_type,
            rate_plan=booking.rate_plan,
            guest=_guest_input(booking.guest),
            adults=booking.adults,
            children=booking.children,
            property_code=property_code,
            source=access.channel,
            expected_total=booking.expected_total,
        ),
    )
    claim.reservation_id = session.scalar(
        select(Reservation.id).where(Reservation.confirmation == view.confirmation)
    )
    return ChannelBookingResult(view, replayed=False)


def _own(
    session: Session, access: ChannelAccess, property_code: str, confirmation: str
) -> Reservation:
    """The channel's own booking at this property; anything else is not found to it."""
    prop = resolve_property(session, property_code)
    try:
        stay = load_reservation(session, confirmation)
    except NotFound:
        stay = None
    if stay is None or stay.source != access.channel or stay.property_id != prop.id:
        raise NotFound(f"there is no reservation {confirmation.strip()!r} at {prop.code}")
    return stay


def channel_booking(
    session: Session, access: ChannelAccess, property_code: str, confirmation: str
) -> ReservationView:
    """One of the channel's bookings, as it stands."""
    access.require("book")
    return reservation_view(session, _own(session, access, property_code, confirmation))


def change_channel_booking(
    session: Session,
    access: ChannelAccess,
    property_code: str,
    confirmation: str,
    change: ChannelChange,
) -> ReservationView:
    """Change dates, party or guest details, priced and checked as the desk's modify does; a
    `version` other than the booking's is refused (someone changed it since)."""
    access.require("book")
    stay = _own(session, access, property_code, confirmation)
    check_version(stay, change.version)
    if change.guest is not None:
        guest = change.guest
        name = None
        if guest.first_name is not None or guest.last_name is not None:
            first = stay.guest.first_name if guest.first_name is None else guest.first_name
            last = stay.guest.last_name if guest.last_name is None else guest.last_name
            name = _guest_input(GuestContact(first, last)).name
        update_guest(
            session, stay.guest_id, GuestDetails(name=name, email=guest.email, phone=guest.phone)
        )
    stay_changes = StayChanges(
        arrival=change.arrival,
        departure=change.departure,
        adults=change.adults,
        children=change.children,
    )
    if stay_changes == StayChanges():
        return reservation_view(session, stay)
    return modify(session, stay.confirmation, stay_changes, expected_version=change.version)


def cancel_channel_booking(
    session: Session,
    access: ChannelAccess,
    property_code: str,
    confirmation: str,
    reason: str = "",
    version: int | None = None,
) -> ReservationView:
    """Cancel the booking; the fee its rate plan's policy sets now is on the answer."""
    access.require("book")
    stay = _own(session, access, property_code, confirmation)
    return cancel(session, stay.confirmation, reason=reason, expected_version=version)
