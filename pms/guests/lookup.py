"""Finding a guest's profile: from what the clerk typed at booking (found again by e-mail and
last name, else made), by id, e-mail address or loyalty number. A profile merged into another
always gives the one it joined, and `ensure_bookable` says whether the guest may be booked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, bindparam, insert, inspect, select
from sqlalchemy.orm import Session

from db.models import Guest
from db.prepared import Prepared, Row, as_loaded, whole_row
from pms.guests.contact import display_name, normalise_email, normalise_phone, person_name
from pms.kernel.audit import record
from pms.kernel.desk import connection_of
from pms.kernel.errors import InvalidInput, NotFound
from pms.kernel.permissions import require
from pms.kernel.validation import guard_row


@dataclass(frozen=True)
class GuestInput:
    """Who the stay is for, as the clerk typed it."""

    name: str
    email: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class TypedGuest:
    """A new or returning guest as typed, name and phone checked: what finding the profile
    again needs (`email` as typed, trimmed and in lower case; checked only for a new one)."""

    typed: GuestInput
    first_name: str
    last_name: str
    email: str
    phone: str


@dataclass(frozen=True, slots=True)
class FoundAsTyped:
    """What a caller's own query found with `RETURNING_GUEST` for the address as typed: the
    profile's whole row (`whole_row(Guest)`), or None when no profile has it."""

    row: Row | None


# Built once and run as Core (on SQLite straight on the driver, `db.prepared`): every booking
# runs one of them. Loading the returning guest through the ORM and flushing a new one cost
# ~0.7 ms and ~1.5 ms of Python a booking on SQLite against ~0.1 ms for the statements
# (benchmarks/booking.py --profile); the profile is then put in the session as if loaded.
_GUEST_COLUMNS = whole_row(Guest)
#: The profile a booking finds again: this e-mail and last name, neither merged into another
#: nor anonymised, the oldest first (`order_by(Guest.id)`). A booking joins it to its first
#: query (`pms.reservations.booking`); :guest_email and :guest_last_name are bound.
RETURNING_GUEST = and_(
    Guest.email == bindparam("guest_email"),
    Guest.last_name == bindparam("guest_last_name"),
    Guest.merged_into_id.is_(None),
    Guest.anonymised_at.is_(None),
)
_RETURNING_GUEST = Prepared(
    select(*_GUEST_COLUMNS).where(RETURNING_GUEST).order_by(Guest.id).limit(1)
)
_NEW_GUEST = Prepared(insert(Guest).returning(Guest.id))


def typed_guest(data: GuestInput) -> TypedGuest:
    """The guest's name and phone checked as on a profile (`pms.guests.contact`): a phone
    needs its country code, since a booking has no country to read it with."""
    first, last = person_name(data.name, "guest")
    phone = normalise_phone(data.phone)
    return TypedGuest(data, first, last, data.email.strip().lower(), phone)


def find_or_create_guest(
    session: Session, data: GuestInput | TypedGuest, found: FoundAsTyped | None = None
) -> Guest:
    """The profile with this e-mail and last name if there is one, else a new profile.

    Name, e-mail and phone are checked as on a profile (`typed_guest`); `found` is what the
    caller's query found for the address as typed, when it looked.
    """
    guest = data if isinstance(data, TypedGuest) else typed_guest(data)
    connection = connection_of(session)
    # Every stored address passed `normalise_email` (profiles, bookings, imports): one typed
    # as it is stored is found without checking it again (~0.15 ms, half the desk's bookings).
    typed = guest.email
    if found is None and typed:
        found = FoundAsTyped(_returning(connection, typed, guest.last_name))
    if found is not None and found.row is not None:
        return as_loaded(session, Guest, found.row)  # type: ignore[no-any-return]
    email = normalise_email(guest.typed.email)
    if email and email != typed and (row := _returning(connection, email, guest.last_name)):
        return as_loaded(session, Guest, row)  # type: ignore[no-any-return]
    return _new_guest(session, connection, guest, email)


def _new_guest(session: Session, connection: Connection, guest: TypedGuest, email: str) -> Guest:
    """A new profile stored with one INSERT, after the guard the flush applies, and its
    audit row."""
    row = _new_profile(
        first_name=guest.first_name, last_name=guest.last_name, email=email, phone=guest.phone
    )
    guard_row(inspect(Guest), row)
    row["id"] = _NEW_GUEST.execute(connection, row)[0][0]
    profile: Guest = as_loaded(session, Guest, [row[column.key] for column in _GUEST_COLUMNS])
    record(session, "create", "guest", profile.id, after={"name": display_name(profile)})
    return profile


def _returning(connection: Connection, email: str, last_name: str) -> Row | None:
    """The whole row of the profile booked with this e-mail and last name, if there is one."""
    found = _RETURNING_GUEST.execute(
        connection, {"guest_email": email, "guest_last_name": last_name}
    )
    return found[0] if found else None


def _new_profile(**given: Any) -> dict[str, Any]:
    """A new profile's whole row: what is given, the model's defaults for the rest."""
    row: dict[str, Any] = {}
    for column in _GUEST_COLUMNS:
        if column.primary_key:
            continue
        default = column.default
        if column.key in given:
            row[column.key] = given[column.key]
        elif default is None:
            row[column.key] = None
        elif default.is_scalar:  # type: ignore[attr-defined]
            row[column.key] = default.arg  # type: ignore[attr-defined]
        else:  # Core wraps a no-argument callable (utcnow, dict) to take a context
            row[column.key] = default.arg(None)  # type: ignore[attr-defined]
    return row


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
        require(
            session,
            "guest.book_do_not_rent",
            f"booking {display_name(guest)}, flagged do-not-rent{reason},",
        )
