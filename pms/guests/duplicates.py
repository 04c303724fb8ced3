"""Telling whether a guest is already on file: the same e-mail address or the same phone number
(both in their stored form, so `Ana@Example.com` and `+351 912 345 678` match what is kept).
An import reports such rows (or merges or skips them) instead of making a second profile."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Guest


def contact_keys(email: str, phone: str) -> list[tuple[str, str]]:
    """What a guest is matched on: ('email', …) and ('phone', …) for those they have."""
    return [(name, value) for name, value in (("email", email), ("phone", phone)) if value]


@dataclass
class KnownGuests:
    """Profiles on file by contact key; ones added as an import goes are found too."""

    by_contact: dict[tuple[str, str], int] = field(default_factory=dict)

    def find(self, keys: Iterable[tuple[str, str]]) -> tuple[int, str] | None:
        """The profile (id) a guest with these keys is, and the key that matched."""
        for key in keys:
            if key in self.by_contact:
                return self.by_contact[key], key[0]
        return None

    def add(self, guest_id: int, keys: Iterable[tuple[str, str]]) -> None:
        """Note a profile under its keys (the first profile keeps a shared key)."""
        for key in keys:
            self.by_contact.setdefault(key, guest_id)


def known_guests(session: Session) -> KnownGuests:
    """Every live profile (not merged away, not anonymised) by e-mail and phone, read as a
    stream: a hotel group may hold millions."""
    known = KnownGuests()
    rows = session.execute(
        select(Guest.id, Guest.email, Guest.phone)
        .where(Guest.merged_into_id.is_(None), Guest.anonymised_at.is_(None))
        .where((Guest.email != "") | (Guest.phone != ""))
        .order_by(Guest.id)
        .execution_options(yield_per=10_000)
    )
    for guest_id, email, phone in rows:
        known.add(guest_id, contact_keys(email, phone))
    return known
