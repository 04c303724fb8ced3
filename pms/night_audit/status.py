"""What the night audit shows: the day being closed (or the last one closed) with its steps, the
history of closed days, the pre-checks of tonight, and whether the last close was recent.

Plain views (dataclasses), so the CLI prints them and the End of day screen draws them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditRun, AuditStep, Property
from pms.hotel.properties import resolve_property
from pms.night_audit.lease import holder_alive
from pms.night_audit.prechecks import Finding, find_prechecks


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=dt.UTC)  # SQLite gives naive UTC back


@dataclass(frozen=True)
class StepView:
    """One step of a run as recorded."""

    step: str
    status: str
    username: str
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    counts: dict[str, Any]


@dataclass(frozen=True)
class RunView:
    """One closing of a business date: who ran it, how far it got, its steps."""

    id: int
    property: str
    business_date: dt.date
    status: str
    username: str
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    holder: str | None
    alive: bool
    steps: list[StepView] = field(default_factory=list)


@dataclass(frozen=True)
class AuditStatus:
    """The property's business date, the run of it if one began, and the last closed run."""

    property: str
    business_date: dt.date
    current: RunView | None
    last_closed: RunView | None


def _run_view(session: Session, run: AuditRun, code: str) -> RunView:
    rows = session.scalars(
        select(AuditStep).where(AuditStep.run_id == run.id).order_by(AuditStep.position)
    ).all()
    now = dt.datetime.now(dt.UTC)
    alive = bool(run.holder) and holder_alive(run.holder or "", _aware(run.heartbeat_at), now)
    return RunView(
        run.id, code, run.business_date, run.status, run.username, _aware(run.started_at),
        _aware(run.finished_at), run.holder, alive,
        [StepView(r.step, r.status, r.username, _aware(r.started_at), _aware(r.finished_at),
                  dict(r.counts or {})) for r in rows],
    )  # fmt: skip


def run_view(session: Session, run_id: int) -> RunView:
    """One run by id."""
    run = session.get(AuditRun, run_id)
    assert run is not None
    code = session.scalar(select(Property.code).where(Property.id == run.property_id)) or ""
    return _run_view(session, run, code)


def audit_status(session: Session, property_code: str | None = None) -> AuditStatus:
    """Where the night audit stands for the property."""
    prop = resolve_property(session, property_code)
    current = session.scalar(
        select(AuditRun).where(
            AuditRun.property_id == prop.id, AuditRun.business_date == prop.business_date
        )
    )
    last = session.scalar(
        select(AuditRun)
        .where(AuditRun.property_id == prop.id, AuditRun.status == "done")
        .order_by(AuditRun.business_date.desc())
        .limit(1)
    )
    return AuditStatus(
        prop.code,
        prop.business_date,
        _run_view(session, current, prop.code) if current else None,
        _run_view(session, last, prop.code) if last else None,
    )


def audit_history(
    session: Session, property_code: str | None = None, limit: int = 30
) -> list[RunView]:
    """The latest runs, newest first, with their steps."""
    prop = resolve_property(session, property_code)
    runs = session.scalars(
        select(AuditRun)
        .where(AuditRun.property_id == prop.id)
        .order_by(AuditRun.business_date.desc())
        .limit(limit)
    ).all()
    return [_run_view(session, run, prop.code) for run in runs]


def tonight_prechecks(session: Session, property_code: str | None = None) -> list[Finding]:
    """The pre-checks of the current business date, as the audit would find them now."""
    prop = resolve_property(session, property_code)
    return find_prechecks(session, prop, prop.business_date)


def hours_since_last_close(session: Session, property_code: str | None = None) -> float | None:
    """Hours since the last run finished (None when no day was ever closed)."""
    prop = resolve_property(session, property_code)
    finished = session.scalar(
        select(AuditRun.finished_at)
        .where(AuditRun.property_id == prop.id, AuditRun.status == "done")
        .order_by(AuditRun.finished_at.desc())
        .limit(1)
    )
    finished = _aware(finished)
    if finished is None:
        return None
    return (dt.datetime.now(dt.UTC) - finished).total_seconds() / 3600
