"""Reading a member's loyalty: what `pms loyalty show`, the statement and the guest profile's
panel show — tier, points to spend, what counts towards the next tier, and the ledger.

Every figure is a sum of ledger lines read now; nothing here is stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Guest, LoyaltyAccount, LoyaltyLine, LoyaltyProgramme, LoyaltyTier
from pms.guests.contact import display_name
from pms.guests.lookup import load_guest
from pms.kernel.errors import InvalidInput
from pms.loyalty.ledger import (
    LineView,
    add_months,
    line_views,
    qualifying_measure,
    redeemable_balance,
    window_start,
)
from pms.loyalty.members import account_of, member_account, programme_home
from pms.loyalty.programme import tiers_of
from pms.stays.stay_rules import read_date


@dataclass(frozen=True)
class LoyaltyView:
    """A member's standing: tier, points to spend, the measure towards a tier over the
    programme's period (in `qualify_on`: points, nights, stays or room revenue in minor
    units), the next tier and its threshold, and the ledger, oldest line first."""

    guest_id: int
    name: str
    member_number: str
    programme: str
    tier: str
    tier_name: str
    tier_since: dt.date
    enrolled_on: dt.date
    redeemable: int
    qualify_on: str
    measure: int
    period_from: dt.date
    period_to: dt.date
    next_tier: str | None
    next_threshold: int | None
    currency: str
    lines: list[LineView]

    @property
    def to_next_tier(self) -> int:
        """What is still needed to reach the next tier (0 at the top)."""
        if self.next_threshold is None:
            return 0
        return max(0, self.next_threshold - self.measure)


def _view(
    session: Session, guest: Guest, account: LoyaltyAccount, lines: list[LoyaltyLine]
) -> LoyaltyView:
    programme = session.get_one(LoyaltyProgramme, account.programme_id)
    tier = session.get_one(LoyaltyTier, account.tier_id)
    higher = [t for t in tiers_of(session, programme.id) if t.rank > tier.rank]
    home = programme_home(session, programme)
    today = home.business_date if home else dt.date.today()
    return LoyaltyView(
        guest_id=guest.id,
        name=display_name(guest),
        member_number=guest.loyalty_number or "",
        programme=programme.code,
        tier=tier.code,
        tier_name=tier.name,
        tier_since=account.tier_since,
        enrolled_on=account.enrolled_on,
        redeemable=redeemable_balance(session, account.id),
        qualify_on=programme.qualify_on,
        measure=qualifying_measure(session, programme, account.id, today),
        period_from=window_start(programme, today),
        period_to=today,
        next_tier=higher[0].code if higher else None,
        next_threshold=higher[0].threshold if higher else None,
        currency=home.currency if home else "",
        lines=line_views(session, lines),
    )


def _lines(session: Session, account_id: int, *conditions: object) -> list[LoyaltyLine]:
    return list(
        session.scalars(
            select(LoyaltyLine)
            .where(LoyaltyLine.account_id == account_id, *conditions)
            .order_by(LoyaltyLine.business_date, LoyaltyLine.id)
        )
    )


def show_loyalty(session: Session, guest_ref: int | str) -> LoyaltyView:
    """A member's standing and whole ledger (`pms loyalty show GUEST`)."""
    guest, account = member_account(session, guest_ref)
    return _view(session, guest, account, _lines(session, account.id))


def loyalty_panel(session: Session, guest_id: int) -> LoyaltyView | None:
    """What the guest profile's loyalty panel shows; None when the guest is not a member."""
    guest = load_guest(session, guest_id)
    account = account_of(session, guest)
    if account is None:
        return None
    return _view(session, guest, account, _lines(session, account.id))


@dataclass(frozen=True)
class Statement:
    """A member's points between two dates: the balance before, the lines, the balance after."""

    member: LoyaltyView
    first: dt.date
    last: dt.date
    opening: int
    closing: int
    lines: list[LineView]


def statement(
    session: Session,
    guest_ref: int | str,
    first: dt.date | str | None = None,
    last: dt.date | str | None = None,
) -> Statement:
    """The member's statement from `first` to `last` (both included; by default the last
    twelve months to the business date)."""
    guest, account = member_account(session, guest_ref)
    programme = session.get_one(LoyaltyProgramme, account.programme_id)
    home = programme_home(session, programme)
    assert home is not None  # an account's programme has its properties
    last = read_date(last, home, "to") if last is not None else home.business_date
    first = (
        read_date(first, home, "from")
        if first is not None
        else add_months(last, -12) + dt.timedelta(days=1)
    )
    if first > last:
        raise InvalidInput("from", "the statement starts after it ends")
    opening = session.scalar(
        select(func.coalesce(func.sum(LoyaltyLine.redeemable), 0)).where(
            LoyaltyLine.account_id == account.id, LoyaltyLine.business_date < first
        )
    )
    lines = _lines(
        session, account.id, LoyaltyLine.business_date >= first, LoyaltyLine.business_date <= last
    )
    views = line_views(session, lines)
    start = int(opening or 0)
    return Statement(
        member=_view(session, guest, account, []),
        first=first,
        last=last,
        opening=start,
        closing=start + sum(v.redeemable for v in views),
        lines=views,
    )
