"""Spending points: as a payment on the guest's folio at the programme's value, or for an award
night of a stay on a members-only rate plan; and giving them back when such a payment is undone.

Each is one unit of work with two ledgers in step: the folio's PAY-POINTS posting (payments
negative) and the member's ledger line (points negative), linked by the posting's id (UNIQUE).
The account is locked before its balance is read, so two desks cannot spend the same points;
the folio is locked by its posting, so a stale folio screen is refused. Both write audit rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_HALF_UP, Decimal

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from db.folios import Posting
from db.models import (
    LoyaltyAccount,
    LoyaltyLine,
    LoyaltyProgramme,
    Property,
    RatePlan,
    Reservation,
    ReservationStatus,
)
from pms.billing.codes import POINTS_PAYMENT
from pms.billing.folios import balance_of, guest_folio, load_folio, post
from pms.billing.ledger import append_posting, lock_folio, require_reason
from pms.guests.contact import display_name
from pms.guests.lookup import load_guest
from pms.kernel.errors import InvalidInput, InvalidTransition, NotFound
from pms.kernel.money import format_money, minor_exponent
from pms.kernel.permissions import require
from pms.loyalty.earning import account_for_stay
from pms.loyalty.ledger import (
    LineView,
    append_line,
    line_views,
    lock_account,
    redeemable_balance,
)
from pms.stays.reservation_views import load_reservation
from pms.stays.stay_rules import read_date

#: Stays whose guest folio still takes payments.
_PAYING = (ReservationStatus.CONFIRMED, ReservationStatus.CHECKED_IN)


@dataclass(frozen=True)
class Redemption:
    """Points spent (or given back): the ledger line, the folio posting and what is left."""

    line: LineView
    posting_id: int
    amount: int
    currency: str
    balance: int


def points_value(points: int, programme: LoyaltyProgramme, currency: str) -> int:
    """What `points` pay, in minor units, rounded half-up like every posting line."""
    units = Decimal(points) / Decimal(programme.points_per_unit)
    return int(units.scaleb(minor_exponent(currency)).quantize(Decimal(1), ROUND_HALF_UP))


def points_for(amount: int, programme: LoyaltyProgramme, currency: str, *, up: bool) -> int:
    """The points `amount` (minor units) is worth: rounded up to cover it, or down to fit it."""
    points = Decimal(amount).scaleb(-minor_exponent(currency)) * programme.points_per_unit
    return int(points.to_integral_value(ROUND_CEILING if up else ROUND_DOWN))


def _member_stay(
    session: Session, confirmation: str
) -> tuple[Reservation, LoyaltyAccount, LoyaltyProgramme, Property]:
    """The stay, its guest's account (locked), the programme and the property; refused when
    the stay no longer takes payments or its guest is not a member."""
    reservation = load_reservation(session, confirmation)
    if reservation.status not in _PAYING:
        raise InvalidTransition(
            f"{reservation.confirmation} is {reservation.status.replace('_', ' ')}; points pay "
            "only a stay to come or in house"
        )
    account = account_for_stay(session, reservation)
    prop = session.get_one(Property, reservation.property_id)
    if account is None:
        guest = load_guest(session, reservation.guest_id)
        raise InvalidInput(
            "points", f"{display_name(guest)} is not a member of {prop.code}'s loyalty programme"
        )
    lock_account(session, account)
    return reservation, account, session.get_one(LoyaltyProgramme, account.programme_id), prop


def _check_points(points: int) -> None:
    if isinstance(points, bool) or not isinstance(points, int) or points <= 0:
        raise InvalidInput("points", "points to redeem are a positive whole number")


def _refuse_over_balance(session: Session, account: LoyaltyAccount, points: int) -> int:
    balance = redeemable_balance(session, account.id)
    if points > balance:
        raise InvalidInput("points", f"the member has {balance:,} points, not {points:,}")
    return balance


def redeem_points(
    session: Session, confirmation: str, points: int, *, expected_version: int | None = None
) -> Redemption:
    """Pay part of the guest's folio with points at the programme's value. At most what the
    folio owes, and at most the member's balance; `expected_version` is the folio's."""
    _check_points(points)
    reservation, account, programme, prop = _member_stay(session, confirmation)
    balance = _refuse_over_balance(session, account, points)
    amount = points_value(points, programme, prop.currency)
    if amount < 1:
        raise InvalidInput("points", f"{points:,} points are worth less than the smallest coin")
    folio = guest_folio(session, reservation)
    owed = balance_of(session, folio.id)
    if amount > owed:
        most = points_for(max(owed, 0), programme, prop.currency, up=False)
        raise InvalidInput(
            "points",
            f"{points:,} points pay {format_money(amount, prop.currency)} but the folio owes "
            f"{format_money(owed, prop.currency)} — redeem at most {most:,}",
        )
    posting = post(
        session,
        folio,
        code=POINTS_PAYMENT,
        amount=-amount,
        description=f"{points:,} loyalty points",
        expected_version=expected_version,
    )
    line = append_line(
        session,
        account,
        kind="redeem",
        business_date=prop.business_date,
        description=f"Paid {format_money(amount, prop.currency)} on {reservation.confirmation}",
        redeemable=-points,
        property_id=prop.id,
        reservation_id=reservation.id,
        posting_id=posting.id,
    )
    return Redemption(line_views(session, [line])[0], posting.id, amount, prop.currency,
                      balance - points)  # fmt: skip


def _award_keys(session: Session, reservation: Reservation, night: dt.date) -> tuple[str, bool]:
    """The unique key the night's next award line takes, and whether the night is paid with
    points already (an award line whose posting was not given back)."""
    prefix = f"award:{reservation.id}:{night.isoformat()}:"
    paid = list(
        session.scalars(
            select(LoyaltyLine.posting_id).where(LoyaltyLine.unique_key.like(f"{prefix}%"))
        )
    )
    given_back = set(
        session.scalars(select(Posting.reverses_id).where(Posting.reverses_id.in_(paid)))
    )
    return f"{prefix}{len(paid) + 1}", any(p not in given_back for p in paid)


def redeem_award_night(session: Session, confirmation: str, night: dt.date | str) -> Redemption:
    """Pay one night's room of a stay on a members-only rate plan with points: as many as the
    night's price is worth at the programme's value. An award night earns no points."""
    reservation, account, programme, prop = _member_stay(session, confirmation)
    night = read_date(night, prop, "night")
    plan = session.get_one(RatePlan, reservation.rate_plan_id)
    if not plan.members_only:
        raise InvalidInput(
            "night", f"{reservation.confirmation} is on {plan.code}, not a members' rate plan"
        )
    price = next((n.price for n in reservation.nights if n.night == night), None)
    if price is None:
        raise InvalidInput("night", f"{reservation.confirmation} has no night {night:%d %b %Y}")
    key, paid = _award_keys(session, reservation, night)
    if price <= 0 or paid:
        raise InvalidInput("night", f"the night of {night:%d %b %Y} is paid already")
    points = points_for(price, programme, prop.currency, up=True)
    balance = _refuse_over_balance(session, account, points)
    posting = post(
        session,
        guest_folio(session, reservation),
        code=POINTS_PAYMENT,
        amount=-price,
        description=f"Award night {night:%d %b %Y}, {points:,} points",
    )
    line = append_line(
        session,
        account,
        kind="award",
        business_date=prop.business_date,
        description=f"Award night {night:%d %b %Y} of {reservation.confirmation}",
        redeemable=-points,
        property_id=prop.id,
        reservation_id=reservation.id,
        posting_id=posting.id,
        unique_key=key,
    )
    return Redemption(line_views(session, [line])[0], posting.id, price, prop.currency,
                      balance - points)  # fmt: skip


def return_points(session: Session, posting_id: int, reason: str) -> Redemption:
    """Undo a points payment: its exact opposite on the folio and the points back on the
    member's ledger, once, with a reason. One of an earlier business date needs a supervisor."""
    reason = require_reason(reason, "giving points back")
    spent = session.scalar(
        select(LoyaltyLine).where(
            LoyaltyLine.posting_id == posting_id, LoyaltyLine.kind.in_(("redeem", "award"))
        )
    )
    if spent is None:
        raise NotFound(f"posting {posting_id} was not paid with loyalty points")
    posting = session.get_one(Posting, posting_id)
    folio = load_folio(session, posting.folio_id)
    prop = session.get_one(Property, folio.property_id)
    if posting.business_date < prop.business_date:
        require(session, "loyalty.return_earlier_day")
    account = session.get_one(LoyaltyAccount, spent.account_id)
    lock_account(session, account)
    lock_folio(session, folio)
    if session.scalar(select(exists().where(Posting.reverses_id == posting.id))):
        raise InvalidTransition(f"the points of posting {posting_id} were given back already")
    reversal = append_posting(
        session,
        folio,
        kind=posting.kind,
        code=posting.code,
        amount=-posting.amount,
        description=f"Points given back: {posting.description}",
        reason=reason,
        reverses_id=posting.id,
        action="reverse",
    )
    line = append_line(
        session,
        account,
        kind="return",
        business_date=prop.business_date,
        description=f"Given back: {spent.description} ({reason})",
        redeemable=-spent.redeemable,
        property_id=prop.id,
        reservation_id=spent.reservation_id,
        posting_id=reversal.id,
        unique_key=f"return:{spent.id}",
    )
    balance = redeemable_balance(session, account.id)
    return Redemption(line_views(session, [line])[0], reversal.id, reversal.amount, prop.currency,
                      balance)  # fmt: skip
