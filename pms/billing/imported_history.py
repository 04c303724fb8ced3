"""The folios of stays another PMS billed: their nights on their dates, settled there.

A stay wholly past that comes in with a hotel's history was charged, invoiced and paid in the
previous system. Here it gets its guest folio all the same, so the desk sees what the guest had
and the journal has the revenue on the days it was earned: each night's room line and the taxes
added to it, as the night audit posts them (the same lines, the same unique keys
`night:<stay>:<night>:<code>`), on that night's business date, then one settlement for the
total, "settled in the previous system" with its confirmation number, on the last night. The
folio is closed at zero *without* an invoice: the previous system numbered that invoice, and
our gap-free sequence must not skip or spend a number on it. Every one of these postings is
flagged `imported`, so the accountant exporting the journal can leave out what was booked once
already; the daily statistics of those days are made from the stays' nights (not from these
postings), so no report counts that revenue twice.

Thousands of stays come at once: the folios go in with one statement, the postings with one,
and each folio has one audit row saying what it holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from db.folios import Folio, Posting
from db.models import Property, Tax
from pms.billing.codes import PREVIOUS_SYSTEM
from pms.billing.ledger_views import GUEST_FOLIO
from pms.billing.room_charges import night_lines
from pms.kernel.audit import record_many
from pms.kernel.desk import actor_of
from pms.rates.pricing import NightQuote


@dataclass(frozen=True)
class BilledElsewhere:
    """A past stay as written: its id, the previous system's reference and its nights."""

    reservation_id: int
    external_ref: str
    quotes: list[NightQuote]


def post_billed_elsewhere(session: Session, prop: Property, stays: list[BilledElsewhere]) -> int:
    """Give each stay its closed guest folio: its nights posted on their dates and settled in
    the previous system. A stay with nothing to charge gets none. Returns the folios made."""
    tax_names = dict(
        session.execute(select(Tax.code, Tax.name).where(Tax.property_id == prop.id)).all()
    )
    billed = [(stay, _lines(stay, tax_names)) for stay in stays]
    billed = [(stay, lines) for stay, lines in billed if lines]
    if not billed:
        return 0
    folios = [
        {"property_id": prop.id, "reservation_id": stay.reservation_id, "name": GUEST_FOLIO,
         "kind": "guest", "status": "closed", "version": 1}
        for stay, _ in billed
    ]  # fmt: skip
    statement = insert(Folio).returning(Folio.id, sort_by_parameter_order=True)
    folio_ids = list(session.scalars(statement, folios))
    username = actor_of(session).username
    postings: list[dict[str, Any]] = []
    audit: list[tuple[int, dict[str, Any] | None]] = []
    for folio_id, (stay, lines) in zip(folio_ids, billed, strict=True):
        own = {"folio_id": folio_id, "username": username, "reason": "", "imported": True}
        postings += [line | own for line in lines]
        total = sum(line["amount"] for line in lines)
        postings.append(_settlement(stay, lines[-1]["business_date"], total) | own)
        audit.append((folio_id, {
            "reservation_id": stay.reservation_id, "status": "closed", "invoice": None,
            "settled_in_previous_system": stay.external_ref, "lines": len(lines), "total": total,
        }))  # fmt: skip
    session.execute(insert(Posting), postings)
    record_many(session, "import", "folio", audit)
    return len(folio_ids)


def _lines(stay: BilledElsewhere, tax_names: dict[str, str]) -> list[dict[str, Any]]:
    """The stay's room and tax postings, night by night, as the audit would have posted them."""
    return [
        {"business_date": quote.night, "kind": kind, "code": code, "description": text[:200],
         "amount": amount, "unique_key": f"night:{stay.reservation_id}:{quote.night}:{code}"}
        for quote in stay.quotes
        for code, kind, amount, text in night_lines(quote, tax_names)
    ]  # fmt: skip


def _settlement(stay: BilledElsewhere, day: dt.date, total: int) -> dict[str, Any]:
    """The previous system's settlement of the whole stay, on its last night: the folio is at
    zero when that day closes, so no later day's ledgers move."""
    return {
        "business_date": day, "kind": "payment", "code": PREVIOUS_SYSTEM,
        "description": f"Settled in the previous system ({stay.external_ref})"[:200],
        "amount": -total, "unique_key": f"settled:{stay.reservation_id}",
    }  # fmt: skip
