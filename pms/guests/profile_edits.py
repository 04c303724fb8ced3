"""Creating and changing a guest profile. Every field is checked as it is written (names and
contact details by the rules of `pms.guests.contact`, a loyalty number unique, a VIP level in
range), only a supervisor flags a guest do-not-rent or clears the flag, and every change is
recorded with the profile before and after, so the search index and other desks follow it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Guest
from pms.guests.contact import (
    display_name,
    normalise_country,
    normalise_email,
    normalise_phone,
    person_name,
)
from pms.guests.lookup import resolve_guest
from pms.guests.profiles import GuestProfile, profile_of
from pms.kernel.audit import record
from pms.kernel.errors import InvalidInput, InvalidTransition
from pms.kernel.permissions import require
from pms.kernel.validation import hidden_character, plain_text

MAX_VIP = 5
#: Longest notes on a profile (a page of text; the column is unbounded TEXT).
NOTES_LENGTH = 4000


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
        first, last = person_name(details.name)
        guest.first_name, guest.last_name = first, last
    if details.country is not None:
        guest.country = normalise_country(details.country)
    if details.email is not None:
        guest.email = normalise_email(details.email)
    if details.phone is not None:
        guest.phone = normalise_phone(details.phone, guest.country)
    for name, length in (("company", 120), ("city", 80)):
        value = getattr(details, name)
        if value is not None:
            setattr(guest, name, plain_text(value, name, length=length))
    if details.notes is not None:
        if hidden_character(details.notes, multiline=True) is not None:
            raise InvalidInput("notes", "notes contain a control character")
        if len(details.notes) > NOTES_LENGTH:
            raise InvalidInput("notes", f"notes may be at most {NOTES_LENGTH:,} characters")
        guest.notes = details.notes.strip()
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
    require(session, "guest.do_not_rent")
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
