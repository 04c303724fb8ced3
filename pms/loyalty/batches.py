"""The programme's two batches, run for a business date by the night audit (or `pms loyalty
expire` / `review-tiers`): expiring points and reviewing tiers. Both are idempotent for a date:
run again, or for each property of the programme, they change nothing more.

Expiry under `after N months`: points earned on a date expire on the same date N months later,
oldest first — what was spent or expired already is taken from the oldest points, so what
expires is what is left of those earned up to the cut-off. Under `inactivity`: the whole
balance expires N months after the member last earned or spent. One line per account and date
(unique key `expire:<account>:<date>`).

Tier review: the tier a member's measure over the period reaches (the highest threshold at or
below it); an upgrade goes there at once, a downgrade at most `max_downgrade` tiers per review.
At most one change per account and date (UNIQUE), so a second run does not step down again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import (
    Guest,
    LoyaltyAccount,
    LoyaltyLine,
    LoyaltyProgramme,
    LoyaltyTier,
    LoyaltyTierChange,
)
from pms.kernel.audit import record
from pms.kernel.desk import actor_of
from pms.kernel.errors import RetryableConflict
from pms.kernel.permissions import require
from pms.loyalty.ledger import (
    add_months,
    append_line,
    line_by_key,
    lock_account,
    qualifying_measure,
    redeemable_balance,
)
from pms.loyalty.members import programme_for
from pms.loyalty.programme import tiers_of
from pms.stays.stay_rules import read_date

#: Lines that count as the member's activity (earning or spending), for expiry on inactivity.
ACTIVITY = ("earn", "restate", "redeem", "award", "return")


@dataclass(frozen=True)
class TierMove:
    """One member's change of tier at a review."""

    member_number: str
    from_tier: str
    to_tier: str
    measure: int


@dataclass(frozen=True)
class BatchResult:
    """What a batch did on a date: members looked at, points expired or tiers changed."""

    programme: str
    business_date: dt.date
    members: int
    points_expired: int = 0
    lines: int = 0
    moves: list[TierMove] = field(default_factory=list)


def _accounts(session: Session, programme: LoyaltyProgramme) -> list[LoyaltyAccount]:
    return list(
        session.scalars(
            select(LoyaltyAccount)
            .where(LoyaltyAccount.programme_id == programme.id)
            .order_by(LoyaltyAccount.id)
        )
    )


def expiry_cutoff(on: dt.date, months: int) -> dt.date:
    """The latest earning date whose points have expired on `on`: those earned on a day `E`
    expire on `E` plus `months` (kept inside shorter months)."""
    cutoff = add_months(on, -months)
    while add_months(cutoff + dt.timedelta(days=1), months) <= on:
        cutoff += dt.timedelta(days=1)
    return cutoff


def _sum(session: Session, account_id: int, *conditions: object) -> int:
    total = session.scalar(
        select(func.coalesce(func.sum(LoyaltyLine.redeemable), 0)).where(
            LoyaltyLine.account_id == account_id, *conditions
        )
    )
    return int(total or 0)


def points_to_expire(
    session: Session, programme: LoyaltyProgramme, account: LoyaltyAccount, on: dt.date
) -> int:
    """How many of the account's points expire on `on` under the programme's rule."""
    months = programme.expiry_months or 0
    if programme.expiry == "after":
        cutoff = expiry_cutoff(on, months)
        old = _sum(session, account.id, LoyaltyLine.redeemable > 0,
                   LoyaltyLine.business_date <= cutoff)  # fmt: skip
        spent = -_sum(session, account.id, LoyaltyLine.redeemable < 0,
                      LoyaltyLine.business_date <= on)  # fmt: skip
        return max(0, old - spent)
    if programme.expiry == "inactivity":
        last = session.scalar(
            select(func.max(LoyaltyLine.business_date)).where(
                LoyaltyLine.account_id == account.id, LoyaltyLine.kind.in_(ACTIVITY)
            )
        )
        if last is not None and add_months(last, months) <= on:
            return max(0, redeemable_balance(session, account.id))
    return 0


def expire_points(
    session: Session, property_code: str | None = None, on: dt.date | str | None = None
) -> BatchResult:
    """Expire the points of the property's programme due on `on` (the business date unless
    given). Idempotent for a date; a supervisor's or the night audit's job."""
    require(session, "loyalty.expire")
    prop, programme = programme_for(session, property_code)
    day = read_date(on, prop, "date") if on is not None else prop.business_date
    accounts = _accounts(session, programme)
    expired = lines = 0
    for account in accounts:
        key = f"expire:{account.id}:{day.isoformat()}"
        if programme.expiry == "none" or line_by_key(session, key) is not None:
            continue
        lock_account(session, account)
        points = points_to_expire(session, programme, account, day)
        if points <= 0:
            continue
        rule = (f"{programme.expiry_months} months after earning" if programme.expiry == "after"
                else f"{programme.expiry_months} months without activity")  # fmt: skip
        append_line(
            session,
            account,
            kind="expire",
            business_date=day,
            description=f"Expired: {rule}",
            redeemable=-points,
            unique_key=key,
        )
        expired += points
        lines += 1
    return BatchResult(programme.code, day, len(accounts), points_expired=expired, lines=lines)


def _target(tiers: list[LoyaltyTier], measure: int) -> int:
    """The index of the highest tier whose threshold the measure reaches (0 at least)."""
    reached = [index for index, tier in enumerate(tiers) if tier.threshold <= measure]
    return max(reached, default=0)


def review_tiers(
    session: Session, property_code: str | None = None, on: dt.date | str | None = None
) -> BatchResult:
    """Move every member of the property's programme to the tier their measure reaches on
    `on`: up at once, down by at most the programme's maximum per review. Idempotent for a
    date; a supervisor's or the night audit's job."""
    require(session, "loyalty.review_tiers")
    prop, programme = programme_for(session, property_code)
    day = read_date(on, prop, "date") if on is not None else prop.business_date
    tiers = tiers_of(session, programme.id)
    position = {tier.id: index for index, tier in enumerate(tiers)}
    accounts = _accounts(session, programme)
    reviewed = set(
        session.scalars(
            select(LoyaltyTierChange.account_id).where(LoyaltyTierChange.business_date == day)
        )
    )
    moves = []
    for account in accounts:
        if account.id in reviewed or account.tier_id not in position:
            continue
        measure = qualifying_measure(session, programme, account.id, day)
        now, target = position[account.tier_id], _target(tiers, measure)
        if target < now:
            target = max(target, now - programme.max_downgrade)
        if target == now:
            continue
        moves.append(_move(session, account, tiers[now], tiers[target], day, measure))
    return BatchResult(programme.code, day, len(accounts), lines=len(moves), moves=moves)


def _move(
    session: Session,
    account: LoyaltyAccount,
    old: LoyaltyTier,
    new: LoyaltyTier,
    day: dt.date,
    measure: int,
) -> TierMove:
    lock_account(session, account)
    session.add(
        LoyaltyTierChange(
            account_id=account.id,
            business_date=day,
            from_tier_id=old.id,
            to_tier_id=new.id,
            measure=measure,
            username=actor_of(session).username,
        )
    )
    try:
        session.flush()
    except IntegrityError as exc:  # another run reviewed the account on this date first
        raise RetryableConflict("tier review raced with another") from exc
    account.tier_id, account.tier_since = new.id, day
    session.flush()
    number = session.scalar(select(Guest.loyalty_number).where(Guest.id == account.guest_id))
    record(session, "tier", "loyalty_account", account.id,
           before={"tier": old.code}, after={"tier": new.code, "measure": measure})  # fmt: skip
    return TierMove(number or "", old.code, new.code, measure)
