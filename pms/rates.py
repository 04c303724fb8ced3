"""Revenue tools: rate plans, the rate sheet (prices and restrictions), taxes and the
occupancy rules of dynamic pricing. Changing any of them is a manager's decision; reading them
is for everyone at the desk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Property, Rate, RatePlan, Role, RoomType
from pms.audit import record
from pms.desk import require_role
from pms.errors import InvalidInput, NotFound
from pms.inventory import stay_nights
from pms.pricing import Party
from pms.properties import (
    BASE_PLAN,
    PropertyView,
    property_view,
    resolve_property,
    resolve_room_type,
)
from pms.ratesheet import RateSheet, base_plan, cancel_policy

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MEAL_PLANS = ("RO", "BB", "HB", "FB", "AI")


@dataclass(frozen=True)
class RatePlanView:
    """A rate plan and its terms, as the revenue manager reads them."""

    code: str
    name: str
    parent: str | None
    derive_percent_bp: int
    derive_amount: int
    meal_plan: str
    guarantee: str
    members_only: bool
    sell_from: dt.date | None
    sell_until: dt.date | None
    min_advance_days: int | None
    max_advance_days: int | None
    policy: str


@dataclass(frozen=True)
class PlanTermsInput:
    """The terms of a new rate plan; a `parent` makes it derived (parent ± percent ± amount)."""

    code: str
    name: str
    parent: str | None = None
    derive_percent_bp: int = 0
    derive_amount: int = 0
    meal_plan: str = "RO"
    guarantee: str = "none"
    members_only: bool = False
    sell_from: dt.date | None = None
    sell_until: dt.date | None = None
    min_advance_days: int | None = None
    max_advance_days: int | None = None
    non_refundable: bool = False
    cancel_free_hours: int = 24
    cancel_penalty: str = "first_night"
    cancel_penalty_bp: int = 0


def resolve_plan(session: Session, prop: Property, code: str) -> RatePlan:
    """The rate plan `code` of the property."""
    plan = session.scalar(
        select(RatePlan).where(RatePlan.property_id == prop.id, RatePlan.code == code.upper())
    )
    if plan is None:
        raise NotFound(f"there is no rate plan {code!r} at {prop.code}")
    return plan


def create_rate_plan(
    session: Session, property_code: str | None, terms: PlanTermsInput
) -> RatePlanView:
    """A new rate plan; a derived one follows every later change of its parent's prices."""
    require_role(session, Role.MANAGER, "creating a rate plan")
    prop = resolve_property(session, property_code)
    code = terms.code.strip().upper()
    if not code.isalnum() or len(code) > 12:
        raise InvalidInput("code", f"rate plan code {code!r} must be 1–12 letters or digits")
    if session.scalar(
        select(RatePlan.id).where(RatePlan.property_id == prop.id, RatePlan.code == code)
    ):
        raise InvalidInput("code", f"rate plan {code} already exists at {prop.code}")
    _check_terms(terms)
    parent = resolve_plan(session, prop, terms.parent) if terms.parent else None
    plan = RatePlan(
        property_id=prop.id,
        code=code,
        name=terms.name.strip() or code,
        parent=parent,
        derive_percent_bp=terms.derive_percent_bp,
        derive_amount=terms.derive_amount,
        meal_plan=terms.meal_plan.upper(),
        guarantee=terms.guarantee,
        members_only=terms.members_only,
        sell_from=terms.sell_from,
        sell_until=terms.sell_until,
        min_advance_days=terms.min_advance_days,
        max_advance_days=terms.max_advance_days,
        non_refundable=terms.non_refundable,
        cancel_free_hours=terms.cancel_free_hours,
        cancel_penalty=terms.cancel_penalty,
        cancel_penalty_bp=terms.cancel_penalty_bp,
    )
    session.add(plan)
    session.flush()
    record(session, "create", "rate_plan", plan.id, after={"code": code, "parent": terms.parent})
    return plan_view(plan)


def _check_terms(terms: PlanTermsInput) -> None:
    if terms.meal_plan.upper() not in MEAL_PLANS:
        raise InvalidInput("meal_plan", f"meal plan must be one of {', '.join(MEAL_PLANS)}")
    if terms.guarantee not in ("none", "card", "deposit"):
        raise InvalidInput("guarantee", "guarantee must be none, card or deposit")
    if terms.cancel_penalty not in ("first_night", "percent", "full_stay"):
        raise InvalidInput("cancel_penalty", "penalty must be first_night, percent or full_stay")
    if not 0 <= terms.cancel_penalty_bp <= 10_000:
        raise InvalidInput("cancel_penalty", "a penalty percentage must be between 0 and 100")
    if terms.cancel_free_hours < 0:
        raise InvalidInput("cancel_free_hours", "free cancellation hours cannot be negative")
    if terms.derive_percent_bp <= -10_000:
        raise InvalidInput("percent", "a derived plan cannot take 100 % or more off its parent")
    if terms.sell_from and terms.sell_until and terms.sell_until < terms.sell_from:
        raise InvalidInput("sell_until", "the sale window ends before it starts")
    low, high = terms.min_advance_days, terms.max_advance_days
    if (low is not None and low < 0) or (high is not None and high < 0):
        raise InvalidInput("min_advance_days", "advance days cannot be negative")
    if low is not None and high is not None and high < low:
        raise InvalidInput("max_advance_days", "maximum advance is below the minimum")


def plan_view(plan: RatePlan) -> RatePlanView:
    """The plain view of a rate plan."""
    return RatePlanView(
        code=plan.code,
        name=plan.name,
        parent=plan.parent.code if plan.parent else None,
        derive_percent_bp=plan.derive_percent_bp,
        derive_amount=plan.derive_amount,
        meal_plan=plan.meal_plan,
        guarantee=plan.guarantee,
        members_only=plan.members_only,
        sell_from=plan.sell_from,
        sell_until=plan.sell_until,
        min_advance_days=plan.min_advance_days,
        max_advance_days=plan.max_advance_days,
        policy=cancel_policy(plan).summary(),
    )


def get_rate_plan(session: Session, property_code: str | None, code: str) -> RatePlanView:
    """One rate plan and its terms."""
    return plan_view(resolve_plan(session, resolve_property(session, property_code), code))


def list_rate_plans(session: Session, property_code: str | None = None) -> list[RatePlanView]:
    """Every rate plan of the property, by code."""
    prop = resolve_property(session, property_code)
    plans = session.scalars(
        select(RatePlan).where(RatePlan.property_id == prop.id).order_by(RatePlan.code)
    )
    return [plan_view(p) for p in plans]


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
) -> int:
    """Put `price` on the sheet for the nights start..end (included) on the given weekdays.

    Only base plans carry prices; derived plans follow them. Existing bookings keep the prices
    they were quoted. Returns the number of nights set.
    """
    require_role(session, Role.MANAGER, "setting rates")
    prop = resolve_property(session, property_code)
    plan = resolve_plan(session, prop, plan_code)
    if plan.parent is not None:
        raise InvalidInput(
            "plan", f"{plan.code} is derived from {base_plan(plan).code}; set that plan's prices"
        )
    if price < 0:
        raise InvalidInput("price", "a price cannot be negative")
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
    require_role(session, Role.MANAGER, "setting restrictions")
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
                    available=capacity - sold,
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
