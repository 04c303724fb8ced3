"""Which days a report covers: one date, or a range, read as the desk types dates, and checked
against what exists (a closed day has statistics; a range has an end after its start)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import DailyStatistic, Property
from pms.hotel.properties import resolve_property
from pms.kernel.dates import parse_date
from pms.kernel.errors import InvalidInput, NotFound

#: The longest range a report lists, in days.
MAX_RANGE = 731


def read_day(prop: Property, text: dt.date | str | None, default: dt.date, field: str) -> dt.date:
    """A date as typed (`2026-12-04`, `+3`, `today`), or the default."""
    if text is None or text == "":
        return default
    if isinstance(text, dt.date):
        return text
    return parse_date(text, prop.business_date, field=field)


def closed_day(
    session: Session, property_code: str | None, day: dt.date | str | None
) -> tuple[Property, dt.date]:
    """The property and a day the audit closed (default: the last one), refused when the
    audit has not closed it."""
    prop = resolve_property(session, property_code)
    last = prop.business_date - dt.timedelta(days=1)
    wanted = read_day(prop, day, last, "date")
    if wanted > last:
        raise InvalidInput(
            "date",
            f"{wanted:%a %Y-%m-%d} is not closed yet: the business date is "
            f"{prop.business_date:%a %Y-%m-%d} and the last day closed is {last:%a %Y-%m-%d}",
        )
    stored = session.scalar(
        select(func.count()).where(
            DailyStatistic.property_id == prop.id, DailyStatistic.business_date == wanted
        )
    )
    if not stored:
        raise NotFound(f"no statistics for {wanted:%a %Y-%m-%d}: no night audit closed that day")
    return prop, wanted


def day_range(
    session: Session,
    property_code: str | None,
    day: dt.date | str | None = None,
    first: dt.date | str | None = None,
    last: dt.date | str | None = None,
) -> tuple[Property, dt.date, dt.date]:
    """The property and the days `first`..`last` (both included); one `day` (default: the
    business date) when no range is given."""
    prop = resolve_property(session, property_code)
    if first is None and last is None:
        one = read_day(prop, day, prop.business_date, "date")
        return prop, one, one
    if day is not None:
        raise InvalidInput("date", "give either --date or --from/--to, not both")
    start = read_day(prop, first, prop.business_date, "from")
    end = read_day(prop, last, start, "to")
    if end < start:
        raise InvalidInput("to", f"the range ends ({end}) before it starts ({start})")
    if (end - start).days >= MAX_RANGE:
        raise InvalidInput("to", f"a report covers at most {MAX_RANGE} days")
    return prop, start, end
