"""Merging duplicate guest profiles, and anonymising a guest on request.

Both keep every reservation and its prices: a merge moves the duplicate's stays to the profile
kept, and anonymising erases the personal data but not what the hotel sold. Both are recorded
through `pms.kernel.audit.record`, so each desk's search index drops the old documents.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import AuditLog, Guest, Reservation
from pms.guests.lookup import resolve_guest
from pms.guests.profile_edits import snapshot
from pms.guests.profiles import GuestProfile, profile_of
from pms.kernel.audit import record
from pms.kernel.errors import InvalidInput, InvalidTransition
from pms.kernel.permissions import require

#: The last name an anonymised profile keeps (the first name is emptied).
ANONYMOUS = "Anonymised"


def merge_guests(session: Session, keep: int | str, duplicate: int | str) -> GuestProfile:
    """Fold a duplicate profile into the one kept: every reservation moves over, blanks in the
    kept profile are filled from the duplicate, flags and notes are kept from both, and the
    duplicate points at the kept one (its id still finds the guest). Needs a supervisor."""
    require(session, "guest.merge")
    kept, gone = resolve_guest(session, keep), resolve_guest(session, duplicate)
    if kept.id == gone.id:
        raise InvalidInput("duplicate", f"guest #{kept.id} cannot be merged into itself")
    for guest in (kept, gone):
        if guest.anonymised_at is not None:
            raise InvalidTransition(f"guest #{guest.id} was anonymised and cannot be merged")
    before = snapshot(kept)
    for name in ("email", "phone", "company", "city", "country"):
        if not getattr(kept, name):
            setattr(kept, name, getattr(gone, name))
    if kept.loyalty_number is None and gone.loyalty_number is not None:
        kept_number, gone.loyalty_number = gone.loyalty_number, None
        session.flush()  # the number is unique: free it before the kept profile takes it
        kept.loyalty_number = kept_number
    kept.vip_level = max(kept.vip_level, gone.vip_level)
    kept.preferences = {**(gone.preferences or {}), **(kept.preferences or {})}
    kept.notes = "\n".join(n for n in (kept.notes, gone.notes) if n)
    if gone.do_not_rent and not kept.do_not_rent:
        kept.do_not_rent, kept.do_not_rent_reason = True, gone.do_not_rent_reason
    moved = session.scalars(select(Reservation).where(Reservation.guest_id == gone.id)).all()
    for reservation in moved:
        reservation.guest_id = kept.id
    session.execute(
        update(Guest).where(Guest.merged_into_id == gone.id).values(merged_into_id=kept.id)
    )
    gone.merged_into_id = kept.id
    session.flush()
    record(session, "merge", "guest", kept.id, before=before, after=snapshot(kept))
    record(session, "merged_into", "guest", gone.id, after={"merged_into": kept.id})
    for reservation in moved:
        record(
            session,
            "change_guest",
            "reservation",
            reservation.id,
            before={"guest_id": gone.id},
            after={"guest_id": kept.id},
        )
    return profile_of(session, kept)


def anonymise_guest(session: Session, ref: int | str) -> GuestProfile:
    """Erase a guest's personal data on their request: name, contact, preferences and notes of
    the profile and of every duplicate merged into it, and the copies the audit trail holds.
    Reservations, prices and the country (for statistics) are kept. Needs a manager."""
    require(session, "guest.anonymise")
    guest = resolve_guest(session, ref)
    if guest.anonymised_at is not None:
        raise InvalidTransition(f"guest #{guest.id} is already anonymised")
    now = dt.datetime.now(dt.UTC)
    profiles = [guest, *session.scalars(select(Guest).where(Guest.merged_into_id == guest.id))]
    for profile in profiles:
        profile.first_name, profile.last_name = "", ANONYMOUS
        profile.email = profile.phone = profile.company = profile.city = profile.notes = ""
        profile.loyalty_number = None
        profile.vip_level = 0
        profile.preferences = {}
        profile.do_not_rent, profile.do_not_rent_reason = False, ""
        profile.anonymised_at = now
    ids = [p.id for p in profiles]
    session.execute(
        update(AuditLog)
        .where(AuditLog.entity == "guest", AuditLog.entity_id.in_(ids))
        .values(before=None, after=None)
    )
    session.flush()
    for profile in profiles:
        record(session, "anonymise", "guest", profile.id)
    return profile_of(session, guest)
