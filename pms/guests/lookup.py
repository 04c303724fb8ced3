"""Finding a guest's profile: from what the clerk typed at booking (found again by e-mail and
last name, else made), by id, e-mail address or loyalty number. A profile merged into another
always gives the one it joined, and `ensure_bookable` says whether the guest may be booked."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from db.models import Guest
from pms.guests.contact import display_name, normalise_email, normalise_phone, person_name
from pms.kernel.audit import record
from pms.kernel.errors import InvalidInput, NotFound
from pms.kernel.permissions import require


@dataclass(frozen=True)
class GuestInput:
    """Who the stay is for, as the clerk typed it."""

    name: str
    email: str = ""
    phone: str = ""


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

    Name, e-mail and phone are checked as on a profile (`pms.guests.contact`): a phone needs
    its country code, since a booking has no country to read it with.
    """
    first, last = person_name(data.name, "guest")
    email = normalise_email(data.email)
    phone = normalise_phone(data.phone)
    if email:
        existing = session.scalar(_RETURNING_GUEST, {"email": email, "last_name": last})
        if existing is not None:
            return existing
    guest = Guest(first_name=first, last_name=last, email=email, phone=phone)
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
        require(
            session,
            "guest.book_do_not_rent",
            f"booking {display_name(guest)}, flagged do-not-rent{reason},",
        )
