"""Dates as a clerk types them: `2026-12-04`, `4.12`, `+3` (days from the business date), `fri`."""

from __future__ import annotations

import datetime as dt

from pms.kernel.errors import InvalidInput
from pms.kernel.validation import shown

#: How far from the business date a typed date may lie: stays are sold at most ten years
#: ahead (`rules.max_advance_days` is capped there), and history looks back twenty.
YEARS_AHEAD = 10
YEARS_BACK = 20

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def parse_date(text: str, business_date: dt.date, *, field: str = "date") -> dt.date:
    """Read a date the way the desk writes it, relative to the business date.

    `4.12` is the next 4 December on or after the business date; `fri` the next Friday on or
    after it; `+3` three days after it; `today` the business date itself. An empty text is an
    error (never "today"), and so is a date more than `YEARS_AHEAD` years ahead of the business
    date or `YEARS_BACK` years behind it.
    """
    value = text.strip().lower()
    if not value:
        raise InvalidInput(field, f"{field} is missing")
    date = _read(value, text, business_date, field)
    earliest = business_date.replace(year=business_date.year - YEARS_BACK, day=1)
    latest = business_date.replace(year=business_date.year + YEARS_AHEAD, day=1)
    if not earliest <= date <= latest:
        raise InvalidInput(field, f"{field} {date} is out of range ({earliest} to {latest})")
    return date


def _read(value: str, text: str, business_date: dt.date, field: str) -> dt.date:
    if len(value) > 20:
        raise InvalidInput(field, f"{field} {shown(text.strip())} is not a date")
    try:
        if value in {"today", "t"}:
            return business_date
        if value.startswith("+") and value[1:].isdigit():
            if int(value[1:]) > 366 * YEARS_AHEAD:
                raise ValueError(value)
            return business_date + dt.timedelta(days=int(value[1:]))
        if value.isalpha() and len(value) >= 2:
            for index, name in enumerate(_WEEKDAYS):
                if name.startswith(value):
                    return business_date + dt.timedelta(days=(index - business_date.weekday()) % 7)
        if "." in value and value.count(".") in {1, 2}:
            return _day_month(value, business_date)
        return dt.date.fromisoformat(value)
    except (ValueError, OverflowError) as exc:
        raise InvalidInput(
            field, f"{field} {shown(text.strip())} is not a date (try 2026-12-04, 4.12, +3 or fri)"
        ) from exc


def _day_month(value: str, business_date: dt.date) -> dt.date:
    parts = [part for part in value.split(".") if part]
    day, month = int(parts[0]), int(parts[1])
    if len(parts) == 3:
        year = int(parts[2])
        return dt.date(year + 2000 if year < 100 else year, month, day)
    candidate = dt.date(business_date.year, month, day)
    if candidate < business_date:
        candidate = dt.date(business_date.year + 1, month, day)
    return candidate
