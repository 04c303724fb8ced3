"""The night audit's steps after the pre-checks, each a plain function of (session, property,
business date) that returns what it counted. Each is safe to run again: postings carry unique
keys, the statistics, ledgers and reports are stored once, the date rolls with a guarded UPDATE.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import AuditReport, AuditRun, Property
from pms.hotel.property_settings import settings_of
from pms.kernel.audit import record
from pms.kernel.desk import actor_of
from pms.kernel.errors import InvalidTransition, NotFound
from pms.kernel.permissions import allowed
from pms.loyalty.batches import expire_points, review_tiers
from pms.loyalty.members import programme_for
from pms.night_audit.ledgers import store_ledgers
from pms.night_audit.no_shows import mark_no_shows
from pms.night_audit.posting import tidy_after_the_night
from pms.night_audit.statistics import store_statistics
from pms.reports.final import final_reports

Counts = dict[str, Any]


def no_shows_step(session: Session, prop: Property, day: dt.date) -> Counts:
    """Arrivals not checked in become no-shows, with their guarantee's fee."""
    counts = mark_no_shows(session, prop, day)
    return {"no_shows": counts.no_shows, "fees": counts.fees, "fee_total": counts.fee_total}


def housekeeping_step(session: Session, prop: Property, day: dt.date) -> Counts:
    """Stay-overs dirty for the morning; settled folios of departed stays closed."""
    return tidy_after_the_night(session, prop)


def loyalty_step(session: Session, prop: Property, day: dt.date) -> Counts:
    """Loyalty's batches of the day (points expiry, tier review), when the property takes part
    in a programme and its setting asks for them. They are a supervisor's: a clerk's run skips
    them and says so."""
    if not settings_of(prop).audit_loyalty:
        return {"skipped": "the property's audit_loyalty setting is off"}
    if not allowed(actor_of(session), "loyalty.expire"):
        return {"skipped": "expiring points and reviewing tiers need a supervisor's run"}
    try:
        programme_for(session, prop.code)
    except NotFound:
        return {"skipped": f"{prop.code} takes part in no loyalty programme"}
    expired = expire_points(session, prop.code, day)
    tiers = review_tiers(session, prop.code, day)
    return {"points_expired": expired.points_expired, "tier_moves": len(tiers.moves)}


def statistics_step(session: Session, prop: Property, day: dt.date) -> Counts:
    """The day's statistics per room type, stored once."""
    return {"room_types": store_statistics(session, prop, day)}


def ledgers_step(session: Session, prop: Property, day: dt.date) -> Counts:
    """Guest, city and deposit ledgers of the day, stored once."""
    return {f.ledger: f.closing for f in store_ledgers(session, prop, day)}


def reports_step(session: Session, prop: Property, day: dt.date) -> Counts:
    """The final reports of the day rendered and stored as the manager will read them."""
    stored = set(
        session.scalars(
            select(AuditReport.name).where(
                AuditReport.property_id == prop.id, AuditReport.business_date == day
            )
        )
    )
    bodies = final_reports(session, prop, day)
    session.add_all(
        AuditReport(property_id=prop.id, business_date=day, name=name, body=body)
        for name, body in bodies.items()
        if name not in stored
    )
    session.flush()
    return {"reports": sorted(bodies)}


def roll_business_date(session: Session, prop: Property, day: dt.date, run_id: int) -> Counts:
    """Close the run and move the business date to the next day, once (the UPDATE only moves
    a date that is still `day`), in one transaction."""
    moved = session.execute(
        update(Property)
        .where(Property.id == prop.id, Property.business_date == day)
        .values(business_date=day + dt.timedelta(days=1))
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise InvalidTransition(f"the business date of {prop.code} is no longer {day}")
    run = session.get(AuditRun, run_id)
    assert run is not None
    run.status, run.holder = "done", None
    run.finished_at = dt.datetime.now(dt.UTC)
    session.flush()
    record(
        session, "roll_business_date", "property", prop.id,
        before={"business_date": day.isoformat()},
        after={"business_date": (day + dt.timedelta(days=1)).isoformat()},
    )  # fmt: skip
    return {"business_date": (day + dt.timedelta(days=1)).isoformat()}
