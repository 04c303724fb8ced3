"""The points ledger under every loyalty service: the one append, the account lock every change
takes first, and the sums a balance or a tier is read from.

Lines are appended, never changed; a balance is the sum of the lines, computed and never
stored. Every append first bumps the account's `version` with one guarded UPDATE, so two desks
spending the same points take turns and the second sees the first one's line before it checks
the balance. Unique keys make the earning of a stay and each batch's line happen once.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from db.models import LoyaltyAccount, LoyaltyLine, LoyaltyProgramme, Reservation
from pms.kernel.audit import record
from pms.kernel.desk import actor_of
from pms.kernel.errors import RetryableConflict

#: What a tier's threshold counts, by the ledger column that holds it.
MEASURES = {"points": "qualifying", "nights": "nights", "stays": "stays", "revenue": "revenue"}


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier), kept inside shorter months: 31 Jan + 1 → 28 Feb."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def window_start(programme: LoyaltyProgramme, on: dt.date) -> dt.date:
    """The first business date that counts towards a tier on `on`: 1 January of that year for
    a calendar-year programme, else the day after the same date `period_months` back."""
    if programme.period == "calendar":
        return dt.date(on.year, 1, 1)
    return add_months(on, -programme.period_months) + dt.timedelta(days=1)


def lock_account(session: Session, account: LoyaltyAccount) -> None:
    """Bump the account's version: the row lock makes concurrent changes to it take turns."""
    table = LoyaltyAccount.__table__
    new_version = session.execute(
        update(table)
        .where(table.c.id == account.id)
        .values(version=table.c.version + 1)
        .returning(table.c.version)
    ).scalar_one()
    set_committed_value(account, "version", new_version)


def line_by_key(session: Session, unique_key: str) -> LoyaltyLine | None:
    """The line written earlier with this key, if any."""
    return session.scalar(select(LoyaltyLine).where(LoyaltyLine.unique_key == unique_key))


def append_line(
    session: Session,
    account: LoyaltyAccount,
    *,
    kind: str,
    business_date: dt.date,
    description: str,
    redeemable: int = 0,
    qualifying: int = 0,
    nights: int = 0,
    stays: int = 0,
    revenue: int = 0,
    property_id: int | None = None,
    reservation_id: int | None = None,
    tier_id: int | None = None,
    posting_id: int | None = None,
    unique_key: str | None = None,
) -> LoyaltyLine:
    """Append one line to an account already locked by `lock_account`, with its audit row."""
    line = LoyaltyLine(
        account_id=account.id,
        business_date=business_date,
        kind=kind,
        redeemable=redeemable,
        qualifying=qualifying,
        nights=nights,
        stays=stays,
        revenue=revenue,
        description=description[:200],
        property_id=property_id,
        reservation_id=reservation_id,
        tier_id=tier_id,
        posting_id=posting_id,
        unique_key=unique_key,
        username=actor_of(session).username,
    )
    session.add(line)
    try:
        session.flush()
    except IntegrityError as exc:
        # Another desk wrote the same stay's or batch's line first: run again, and the checks
        # before the insert find it.
        if "unique_key" in str(exc.orig):
            raise RetryableConflict("loyalty line raced with an identical one") from exc
        raise
    record(session, kind, "loyalty_account", account.id, after=_snapshot(line))
    return line


def _snapshot(line: LoyaltyLine) -> dict[str, Any]:
    return {
        "line_id": line.id,
        "kind": line.kind,
        "business_date": line.business_date.isoformat(),
        "redeemable": line.redeemable,
        "qualifying": line.qualifying,
        "nights": line.nights,
        "stays": line.stays,
        "revenue": line.revenue,
        "reservation_id": line.reservation_id,
        "posting_id": line.posting_id,
        "description": line.description,
    }


def redeemable_balance(session: Session, account_id: int) -> int:
    """The points the member can spend: the sum of the redeemable column of every line."""
    total = session.scalar(
        select(func.coalesce(func.sum(LoyaltyLine.redeemable), 0)).where(
            LoyaltyLine.account_id == account_id
        )
    )
    return int(total or 0)


def measure_between(
    session: Session, programme: LoyaltyProgramme, account_id: int, first: dt.date, last: dt.date
) -> int:
    """What the account counts towards a tier from `first` to `last` (both included), in the
    programme's measure: qualifying points, nights, stays or room revenue."""
    column = getattr(LoyaltyLine, MEASURES[programme.qualify_on])
    total = session.scalar(
        select(func.coalesce(func.sum(column), 0)).where(
            LoyaltyLine.account_id == account_id,
            LoyaltyLine.business_date >= first,
            LoyaltyLine.business_date <= last,
        )
    )
    return int(total or 0)


def qualifying_measure(
    session: Session, programme: LoyaltyProgramme, account_id: int, on: dt.date
) -> int:
    """What counts towards a tier on `on`: the measure over the programme's period."""
    return measure_between(session, programme, account_id, window_start(programme, on), on)


@dataclass(frozen=True)
class LineView:
    """One line of a member's ledger as the desk shows it."""

    id: int
    business_date: dt.date
    kind: str
    description: str
    redeemable: int
    qualifying: int
    nights: int
    stays: int
    revenue: int
    confirmation: str | None
    username: str


def line_views(session: Session, lines: list[LoyaltyLine]) -> list[LineView]:
    """The plain views of ledger lines, with the confirmation number of their stays."""
    ids = {line.reservation_id for line in lines if line.reservation_id is not None}
    confirmations = dict(
        session.execute(
            select(Reservation.id, Reservation.confirmation).where(Reservation.id.in_(ids))
        ).all()
    ) if ids else {}  # fmt: skip
    return [
        LineView(
            id=line.id,
            business_date=line.business_date,
            kind=line.kind,
            description=line.description,
            redeemable=line.redeemable,
            qualifying=line.qualifying,
            nights=line.nights,
            stays=line.stays,
            revenue=line.revenue,
            confirmation=confirmations.get(line.reservation_id) if line.reservation_id else None,
            username=line.username,
        )
        for line in lines
    ]
