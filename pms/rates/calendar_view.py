"""The rate calendar: what each room type sells at, night by night, on one plan, with the rooms
left and the restrictions; read the way the plan sells today (derived prices, dynamic pricing).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from pms.hotel.properties import BASE_PLAN, PropertyView, property_view, resolve_property
from pms.inventory.nights import stay_nights
from pms.kernel.errors import InvalidInput
from pms.rates.plans import RatePlanView, list_rate_plans, resolve_plan
from pms.rates.pricing import Party
from pms.rates.ratesheet import RateSheet


@dataclass(frozen=True)
class RateCell:
    """One night of one room type on the rate calendar."""

    night: dt.date
    price: int | None
    available: int
    min_los: int | None
    max_los: int | None
    closed_to_arrival: bool
    closed_to_departure: bool
    stop_sell: bool

    @property
    def marks(self) -> str:
        """Short restriction marks for a grid cell: S stop-sell, A/D closed to arrival /
        departure, m/M min / max stay."""
        return "".join(
            mark
            for mark, on in (
                ("S", self.stop_sell),
                ("A", self.closed_to_arrival),
                ("D", self.closed_to_departure),
                (f"m{self.min_los}", bool(self.min_los)),
                (f"M{self.max_los}", bool(self.max_los)),
            )
            if on
        )


@dataclass(frozen=True)
class RateRow:
    """A room type's row on the rate calendar."""

    room_type: str
    cells: list[RateCell]


def rate_calendar(
    session: Session,
    property_code: str | None,
    plan_code: str,
    start: dt.date,
    end: dt.date,
) -> list[RateRow]:
    """Prices (for a base-occupancy party, before taxes), rooms left and restrictions for
    each room type and night start..end (end excluded), as the plan sells them today."""
    prop = resolve_property(session, property_code)
    plan = resolve_plan(session, prop, plan_code)
    if end <= start or (end - start).days > 366:
        raise InvalidInput("to", "show between 1 and 366 nights")
    nights = stay_nights(start, end)
    sheet = RateSheet.load(session, prop, start, end)
    rows = []
    for room_type in prop.room_types:
        cells = []
        for night in nights:
            quote = sheet.price_stay(plan, room_type, [night], Party(room_type.base_occupancy))
            rule = sheet.restriction_row(plan, room_type, night)
            capacity, sold = sheet.counts(room_type, night)
            cells.append(
                RateCell(
                    night=night,
                    price=quote[0].room if quote else None,
                    available=capacity + room_type.overbooking_allowance - sold,
                    min_los=rule.min_los if rule else None,
                    max_los=rule.max_los if rule else None,
                    closed_to_arrival=bool(rule and rule.closed_to_arrival),
                    closed_to_departure=bool(rule and rule.closed_to_departure),
                    stop_sell=bool(rule and rule.stop_sell),
                )
            )
        rows.append(RateRow(room_type.code, cells))
    return rows


def load_calendar(
    session: Session,
    property_code: str | None,
    plan: str | None,
    start: dt.date | None,
    nights: int,
) -> tuple[PropertyView, list[RatePlanView], str, dt.date, list[RateRow]]:
    """Everything the screen shows, in one read: the property, its plans, and the calendar of
    `plan` (the base plan at first) for `nights` from `start` (the business date at first)."""
    hotel = property_view(session, property_code)
    plans = list_rate_plans(session, hotel.code)
    codes = [p.code for p in plans]
    code = plan if plan in codes else BASE_PLAN if BASE_PLAN in codes else codes[0]
    first = start or hotel.business_date
    rows = rate_calendar(session, hotel.code, code, first, first + dt.timedelta(days=nights))
    return hotel, plans, code, first, rows
