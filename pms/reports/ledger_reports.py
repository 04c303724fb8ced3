"""The guest, city and deposit ledgers as lists: who owes what (or has paid ahead) at the end of
a day; the city ledger aged by the business date of each posting (0–30, 31–60, 61–90, 90+ days).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.folios import Folio, Posting
from db.models import Guest, Reservation
from pms.guests.contact import display_name
from pms.kernel.errors import InvalidInput
from pms.reports.ledgers import LEDGERS, ledger_of
from pms.reports.period import day_range

#: The ageing buckets of the city ledger: (label, oldest age in days, or None for no limit).
AGES = (("0-30", 30), ("31-60", 60), ("61-90", 90), ("90+", None))


@dataclass(frozen=True)
class LedgerLine:
    """One folio with a balance: a stay's (confirmation and guest) or an account's."""

    folio_id: int
    name: str
    confirmation: str
    status: str
    balance: int
    aged: dict[str, int]


def ledger_lines(
    session: Session,
    ledger: str,
    property_code: str | None = None,
    day: dt.date | str | None = None,
) -> list[LedgerLine]:
    """The folios of `ledger` (guest, city, deposit) with a balance at the end of `day`."""
    if ledger not in LEDGERS:
        raise InvalidInput("ledger", f"there is no ledger {ledger!r} (known: {', '.join(LEDGERS)})")
    prop, end, _ = day_range(session, property_code, day)
    sums = session.execute(
        select(Folio.id, Posting.business_date, func.sum(Posting.amount))
        .join(Posting, Posting.folio_id == Folio.id)
        .outerjoin(Reservation, Reservation.id == Folio.reservation_id)
        .where(Folio.property_id == prop.id, Posting.business_date <= end)
        .where(ledger_of() == ledger)  # type: ignore[operator]
        .group_by(Folio.id, Posting.business_date)
    ).all()
    balances: dict[int, dict[str, int]] = {}
    for folio_id, posted, amount in sums:
        aged = balances.setdefault(folio_id, {label: 0 for label, _ in AGES})
        age = (end - posted).days
        aged[next(label for label, oldest in AGES if oldest is None or age <= oldest)] += int(
            amount
        )
    owing = [folio_id for folio_id, aged in balances.items() if sum(aged.values())]
    rows = session.execute(
        select(Folio, Reservation, Guest)
        .outerjoin(Reservation, Reservation.id == Folio.reservation_id)
        .outerjoin(Guest, Guest.id == Reservation.guest_id)
        .where(Folio.id.in_(owing))
    ).all()
    lines = [
        LedgerLine(
            folio.id,
            display_name(guest) if guest else folio.name,
            reservation.confirmation if reservation else "",
            reservation.status if reservation else folio.status,
            sum(balances[folio.id].values()),
            balances[folio.id],
        )
        for folio, reservation, guest in rows
    ]
    return sorted(lines, key=lambda line: (line.name, line.folio_id))
