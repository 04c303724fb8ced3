"""The manager's flash: one closed day, month to date, year to date, and the same periods last
year, read from the statistics the audit stored (one SUM per period), so a closed day reads the
same forever and two years of history answer in milliseconds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import STATISTIC_COUNTS, STATISTIC_MONEY, DailyStatistic, Property
from pms.hotel.property_settings import settings_of
from pms.reports.kpi import kpis
from pms.reports.period import closed_day

FIELDS = STATISTIC_COUNTS + STATISTIC_MONEY


@dataclass(frozen=True)
class FlashColumn:
    """One period of the flash (money in minor units, percentages as per cent)."""

    period: str
    first: dt.date
    last: dt.date
    rooms: int
    rooms_available: int
    occupied: int
    rooms_sold: int
    comp: int
    house_use: int
    out_of_order: int
    occupancy: Decimal
    adr: int
    revpar: int
    trevpar: int
    room_revenue: int
    other_revenue: int
    tax: int
    arrivals: int
    departures: int
    no_shows: int
    multiple_occupancy: Decimal
    guests: int


@dataclass(frozen=True)
class FlashReport:
    """The flash of one closed day; `occupancy`, `adr`, `revpar`, `trevpar` are the day's."""

    property: str
    currency: str
    business_date: dt.date
    occupancy: Decimal
    adr: int
    revpar: int
    trevpar: int
    columns: list[FlashColumn]


def period_totals(
    session: Session, prop: Property, first: dt.date, last: dt.date
) -> dict[str, int]:
    """The statistics of the closed days from `first` to `last`, summed over room types."""
    row = session.execute(
        select(*(func.coalesce(func.sum(getattr(DailyStatistic, f)), 0) for f in FIELDS)).where(
            DailyStatistic.property_id == prop.id,
            DailyStatistic.business_date >= first,
            DailyStatistic.business_date <= last,
        )
    ).one()
    return {name: int(value) for name, value in zip(FIELDS, row, strict=True)}


def _column(
    session: Session, prop: Property, period: str, first: dt.date, last: dt.date
) -> FlashColumn:
    totals = period_totals(session, prop, first, last)
    figures = kpis(totals, settings_of(prop))
    return FlashColumn(
        period, first, last, totals["rooms"], figures.rooms_available, totals["occupied"],
        figures.rooms_sold, totals["comp"], totals["house_use"], totals["out_of_order"],
        figures.occupancy, figures.adr, figures.revpar, figures.trevpar, totals["room_revenue"],
        totals["other_revenue"], totals["tax"], totals["arrivals"], totals["departures"],
        totals["no_shows"], figures.multiple_occupancy, totals["adults"] + totals["children"],
    )  # fmt: skip


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def flash_report(
    session: Session, property_code: str | None = None, day: dt.date | str | None = None
) -> FlashReport:
    """The flash of a closed day (default: the last one closed)."""
    prop, closed = closed_day(session, property_code, day)
    return day_flash(session, prop, closed)


def day_flash(session: Session, prop: Property, day: dt.date) -> FlashReport:
    """The flash of `day` from its stored statistics (the audit renders it before the roll)."""
    ly = _year_before(day)
    periods = [
        ("day", day, day),
        ("month to date", day.replace(day=1), day),
        ("year to date", day.replace(month=1, day=1), day),
        ("day last year", ly, ly),
        ("month to date last year", ly.replace(day=1), ly),
        ("year to date last year", ly.replace(month=1, day=1), ly),
    ]
    columns = [_column(session, prop, *period) for period in periods]
    today = columns[0]
    return FlashReport(
        prop.code, prop.currency, day, today.occupancy, today.adr, today.revpar, today.trevpar,
        columns,
    )  # fmt: skip
