"""A manager's correction of a member's points: goodwill points after a complaint, points a
stay at a hotel outside the system earned, or points taken off after a mistake. Always a new
ledger line with a reason, never an edit; it may not take more points than the member has."""

from __future__ import annotations

from sqlalchemy.orm import Session

from db.models import LoyaltyProgramme
from pms.billing.ledger import require_reason
from pms.kernel.errors import InvalidInput
from pms.kernel.permissions import require
from pms.loyalty.ledger import LineView, append_line, line_views, lock_account, redeemable_balance
from pms.loyalty.members import business_date_of, member_account


def adjust_points(
    session: Session,
    guest_ref: int | str,
    *,
    redeemable: int = 0,
    qualifying: int = 0,
    reason: str,
) -> LineView:
    """Add (or take off) points on a member's account, redeemable and qualifying apart, with
    a reason. Managers only: points are money to the hotel."""
    require(session, "loyalty.adjust")
    reason = require_reason(reason, "a points adjustment")
    if not redeemable and not qualifying:
        raise InvalidInput("points", "an adjustment changes redeemable or qualifying points")
    _, account = member_account(session, guest_ref)
    lock_account(session, account)
    balance = redeemable_balance(session, account.id)
    if balance + redeemable < 0:
        raise InvalidInput("points", f"the member has {balance:,} points, not {-redeemable:,}")
    programme = session.get_one(LoyaltyProgramme, account.programme_id)
    line = append_line(
        session,
        account,
        kind="adjust",
        business_date=business_date_of(session, programme),
        description=f"Adjusted: {reason}",
        redeemable=redeemable,
        qualifying=qualifying,
    )
    return line_views(session, [line])[0]
