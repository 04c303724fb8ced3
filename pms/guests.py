"""Guest profiles: who stays, how to reach them, what they like and what the hotel must know.

The booking flow finds or makes a profile from what the clerk typed; the profile services keep
contact details valid (e-mail by `email-validator`, phones by `phonenumbers`, stored in E.164)
and show a guest with every stay (merging and anonymising are in `pms.guest_merge`). Every change
goes through `pms.audit.record`, so the search index and other desks follow it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import phonenumbers
from babel import Locale
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from db.models import (
    Guest,
    Property,
    Reservation,
    ReservationNight,
    ReservationStatus,
    Role,
    Room,
    RoomNight,
    RoomType,
)
from pms.audit import record
from pms.desk import require_role
from pms.errors import InvalidInput, InvalidTransition, NotFound

#: Statuses whose nights the guest actually stayed (history counts these nights and revenue).
STAYED = frozenset({ReservationStatus.CHECKED_IN, ReservationStatus.CHECKED_OUT})
#: Statuses of stays still to come.
COMING = frozenset({ReservationStatus.TENTATIVE, ReservationStatus.CONFIRMED})
MAX_VIP = 5

_COUNTRIES = frozenset(code for code in Locale("en").territories if code.isalpha())


@dataclass(frozen=True)
class GuestInput:
    """Who the stay is for, as the clerk typed it."""

    name: str
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class GuestDetails:
    """A profile as typed for `create_guest` or `update_guest`; None leaves a field as it is.

    `preferences` are merged into the stored ones (room features, floor, pillow …); a key
    given an empty value is removed.
    """

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    company: str | None = None
    city: str | None = None
    country: str | None = None
    loyalty_number: str | None = None
    vip_level: int | None = None
    notes: str | None = None
    preferences: dict[str, str] | None = None
    do_not_rent: bool | None = None
    do_not_rent_reason: str | None = None


@dataclass(frozen=True)
class StayLine:
    """One stay in a guest's profile; `revenue` is its room revenue in minor units."""

    confirmation: str
    property_code: str
    status: str
    arrival: dt.date
    departure: dt.date
    room_type: str
    rooms: list[str]
    revenue: int
    currency: str

    @property
    def nights(self) -> int:
        """Length of stay."""
        return (self.departure - self.arrival).days


@dataclass(frozen=True)
class GuestProfile:
    """A guest as the desk shows them: contact, preferences, flags and every stay."""

    id: int
    first_name: str
    last_name: str
    name: str
    email: str
    phone: str
    company: str
    city: str
    country: str
    loyalty_number: str | None
    vip_level: int
    preferences: dict[str, str]
    notes: str
    do_not_rent: bool
    do_not_rent_reason: str
    anonymised: bool
    stays: list[StayLine] = field(default_factory=list)

    @property
    def upcoming(self) -> list[StayLine]:
        """Stays still to come, soonest first."""
        return sorted((s for s in self.stays if s.status in COMING), key=lambda s: s.arrival)

    @property
    def history(self) -> list[StayLine]:
        """Every other stay (in house, past, cancelled, no-show), latest first."""
        return [s for s in self.stays if s.status not in COMING]

    @property
    def nights_stayed(self) -> int:
        """Nights of the stays the guest checked in for."""
        return sum(s.nights for s in self.stays if s.status in STAYED)

    @property
    def revenue(self) -> dict[str, int]:
        """Room revenue of those stays per currency, in minor units."""
        totals: dict[str, int] = defaultdict(int)
        for stay in self.stays:
            if stay.status in STAYED:
                totals[stay.currency] += stay.revenue
        return dict(totals)


# --- names and contact details ----------------------------------------------------------------


def split_name(name: str) -> tuple[str, str]:
    """`García, Lucía` or `Lucía García` → ('Lucía', 'García')."""
    name = " ".join(name.split())
    if "," in name:
        last, _, first = name.partition(",")
        return first.strip(), last.strip()
    first, _, last = name.rpartition(" ")
    return first, last


def display_name(guest: Guest) -> str:
    """`García, Lucía`, the way lists sort and show guests."""
    return f"{guest.last_name}, {guest.first_name}" if guest.first_name else guest.last_name


def normalise_email(text: str) -> str:
    """An e-mail address checked for form (not for a mailbox) and in lower case; '' stays ''."""
    text = text.strip()
    if not text:
        return ""
    try:
        return validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise InvalidInput("email", f"{text!r} is not an e-mail address: {exc}") from exc


def normalise_country(text: str) -> str:
    """A two-letter ISO country code (`pt`, `GB`) in capitals; '' stays ''."""
    code = text.strip().upper()
    if code and code not in _COUNTRIES:
        raise InvalidInput("country", f"{text!r} is not a two-letter country code (e.g. PT, GB)")
    return code


def normalise_phone(text: str, country: str = "") -> str:
    """A phone number in E.164 (`+351912345678`), read with the guest's country when it has no
    `+` (or `00`) prefix; '' stays ''."""
    typed = text.strip()
    if not typed:
        return ""
    if not country and not typed.startswith(("+", "00")):
        raise InvalidInput(
            "phone", f"{typed!r} needs its country code (e.g. +351 …) or the guest's country"
        )
    # `00` is the international call prefix most of the world dials instead of `+`.
    number_text = "+" + typed[2:] if typed.startswith("00") else typed
    try:
        number = phonenumbers.parse(number_text, country or None)
    except phonenumbers.NumberParseException as exc:
        raise InvalidInput("phone", f"{typed!r} is not a phone number") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidInput("phone", f"{typed!r} is not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(phone: str) -> str:
    """A stored number as people read it (`+351 912 345 678`); numbers kept as typed before
    validation existed are shown as they are."""
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return phone
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


# --- finding profiles -----------------------------------------------------------------------


# Built once: every booking with an e-mail runs it, and building a select costs more than
# running it (benchmarks/booking.py).
_RETURNING_GUEST = (
    select(Guest)
    .where(
        Guest.email == bindparam("email"),
        Guest.last_name == bindparam("last_name"),
        Guest.merged_into_id.is_(None),
        Guest.anonymised_at.is_(None),
    )
    .order_by(Guest.id)
    .limit(1)
)


def find_or_create_guest(session: Session, data: GuestInput) -> Guest:
    """The profile with this e-mail and last name if there is one, else a new profile.

    The phone is kept as typed here: a booking taken on the phone must not fail on its format.
    """
    first, last = split_name(data.name)
    if not last:
        raise InvalidInput("guest", "the guest's name is missing")
    email = normalise_email(data.email)
    if email:
        existing = session.scalar(_RETURNING_GUEST, {"email": email, "last_name": last})
        if existing is not None:
            return existing
    guest = Guest(first_name=first, last_name=last, email=email, phone=data.phone.strip())
    session.add(guest)
    session.flush()
    record(session, "create", "guest", guest.id, after={"name": display_name(guest)})
    return guest


def load_guest(session: Session, guest_id: int) -> Guest:
    """An existing profile by id; a profile merged into another gives the one it joined."""
    guest = session.get(Guest, guest_id)
    if guest is None:
        raise NotFound(f"there is no guest #{guest_id}")
    while guest.merged_into_id is not None:
        guest = session.get_one(Guest, guest.merged_into_id)
    return guest


def resolve_guest(session: Session, ref: int | str) -> Guest:
    """A profile by id (`12`, `#12`), e-mail address or loyalty number."""
    text = str(ref).strip().removeprefix("#")
    if text.isdigit():
        return load_guest(session, int(text))
    if "@" in text:
        found = session.scalars(
            select(Guest.id)
            .where(Guest.email == text.lower(), Guest.merged_into_id.is_(None))
            .order_by(Guest.id)
        ).all()
        if len(found) > 1:
            ids = ", ".join(f"#{i}" for i in found)
            raise InvalidInput("guest", f"several profiles use {text}: {ids} — give the number")
        if found:
            return load_guest(session, found[0])
        raise NotFound(f"no guest has the e-mail {text}")
    guest_id = session.scalar(select(Guest.id).where(Guest.loyalty_number == text.upper()))
    if guest_id is None:
        raise NotFound(f"no guest has the number or loyalty number {text!r}")
    return load_guest(session, guest_id)


def ensure_bookable(session: Session, guest: Guest) -> None:
    """Refuse a booking for an anonymised profile, and for a do-not-rent guest unless a
    supervisor (or higher) books it."""
    if guest.anonymised_at is not None:
        raise InvalidInput("guest", f"guest #{guest.id} was anonymised — make a new profile")
    if guest.do_not_rent:
        reason = f" ({guest.do_not_rent_reason})" if guest.do_not_rent_reason else ""
        require_role(
            session, Role.SUPERVISOR, f"booking {display_name(guest)}, flagged do-not-rent{reason},"
        )


# --- the profile ----------------------------------------------------------------------------


def _stays(session: Session, guest_id: int) -> list[StayLine]:
    own = select(Reservation.id).where(Reservation.guest_id == guest_id)
    revenue = (
        select(ReservationNight.reservation_id, func.sum(ReservationNight.price).label("total"))
        .where(ReservationNight.reservation_id.in_(own))
        .group_by(ReservationNight.reservation_id)
        .subquery()
    )
    rows = session.execute(
        select(Reservation, RoomType.code, Property.code, Property.currency, revenue.c.total)
        .join(RoomType, Reservation.room_type_id == RoomType.id)
        .join(Property, Reservation.property_id == Property.id)
        .outerjoin(revenue, revenue.c.reservation_id == Reservation.id)
        .where(Reservation.guest_id == guest_id)
        .order_by(Reservation.arrival.desc(), Reservation.id.desc())
    ).all()
    rooms: dict[int, list[str]] = defaultdict(list)
    numbers = session.execute(
        select(RoomNight.reservation_id, Room.number)
        .join(Room, Room.id == RoomNight.room_id)
        .join(Reservation, Reservation.id == RoomNight.reservation_id)
        .where(Reservation.guest_id == guest_id)
        .order_by(RoomNight.night)
    )
    for reservation_id, number in numbers:
        if number not in rooms[reservation_id]:
            rooms[reservation_id].append(number)
    return [
        StayLine(
            confirmation=r.confirmation,
            property_code=property_code,
            status=r.status,
            arrival=r.arrival,
            departure=r.departure,
            room_type=room_type,
            rooms=rooms.get(r.id, []),
            revenue=int(total or 0),  # PostgreSQL sums bigints as numeric
            currency=currency,
        )
        for r, room_type, property_code, currency, total in rows
    ]


def profile_of(session: Session, guest: Guest) -> GuestProfile:
    """The plain view of a loaded profile, with its stays."""
    return GuestProfile(
        id=guest.id,
        first_name=guest.first_name,
        last_name=guest.last_name,
        name=display_name(guest),
        email=guest.email,
        phone=guest.phone,
        company=guest.company,
        city=guest.city,
        country=guest.country,
        loyalty_number=guest.loyalty_number,
        vip_level=guest.vip_level,
        preferences={str(k): str(v) for k, v in (guest.preferences or {}).items()},
        notes=guest.notes,
        do_not_rent=guest.do_not_rent,
        do_not_rent_reason=guest.do_not_rent_reason,
        anonymised=guest.anonymised_at is not None,
        stays=_stays(session, guest.id),
    )


def show_guest(session: Session, ref: int | str) -> GuestProfile:
    """A guest's whole profile with stay history and upcoming stays."""
    return profile_of(session, resolve_guest(session, ref))


def snapshot(guest: Guest) -> dict[str, object]:
    """The fields an auditor compares before and after a change."""
    return {
        "name": display_name(guest),
        "email": guest.email,
        "phone": guest.phone,
        "company": guest.company,
        "city": guest.city,
        "country": guest.country,
        "loyalty_number": guest.loyalty_number,
        "vip_level": guest.vip_level,
        "preferences": dict(guest.preferences or {}),
        "do_not_rent": guest.do_not_rent,
        "do_not_rent_reason": guest.do_not_rent_reason,
    }


def _apply(session: Session, guest: Guest, details: GuestDetails) -> None:
    """Check every given field and write it to the profile."""
    if details.name is not None:
        first, last = split_name(details.name)
        if not last:
            raise InvalidInput("name", "the guest's name is missing")
        guest.first_name, guest.last_name = first, last
    if details.country is not None:
        guest.country = normalise_country(details.country)
    if details.email is not None:
        guest.email = normalise_email(details.email)
    if details.phone is not None:
        guest.phone = normalise_phone(details.phone, guest.country)
    for name in ("company", "city", "notes"):
        value = getattr(details, name)
        if value is not None:
            setattr(guest, name, value.strip())
    if details.loyalty_number is not None:
        _set_loyalty(session, guest, details.loyalty_number)
    if details.vip_level is not None:
        if not 0 <= details.vip_level <= MAX_VIP:
            raise InvalidInput("vip_level", f"the VIP level goes from 0 to {MAX_VIP}")
        guest.vip_level = details.vip_level
    if details.preferences is not None:
        merged = dict(guest.preferences or {})
        for key, value in details.preferences.items():
            key, value = key.strip().lower(), value.strip()
            if not key:
                raise InvalidInput("preferences", "a preference needs a name (e.g. pillow=feather)")
            if value:
                merged[key] = value
            else:
                merged.pop(key, None)
        guest.preferences = merged
    _set_do_not_rent(session, guest, details)


def _set_loyalty(session: Session, guest: Guest, number: str) -> None:
    number = number.strip().upper()
    if len(number) > 20:
        raise InvalidInput("loyalty_number", "a loyalty number has at most 20 characters")
    if number:
        holder = session.scalar(
            select(Guest.id).where(Guest.loyalty_number == number, Guest.id != guest.id)
        )
        if holder is not None:
            raise InvalidInput(
                "loyalty_number", f"loyalty number {number} already belongs to guest #{holder}"
            )
    guest.loyalty_number = number or None


def _set_do_not_rent(session: Session, guest: Guest, details: GuestDetails) -> None:
    """Only a supervisor flags a guest do-not-rent or clears the flag; the flag needs a reason."""
    flag = guest.do_not_rent if details.do_not_rent is None else details.do_not_rent
    reason = guest.do_not_rent_reason
    if details.do_not_rent_reason is not None:
        reason = details.do_not_rent_reason.strip()
    if not flag:
        reason = ""
    if (flag, reason) == (guest.do_not_rent, guest.do_not_rent_reason):
        return
    require_role(session, Role.SUPERVISOR, "flagging a guest do-not-rent or clearing the flag")
    if flag and not reason:
        raise InvalidInput("do_not_rent_reason", "say why the guest must not be booked")
    if len(reason) > 200:
        raise InvalidInput("do_not_rent_reason", "the reason has at most 200 characters")
    guest.do_not_rent, guest.do_not_rent_reason = flag, reason


def create_guest(session: Session, details: GuestDetails) -> GuestProfile:
    """A new profile; the name is required, everything else is checked when given."""
    if not (details.name or "").strip():
        raise InvalidInput("name", "the guest's name is missing")
    # Python-side defaults apply only at flush: spell them out, so changes compare to them.
    guest = Guest(
        first_name="",
        last_name="",
        email="",
        phone="",
        company="",
        city="",
        country="",
        vip_level=0,
        preferences={},
        notes="",
        do_not_rent=False,
        do_not_rent_reason="",
    )
    _apply(session, guest, details)
    session.add(guest)
    session.flush()
    record(session, "create", "guest", guest.id, after=snapshot(guest))
    return profile_of(session, guest)


def update_guest(session: Session, ref: int | str, details: GuestDetails) -> GuestProfile:
    """Change the fields given; the others stay as they are."""
    guest = resolve_guest(session, ref)
    if guest.anonymised_at is not None:
        raise InvalidTransition(f"guest #{guest.id} was anonymised; the profile cannot change")
    before = snapshot(guest)
    _apply(session, guest, details)
    after = snapshot(guest)
    if after != before:
        session.flush()
        record(session, "update", "guest", guest.id, before=before, after=after)
    return profile_of(session, guest)
