"""Members of the programme: enrolling a guest (at the desk, from the CLI, and the service an
import calls), finding a member by guest or number, and the list of members by tier.

The member number is the guest's `loyalty_number`: a number the profile already carries (given
by a programme the hotel had before) is kept, else one is made from the programme's code and
the account's number. The database keeps one account per guest and each number unique.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import (
    Guest,
    LoyaltyAccount,
    LoyaltyProgramme,
    LoyaltyProperty,
    LoyaltyTier,
    Property,
)
from pms.guests.contact import display_name
from pms.guests.lookup import load_guest, resolve_guest
from pms.hotel.properties import resolve_property
from pms.kernel.audit import record
from pms.kernel.errors import InvalidInput, NotFound, RetryableConflict
from pms.loyalty.ledger import qualifying_measure, redeemable_balance
from pms.loyalty.programme import programme_at, tiers_of

#: Digits after the programme's code in a member number made here.
NUMBER_DIGITS = 8


@dataclass(frozen=True)
class Member:
    """A member as lists show them: number, name, tier, points to spend and what counts
    towards the tier now."""

    guest_id: int
    member_number: str
    name: str
    programme: str
    tier: str
    tier_name: str
    redeemable: int
    qualifying: int


def programme_for(session: Session, property_code: str | None) -> tuple[Property, LoyaltyProgramme]:
    """The property and the programme it takes part in; refused when it takes part in none."""
    prop = resolve_property(session, property_code)
    programme = programme_at(session, prop)
    if programme is None:
        raise NotFound(f"{prop.code} takes part in no loyalty programme — a manager sets one up")
    return prop, programme


def account_of(session: Session, guest: Guest) -> LoyaltyAccount | None:
    """The guest's account, if they are a member."""
    return session.scalar(select(LoyaltyAccount).where(LoyaltyAccount.guest_id == guest.id))


def member_account(session: Session, guest_ref: int | str) -> tuple[Guest, LoyaltyAccount]:
    """The guest (by number, e-mail or member number) and their account; refused when the
    guest is not a member."""
    guest = resolve_guest(session, guest_ref)
    account = account_of(session, guest)
    if account is None:
        raise NotFound(f"{display_name(guest)} (#{guest.id}) is not a loyalty member")
    return guest, account


def _number_for(programme: LoyaltyProgramme, account: LoyaltyAccount) -> str:
    return f"{programme.code[: 20 - NUMBER_DIGITS]}{account.id:0{NUMBER_DIGITS}d}"


def enrol(
    session: Session,
    guest_ref: int | str,
    *,
    property_code: str | None = None,
    on: dt.date | None = None,
) -> Member:
    """Make a guest a member of the programme the property takes part in, in its lowest tier.

    Anyone at the desk may enrol a guest; an anonymised or merged-away profile cannot be. A
    guest already a member is told their number instead.
    """
    prop, programme = programme_for(session, property_code)
    guest = resolve_guest(session, guest_ref)
    if guest.anonymised_at is not None:
        raise InvalidInput("guest", f"guest #{guest.id} was anonymised — make a new profile")
    if (existing := account_of(session, guest)) is not None:
        raise InvalidInput(
            "guest",
            f"{display_name(guest)} is a member already (number {guest.loyalty_number}, "
            f"since {existing.enrolled_on:%d %b %Y})",
        )
    tiers = tiers_of(session, programme.id)
    if not tiers:
        raise InvalidInput("programme", f"programme {programme.code} has no tiers yet")
    day = on or prop.business_date
    account = LoyaltyAccount(
        programme_id=programme.id,
        guest_id=guest.id,
        tier_id=tiers[0].id,
        enrolled_on=day,
        tier_since=day,
    )
    session.add(account)
    try:
        session.flush()
    except IntegrityError as exc:  # another desk enrolled the guest at the same moment
        raise RetryableConflict("guest enrolled twice at once") from exc
    if not guest.loyalty_number:
        guest.loyalty_number = _number_for(programme, account)
        session.flush()
    joined = {"guest_id": guest.id, "number": guest.loyalty_number, "tier": tiers[0].code}
    record(session, "enrol", "loyalty_account", account.id, after=joined)
    record(session, "update", "guest", guest.id, after={"loyalty_number": guest.loyalty_number})
    return member_of(session, guest, account)


def member_of(session: Session, guest: Guest, account: LoyaltyAccount) -> Member:
    """The plain view of a member."""
    programme = session.get_one(LoyaltyProgramme, account.programme_id)
    tier = session.get_one(LoyaltyTier, account.tier_id)
    today = business_date_of(session, programme)
    return Member(
        guest_id=guest.id,
        member_number=guest.loyalty_number or "",
        name=display_name(guest),
        programme=programme.code,
        tier=tier.code,
        tier_name=tier.name,
        redeemable=redeemable_balance(session, account.id),
        qualifying=qualifying_measure(session, programme, account.id, today),
    )


def programme_home(session: Session, programme: LoyaltyProgramme) -> Property | None:
    """The property whose business date and currency the programme's figures are read in: of
    those taking part, the one furthest on (they may sit in different time zones)."""
    return session.scalar(
        select(Property)
        .join(LoyaltyProperty, LoyaltyProperty.property_id == Property.id)
        .where(LoyaltyProperty.programme_id == programme.id)
        .order_by(Property.business_date.desc(), Property.id)
        .limit(1)
    )


def business_date_of(session: Session, programme: LoyaltyProgramme) -> dt.date:
    """The business date the programme's figures are read on."""
    home = programme_home(session, programme)
    return home.business_date if home else dt.date.today()


def find_member(session: Session, number: str) -> Member:
    """A member by their number, as typed on the reservation form or read off a card."""
    text = number.strip().upper()
    if not text:
        raise InvalidInput("member", "type the member number")
    guest = session.scalar(select(Guest).where(Guest.loyalty_number == text))
    account = account_of(session, load_guest(session, guest.id)) if guest else None
    if guest is None or account is None:
        raise InvalidInput("member", f"no loyalty member has the number {text}")
    return member_of(session, guest, account)


def list_members(
    session: Session, *, tier: str | None = None, property_code: str | None = None
) -> list[Member]:
    """The programme's members, by name; only those of one tier when `tier` is given."""
    _, programme = programme_for(session, property_code)
    query = (
        select(Guest, LoyaltyAccount)
        .join(LoyaltyAccount, LoyaltyAccount.guest_id == Guest.id)
        .where(LoyaltyAccount.programme_id == programme.id)
        .order_by(Guest.last_name, Guest.first_name, Guest.id)
    )
    if tier:
        wanted = session.scalar(
            select(LoyaltyTier.id).where(
                LoyaltyTier.programme_id == programme.id, LoyaltyTier.code == tier.strip().upper()
            )
        )
        if wanted is None:
            known = ", ".join(t.code for t in tiers_of(session, programme.id))
            raise InvalidInput("tier", f"tier {tier.strip()!r} is not one of {known}")
        query = query.where(LoyaltyAccount.tier_id == wanted)
    return [member_of(session, guest, account) for guest, account in session.execute(query)]
