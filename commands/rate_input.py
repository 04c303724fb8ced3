"""Reading what a revenue manager types: percentages, weekdays and ranges of nights.

Percentages are typed as percent (`-10`, `12.5`) and handed to the services in basis points,
through Decimal so that no float ever rounds a price. Date ranges are read against the
property's business date and include both ends: `--from 1.12 --to 31.12` is all of December.
"""

from __future__ import annotations

import datetime as dt

from pms.hotel.properties import PropertyView, property_view
from pms.kernel.dates import parse_date
from pms.kernel.desk import Desk
from pms.kernel.errors import InvalidInput
from pms.kernel.money import percent_bp
from pms.rates.sheet_edits import WEEKDAYS

#: Nights `rates show` shows when no --to is given: two weeks, as the desk plans.
DEFAULT_NIGHTS = 14


def whole_percent(text: str, field: str) -> int:
    """A whole percentage as typed (`80`, `80%`)."""
    points = percent_bp(text, field)
    if points % 100:
        raise InvalidInput(field, f"{field} {text!r} must be a whole percentage, e.g. 80")
    return points // 100


def weekdays(text: str | None) -> list[str] | None:
    """`fri,sat` as a list of weekdays; None for every day. Checked here so that a typo names
    itself instead of changing every day of the range."""
    if text is None:
        return None
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    if not names:
        raise InvalidInput("days", "name at least one weekday, e.g. fri,sat")
    for name in names:
        if len(name) < 3 or name[:3] not in WEEKDAYS:
            raise InvalidInput("days", f"{name!r} is not a weekday ({', '.join(WEEKDAYS)})")
    return names


def hotel_of(desk: Desk, property_code: str | None) -> PropertyView:
    """The property, for its currency and business date."""
    return desk.read(property_view, property_code)


def nights_between(
    hotel: PropertyView, start: str | None, end: str | None, nights: int = DEFAULT_NIGHTS
) -> tuple[dt.date, dt.date]:
    """First and last night (both included) as typed; by default from the business date on."""
    first = (
        parse_date(start, hotel.business_date, field="from")
        if start is not None
        else hotel.business_date
    )
    last = (
        parse_date(end, hotel.business_date, field="to")
        if end is not None
        else first + dt.timedelta(days=nights - 1)
    )
    if last < first:
        raise InvalidInput("to", f"the last night {last} is before the first {first}")
    return first, last
