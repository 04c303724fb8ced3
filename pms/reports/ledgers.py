"""The day's three ledgers: guest (folios of stays that came), city (direct-bill accounts) and
deposit (money on stays not arrived yet), each with opening, debits, credits, transfers between
ledgers (a deposit becoming the guest's when they arrive) and closing.

The opening of a day is the closing stored for the day before, so closing(D) = opening(D+1)
always; a folio's ledger is where it stands when the day closes, and what moved from one
ledger to another shows as transfers (the database checks that each day adds up).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from db.folios import Folio, Posting
from db.models import LedgerDay, Property, Reservation, ReservationStatus

LEDGERS = ("guest", "city", "deposit")


@dataclass(frozen=True)
class LedgerFigures:
    """One ledger's day, in minor units."""

    ledger: str
    opening: int
    debits: int
    credits: int
    transfers: int
    closing: int


def ledger_of() -> object:
    """SQL naming the ledger a folio is in now (folios outer-joined to their stays)."""
    return case(
        (Folio.kind == "city_ledger", "city"),
        (
            Reservation.status.in_([ReservationStatus.TENTATIVE, ReservationStatus.CONFIRMED]),
            "deposit",
        ),
        else_="guest",
    )


def _sums(session: Session, prop: Property, *where: object) -> dict[str, tuple[int, int]]:
    ledger = ledger_of()
    debit = func.coalesce(func.sum(case((Posting.amount > 0, Posting.amount), else_=0)), 0)
    credit = func.coalesce(func.sum(case((Posting.amount < 0, -Posting.amount), else_=0)), 0)
    rows = session.execute(
        select(ledger.label("ledger"), debit, credit)  # type: ignore[attr-defined]
        .select_from(Posting)
        .join(Folio, Folio.id == Posting.folio_id)
        .outerjoin(Reservation, Reservation.id == Folio.reservation_id)
        .where(Folio.property_id == prop.id, *where)
        .group_by(ledger)
    ).all()
    return {row[0]: (int(row[1]), int(row[2])) for row in rows}


def ledger_figures(session: Session, prop: Property, day: dt.date) -> list[LedgerFigures]:
    """The three ledgers of `day`: opening from the day before's stored closing."""
    stored = {
        row.ledger: row.closing
        for row in session.scalars(
            select(LedgerDay).where(
                LedgerDay.property_id == prop.id,
                LedgerDay.business_date == day - dt.timedelta(days=1),
            )
        )
    }
    to_date = _sums(session, prop, Posting.business_date <= day)
    moved = _sums(session, prop, Posting.business_date == day)
    before = {} if stored else _sums(session, prop, Posting.business_date < day)
    figures = []
    for ledger in LEDGERS:
        debits, credits = moved.get(ledger, (0, 0))
        total_debits, total_credits = to_date.get(ledger, (0, 0))
        closing = total_debits - total_credits
        if stored:
            opening = stored.get(ledger, 0)
        else:
            earlier = before.get(ledger, (0, 0))
            opening = earlier[0] - earlier[1]
        transfers = closing - opening - debits + credits
        figures.append(LedgerFigures(ledger, opening, debits, credits, transfers, closing))
    return figures
