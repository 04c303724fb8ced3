"""Guest profiles as the booking flow needs them: find by e-mail or create."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Guest
from pms.audit import record
from pms.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class GuestInput:
    """Who the stay is for, as the clerk typed it."""

    name: str
    email: str = ""
    phone: str = ""


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


def find_or_create_guest(session: Session, data: GuestInput) -> Guest:
    """The profile with this e-mail and last name if there is one, else a new profile."""
    first, last = split_name(data.name)
    if not last:
        raise InvalidInput("guest", "the guest's name is missing")
    email = data.email.strip().lower()
    if email and ("@" not in email or "." not in email.partition("@")[2]):
        raise InvalidInput("email", f"{data.email!r} is not an e-mail address")
    if email:
        existing = session.scalar(
            select(Guest).where(Guest.email == email, Guest.last_name == last).limit(1)
        )
        if existing is not None:
            return existing
    guest = Guest(first_name=first, last_name=last, email=email, phone=data.phone.strip())
    session.add(guest)
    session.flush()
    record(session, "create", "guest", guest.id, after={"name": display_name(guest)})
    return guest


def load_guest(session: Session, guest_id: int) -> Guest:
    """An existing profile by id."""
    guest = session.get(Guest, guest_id)
    if guest is None:
        raise NotFound(f"there is no guest #{guest_id}")
    return guest
