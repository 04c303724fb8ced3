"""The journal and the trial balance of a day: every posting of the business date by
transaction code, payments by method, and each ledger's day checked to add up.

The trial balance is balanced when the day's postings (debits − credits) equal the movements
of the three ledgers together and every ledger's opening + debits − credits ± transfers
equals its closing, with transfers between ledgers summing to zero.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.folios import Folio, Posting
from pms.reports.ledgers import LedgerFigures, ledger_figures
from pms.reports.period import day_range


@dataclass(frozen=True)
class JournalLine:
    """The postings of one transaction code over the period."""

    code: str
    kind: str
    postings: int
    amount: int


@dataclass(frozen=True)
class TrialBalance:
    """A day's postings by code, payments by method, and the ledgers of the day."""

    property: str
    currency: str
    business_date: dt.date
    lines: list[JournalLine]
    payments: list[JournalLine]
    debits: int
    credits: int
    ledgers: list[LedgerFigures]
    balanced: bool


def journal(
    session: Session,
    property_code: str | None = None,
    day: dt.date | str | None = None,
    first: dt.date | str | None = None,
    last: dt.date | str | None = None,
) -> list[JournalLine]:
    """Postings of a day (default the business date) or a range, summed by code."""
    prop, start, end = day_range(session, property_code, day, first, last)
    rows = session.execute(
        select(Posting.code, Posting.kind, func.count(), func.sum(Posting.amount))
        .join(Folio, Folio.id == Posting.folio_id)
        .where(
            Folio.property_id == prop.id,
            Posting.business_date >= start,
            Posting.business_date <= end,
        )
        .group_by(Posting.code, Posting.kind)
        .order_by(Posting.kind, Posting.code)
    ).all()
    return [JournalLine(code, kind, count, int(amount)) for code, kind, count, amount in rows]


def trial_balance(
    session: Session, property_code: str | None = None, day: dt.date | str | None = None
) -> TrialBalance:
    """The trial balance of one day (default the business date, as it stands so far)."""
    prop, start, _ = day_range(session, property_code, day)
    lines = journal(session, prop.code, start)
    payments = [line for line in lines if line.kind in ("payment", "refund")]
    debits = sum(line.amount for line in lines if line.amount > 0)
    credits = -sum(line.amount for line in lines if line.amount < 0)
    ledgers = ledger_figures(session, prop, start)
    moved = sum(f.debits - f.credits for f in ledgers)
    adds_up = all(f.opening + f.debits - f.credits + f.transfers == f.closing for f in ledgers)
    balanced = adds_up and moved == debits - credits and sum(f.transfers for f in ledgers) == 0
    return TrialBalance(
        prop.code, prop.currency, start, lines, payments, debits, credits, ledgers, balanced
    )
