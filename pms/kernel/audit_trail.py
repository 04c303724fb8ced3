"""Reading the audit trail: who did what, when, at which desk, to which record, before and after
(`pms audit-log`, the supervisors' screen). Only supervisors and above may read it.

A reservation's trail (`record`) is its own rows and those of its folios and their payments, so
the question "who refunded on AB12-CD34?" is one filter. The rows older than the period a
hotel keeps at hand are exported page by page (`audit_rows_before`, `pms audit-log export`),
never deleted: the table is append-only, and its triggers refuse a DELETE.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from db.folios import Folio, Payment
from db.models import AuditLog, Reservation
from pms.kernel.errors import NotFound
from pms.kernel.permissions import require

#: Rows one query returns at most, newest first (an export reads with a date range).
DEFAULT_LIMIT = 200
#: Rows an export reads per unit of work: its memory stays this size however long the trail.
EXPORT_PAGE = 1000


@dataclass(frozen=True)
class AuditFilter:
    """What to look for; every field left empty matches everything."""

    username: str | None = None
    action: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    confirmation: str | None = None
    limit: int = DEFAULT_LIMIT


@dataclass(frozen=True)
class AuditRow:
    """One audit row as a supervisor reads it."""

    id: int
    at: dt.datetime
    username: str
    desk: str
    action: str
    entity: str
    entity_id: int
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def audit_trail(session: Session, wanted: AuditFilter) -> list[AuditRow]:
    """The rows `wanted` describes, newest first."""
    require(session, "audit.read")
    query = select(AuditLog).order_by(AuditLog.id.desc()).limit(max(1, min(wanted.limit, 10000)))
    if wanted.username:
        query = query.where(AuditLog.username == wanted.username.strip().lower())
    if wanted.action:
        query = query.where(AuditLog.action == wanted.action.strip())
    if wanted.since:
        query = query.where(AuditLog.at >= _midnight(wanted.since))
    if wanted.until:
        query = query.where(AuditLog.at < _midnight(wanted.until + dt.timedelta(days=1)))
    if wanted.confirmation:
        query = _of_reservation(session, query, wanted.confirmation)
    return [_row(r) for r in session.scalars(query)]


def audit_rows_before(
    session: Session, before: dt.date, after_id: int = 0, page: int = EXPORT_PAGE
) -> list[AuditRow]:
    """The next page of the rows written before `before` (UTC), oldest first, after the row
    `after_id`. An export reads page after page, each in its own short read, so neither its
    memory nor its transaction grows with the years the trail holds."""
    require(session, "audit.read")
    # Columns, not ORM objects: a page is read once and written out, never changed.
    query = (
        select(*_COLUMNS)
        .where(AuditLog.at < _midnight(before), AuditLog.id > after_id)
        .order_by(AuditLog.id)
        .limit(max(1, min(page, 10000)))
    )
    return [AuditRow(i, _aware(at), *rest) for i, at, *rest in session.execute(query)]


#: The columns of an AuditRow, in its order.
_COLUMNS = (
    AuditLog.id,
    AuditLog.at,
    AuditLog.username,
    AuditLog.desk,
    AuditLog.action,
    AuditLog.entity,
    AuditLog.entity_id,
    AuditLog.before,
    AuditLog.after,
)


def _row(r: AuditLog) -> AuditRow:
    return AuditRow(
        r.id, _aware(r.at), r.username, r.desk, r.action, r.entity, r.entity_id, r.before, r.after
    )


def _of_reservation(session: Session, query: Select, confirmation: str) -> Select:
    reservation_id = session.scalar(
        select(Reservation.id).where(Reservation.confirmation == confirmation.strip().upper())
    )
    if reservation_id is None:
        raise NotFound(f"no reservation {confirmation}")
    folios = select(Folio.id).where(Folio.reservation_id == reservation_id)
    payments = select(Payment.id).where(Payment.folio_id.in_(folios))
    return query.where(
        or_(
            and_(AuditLog.entity == "reservation", AuditLog.entity_id == reservation_id),
            and_(AuditLog.entity == "folio", AuditLog.entity_id.in_(folios)),
            and_(AuditLog.entity == "payment", AuditLog.entity_id.in_(payments)),
        )
    )


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
