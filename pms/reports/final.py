"""The final reports of a closed day, rendered by the night audit and stored as JSON, so what
the manager read for a day is what they read for it later: the flash, the trial balance (with
the three ledgers' figures) and the aged city ledger."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditReport, Property
from pms.kernel.errors import NotFound
from pms.reports.flash import day_flash
from pms.reports.journal import trial_balance
from pms.reports.ledger_reports import ledger_lines
from pms.reports.period import day_range


def as_json(value: Any) -> Any:
    """A view as JSON data: dates in ISO form, per cents as text, money as minor units."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: as_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [as_json(item) for item in value]
    if isinstance(value, dict):
        return {str(key): as_json(item) for key, item in value.items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def final_reports(session: Session, prop: Property, day: dt.date) -> dict[str, Any]:
    """The day's final reports by name, as JSON data."""
    bodies: dict[str, Any] = {
        "flash": as_json(day_flash(session, prop, day)),
        "trial_balance": as_json(trial_balance(session, prop.code, day)),
    }
    bodies["city_ledger"] = as_json(ledger_lines(session, "city", prop.code, day))
    return bodies


def stored_reports(
    session: Session, property_code: str | None = None, day: dt.date | str | None = None
) -> dict[str, Any]:
    """The final reports the audit stored for a closed day (default the last one)."""
    prop, first, _ = day_range(session, property_code, day)
    if day is None:
        first = prop.business_date - dt.timedelta(days=1)
    rows = session.scalars(
        select(AuditReport).where(
            AuditReport.property_id == prop.id, AuditReport.business_date == first
        )
    ).all()
    if not rows:
        raise NotFound(f"no final reports for {first:%a %Y-%m-%d}: no night audit closed that day")
    return {row.name: row.body for row in sorted(rows, key=lambda r: r.name)}
