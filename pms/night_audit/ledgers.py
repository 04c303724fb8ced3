"""Storing the day's three ledgers when the audit closes it (the figures are
`pms.reports.ledgers`): once, so the closing stored is the next day's opening."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import LedgerDay, Property
from pms.reports.ledgers import LEDGERS, LedgerFigures, ledger_figures


def store_ledgers(session: Session, prop: Property, day: dt.date) -> list[LedgerFigures]:
    """Store the ledgers of `day` once; a rerun returns what was stored."""
    existing = session.scalars(
        select(LedgerDay).where(LedgerDay.property_id == prop.id, LedgerDay.business_date == day)
    ).all()
    if existing:
        return [
            LedgerFigures(r.ledger, r.opening, r.debits, r.credits, r.transfers, r.closing)
            for r in sorted(existing, key=lambda r: LEDGERS.index(r.ledger))
        ]
    figures = ledger_figures(session, prop, day)
    session.add_all(
        LedgerDay(
            property_id=prop.id, business_date=day, ledger=f.ledger, opening=f.opening,
            debits=f.debits, credits=f.credits, transfers=f.transfers, closing=f.closing,
        )
        for f in figures
    )  # fmt: skip
    session.flush()
    return figures
