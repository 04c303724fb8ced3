"""Changing the rate sheet (a manager's decision): prices and restrictions on ranges of nights,
for one room type or several at once.

Only base plans carry prices; derived plans follow them. Existing bookings keep the prices they
were quoted: a change reaches only what is sold after it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Rate, RatePlan, RoomType
from pms.hotel.amount_cap import check_amount_cap
from pms.hotel.properties import resolve_property, resolve_room_type
from pms.inventory.nights import stay_nights
from pms.kernel.audit import record
from pms.kernel.errors import InvalidInput
from pms.kernel.permissions import require
from pms.rates.plans import resolve_plan
from pms.rates.ratesheet import base_plan

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _nights_on(start: dt.date, end: dt.date, days: Iterable[str] | None) -> list[dt.date]:
    """The dates start..end (both included) on the given weekdays (all when none)."""
    if end < start:
        raise InvalidInput("to", "the last date is before the first")
    if (end - start).days > 731:
        raise InvalidInput("to", "set at most two years at a time")
    wanted = set(range(7))
    if days:
        try:
            wanted = {WEEKDAYS.index(d.strip().lower()[:3]) for d in days if d.strip()}
        except ValueError as exc:
            raise InvalidInput("days", "days are mon, tue, wed, thu, fri, sat, sun") from exc
    return [n for n in stay_nights(start, end + dt.timedelta(days=1)) if n.weekday() in wanted]


def _rows(
    session: Session, plan: RatePlan, room_type: RoomType, nights: list[dt.date]
) -> dict[dt.date, Rate]:
    existing = {
        r.night: r
        for r in session.scalars(
            select(Rate).where(
                Rate.rate_plan_id == plan.id,
                Rate.room_type_id == room_type.id,
                Rate.night.in_(nights),
            )
        )
    }
    for night in nights:
        if night not in existing:
            existing[night] = Rate(
                rate_plan_id=plan.id,
                room_type_id=room_type.id,
                night=night,
                closed_to_arrival=False,
                closed_to_departure=False,
                stop_sell=False,
            )
            session.add(existing[night])
    return existing


def set_rates(
    session: Session,
    property_code: str | None,
    plan_code: str,
    room_type_code: str,
    start: dt.date,
    end: dt.date,
    price: int,
    days: Iterable[str] | None = None,
    *,
    complimentary: bool = False,
) -> int:
    """Put `price` on the sheet for the nights start..end (included) on the given weekdays.

    Only base plans carry prices; derived plans follow them. Existing bookings keep the prices
    they were quoted. A price of 0 gives rooms away, so it needs `complimentary`. Returns the
    number of nights set.
    """
    require(session, "rates.set")
    prop = resolve_property(session, property_code)
    plan = resolve_plan(session, prop, plan_code)
    if plan.parent is not None:
        raise InvalidInput(
            "plan", f"{plan.code} is derived from {base_plan(plan).code}; set that plan's prices"
        )
    if price < 0:
        raise InvalidInput("price", "a price cannot be negative")
    check_amount_cap(prop, price, "price")
    if price == 0 and not complimentary:
        raise InvalidInput("price", "a price of 0 gives the rooms away: say it is complimentary")
    room_type = resolve_room_type(session, prop, room_type_code)
    nights = _nights_on(start, end, days)
    for rate in _rows(session, plan, room_type, nights).values():
        rate.price = price
    record(
        session, "set_rates", "rate_plan", plan.id,
        after={"room_type": room_type.code, "from": str(start), "to": str(end), "price": price,
               "nights": len(nights)},
    )  # fmt: skip
    return len(nights)


@dataclass(frozen=True)
class RestrictionChange:
    """Restrictions to set; None leaves one as it is, 0 clears a length of stay."""

    min_los: int | None = None
    max_los: int | None = None
    closed_to_arrival: bool | None = None
    closed_to_departure: bool | None = None
    stop_sell: bool | None = None


def restrict(
    session: Session,
    property_code: str | None,
    plan_code: str,
    room_type_code: str,
    start: dt.date,
    end: dt.date,
    change: RestrictionChange,
    days: Iterable[str] | None = None,
) -> int:
    """Set restrictions on the nights start..end (included); returns the nights changed."""
    require(session, "rates.restrict")
    prop = resolve_property(session, property_code)
    plan = resolve_plan(session, prop, plan_code)
    room_type = resolve_room_type(session, prop, room_type_code)
    for value, field in ((change.min_los, "min_los"), (change.max_los, "max_los")):
        if value is not None and value < 0:
            raise InvalidInput(field, "a length of stay cannot be negative")
    nights = _nights_on(start, end, days)
    for rate in _rows(session, plan, room_type, nights).values():
        if change.min_los is not None:
            rate.min_los = change.min_los or None
        if change.max_los is not None:
            rate.max_los = change.max_los or None
        if rate.min_los and rate.max_los and rate.max_los < rate.min_los:
            raise InvalidInput("max_los", f"maximum stay below minimum on {rate.night}")
        for name in ("closed_to_arrival", "closed_to_departure", "stop_sell"):
            if (value := getattr(change, name)) is not None:
                setattr(rate, name, value)
    record(
        session, "restrict", "rate_plan", plan.id,
        after={"room_type": room_type.code, "from": str(start), "to": str(end),
               "change": {k: v for k, v in vars(change).items() if v is not None}},
    )  # fmt: skip
    return len(nights)


def set_block_rates(
    session: Session,
    property_code: str | None,
    plan_code: str,
    room_type_codes: Iterable[str],
    start: dt.date,
    end: dt.date,
    price: int,
    days: Iterable[str] | None = None,
) -> int:
    """Put one price on several room types at once; returns the nights set (all or none)."""
    days = list(days or [])
    return sum(
        set_rates(session, property_code, plan_code, code, start, end, price, days)
        for code in room_type_codes
    )


def restrict_block(
    session: Session,
    property_code: str | None,
    plan_code: str,
    room_type_codes: Iterable[str],
    start: dt.date,
    end: dt.date,
    change: RestrictionChange,
    days: Iterable[str] | None = None,
) -> int:
    """Set restrictions on several room types at once; returns the nights changed."""
    days = list(days or [])
    return sum(
        restrict(session, property_code, plan_code, code, start, end, change, days)
        for code in room_type_codes
    )
