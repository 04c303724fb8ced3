"""Earning points for a stay, at check-out, from the room revenue actually posted.

What a stay is worth is read from the ROOM postings on all its folios whoever posted them (the
night audit, the check-out's own posting of unposted nights, a clerk's correction), net of
reversals and transfers, less the nights paid with points (award nights earn nothing). The
member's tier decides the rate: points per currency unit of that revenue (whole units, rounded
down) and a bonus per stay. The bonus can be spent but does not count towards a tier.

Exactly once: the first line of a stay has the unique key `stay:<id>:1`. Run again (a second
check-out after a reinstatement, a correction of the stay's folios), the service compares what
the stay is worth now with what its lines hold and appends the difference as a `restate` line
under the next key — an opposite line, never an edit; nothing when nothing changed.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, aliased

from db.folios import Folio, Posting
from db.models import (
    LoyaltyAccount,
    LoyaltyLine,
    LoyaltyTier,
    Property,
    Reservation,
    ReservationStatus,
)
from pms.guests.lookup import load_guest
from pms.kernel.errors import InvalidTransition
from pms.kernel.money import minor_exponent
from pms.loyalty.ledger import LineView, append_line, line_views, lock_account
from pms.loyalty.members import account_of
from pms.loyalty.programme import programme_at

#: The transaction code of room revenue on a folio.
ROOM = "ROOM"
#: The line kinds that hold what a stay earned.
EARNING = ("earn", "restate")


def room_revenue(session: Session, reservation: Reservation) -> int:
    """The ROOM postings on the stay's folios, net of reversals and transfers (minor units)."""
    total = session.scalar(
        select(func.coalesce(func.sum(Posting.amount), 0))
        .join(Folio, Folio.id == Posting.folio_id)
        .where(Folio.reservation_id == reservation.id, Posting.code == ROOM)
    )
    return int(total or 0)


def award_nights_value(session: Session, reservation: Reservation) -> int:
    """What of the stay was paid with award nights that were not given back (minor units)."""
    reversal = aliased(Posting)
    total = session.scalar(
        select(func.coalesce(func.sum(Posting.amount), 0))
        .join(LoyaltyLine, LoyaltyLine.posting_id == Posting.id)
        .where(
            LoyaltyLine.reservation_id == reservation.id,
            LoyaltyLine.kind == "award",
            ~exists().where(reversal.reverses_id == Posting.id),
        )
    )
    return -int(total or 0)


def _points(revenue: int, currency: str, tier: LoyaltyTier) -> int:
    units = (Decimal(revenue).scaleb(-minor_exponent(currency))).to_integral_value(ROUND_DOWN)
    return int(units) * tier.earn_per_unit


def _earned_so_far(session: Session, reservation: Reservation) -> tuple[dict[str, int], int, int]:
    """The sums of the stay's earning lines, how many there are, and the tier of the first."""
    row = session.execute(
        select(
            func.coalesce(func.sum(LoyaltyLine.redeemable), 0),
            func.coalesce(func.sum(LoyaltyLine.qualifying), 0),
            func.coalesce(func.sum(LoyaltyLine.nights), 0),
            func.coalesce(func.sum(LoyaltyLine.stays), 0),
            func.coalesce(func.sum(LoyaltyLine.revenue), 0),
            func.count(),
            func.min(LoyaltyLine.tier_id),
        ).where(LoyaltyLine.reservation_id == reservation.id, LoyaltyLine.kind.in_(EARNING))
    ).one()
    names = ("redeemable", "qualifying", "nights", "stays", "revenue")
    return {n: int(v) for n, v in zip(names, row[:5], strict=True)}, int(row[5]), row[6]


def account_for_stay(session: Session, reservation: Reservation) -> LoyaltyAccount | None:
    """The account a stay's points go to: its guest's, when they are a member of the
    programme the stay's property takes part in."""
    programme = programme_at(session, session.get_one(Property, reservation.property_id))
    account = account_of(session, load_guest(session, reservation.guest_id))
    if programme is None or account is None or account.programme_id != programme.id:
        return None
    return account


def earn_points(session: Session, reservation: Reservation) -> LineView | None:
    """Credit a checked-out stay's points to its guest's account, or bring them in line with
    what the stay's folios now say. None when the guest is not a member of the property's
    programme, or nothing changed since the last time."""
    if reservation.status != ReservationStatus.CHECKED_OUT:
        raise InvalidTransition(
            f"{reservation.confirmation} is {reservation.status}; a stay earns points at check-out"
        )
    account = account_for_stay(session, reservation)
    if account is None:
        return None
    prop = session.get_one(Property, reservation.property_id)
    lock_account(session, account)
    earned, count, first_tier = _earned_so_far(session, reservation)
    tier = session.get_one(LoyaltyTier, first_tier or account.tier_id)
    revenue = max(0, room_revenue(session, reservation) - award_nights_value(session, reservation))
    points = _points(revenue, prop.currency, tier)
    worth = {
        "redeemable": points + tier.stay_bonus,
        "qualifying": points,
        "nights": (reservation.departure - reservation.arrival).days,
        "stays": 1,
        "revenue": revenue,
    }
    change = {name: worth[name] - earned[name] for name in worth}
    if not any(change.values()):
        return None
    line = append_line(
        session,
        account,
        kind="earn" if count == 0 else "restate",
        business_date=prop.business_date,
        description=f"Stay {reservation.confirmation}" if count == 0
        else f"Stay {reservation.confirmation} restated",
        property_id=prop.id,
        reservation_id=reservation.id,
        tier_id=tier.id,
        unique_key=f"stay:{reservation.id}:{count + 1}",
        **change,
    )  # fmt: skip
    return line_views(session, [line])[0]
