"""The rate sheet of a property for some nights: prices, restrictions, inventory, taxes, rules.

Everything a quote or a booking needs is read once into a `RateSheet`; pricing itself is the
pure arithmetic of `pms.rates.pricing`. Quotes and bookings use the same sheet, so a booking is
stored at exactly the price a quote showed.

Every booking loads a sheet, so its six queries are built once, read plain rows rather than ORM
objects and run on the session's connection (on SQLite straight on the driver, `db.prepared`):
built per call, each cost more Python than the database took to answer it (issue 2). Nothing is
kept between transactions.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from db.models import (
    Inventory,
    PricingRule,
    Property,
    Rate,
    RatePlan,
    RatePlanPrice,
    Room,
    RoomType,
    Tax,
)
from db.prepared import Prepared
from pms.inventory.nights import stay_nights
from pms.kernel.desk import connection_of
from pms.rates.pricing import (
    CancelPolicy,
    DynamicRule,
    NightQuote,
    Occupancy,
    Party,
    PlanTerms,
    TaxRule,
    price_night,
)


def plan_terms(plan: RatePlan) -> PlanTerms:
    """The derivation chain of a plan, as plain values."""
    parent = plan_terms(plan.parent) if plan.parent else None
    return PlanTerms(plan.code, plan.derive_percent_bp, plan.derive_amount, parent)


def cancel_policy(plan: RatePlan) -> CancelPolicy:
    """The plan's cancellation terms, as plain values."""
    return CancelPolicy(
        plan.non_refundable, plan.cancel_free_hours, plan.cancel_penalty, plan.cancel_penalty_bp
    )


def base_plan(plan: RatePlan) -> RatePlan:
    """The plan at the root of a derivation chain (whose prices are on the sheet)."""
    return base_plan(plan.parent) if plan.parent else plan


def occupancy_of(room_type: RoomType) -> Occupancy:
    """The room type's occupancy rules, as plain values."""
    return Occupancy(
        room_type.base_occupancy,
        room_type.max_occupancy,
        room_type.extra_adult,
        room_type.extra_child,
    )


class SheetNight(NamedTuple):
    """One night of a plan and room type on the sheet: its price and restrictions."""

    price: int | None
    min_los: int | None
    max_los: int | None
    closed_to_arrival: bool
    closed_to_departure: bool
    stop_sell: bool


# The sheet's queries; :property_id and the nights :first..:last are bound per load. The
# property's room types are a subquery rather than a list of ids, so that each statement is
# compiled once and runs on the driver (`db.prepared`).
_PROPERTY_TYPES = select(RoomType.id).where(RoomType.property_id == bindparam("property_id"))
_ROOM_TYPES = (
    select(RoomType.id, func.count(Room.id))
    .outerjoin(Room, Room.room_type_id == RoomType.id)
    .where(RoomType.property_id == bindparam("property_id"))
    .group_by(RoomType.id)
)
# The plan filter lets the primary key (rate_plan_id, room_type_id, night) serve the query
# instead of a scan.
_RATES = select(
    Rate.rate_plan_id, Rate.room_type_id, Rate.night, Rate.price, Rate.min_los, Rate.max_los,
    Rate.closed_to_arrival, Rate.closed_to_departure, Rate.stop_sell,
).where(
    Rate.rate_plan_id.in_(
        select(RatePlan.id).where(RatePlan.property_id == bindparam("property_id"))
    ),
    Rate.room_type_id.in_(_PROPERTY_TYPES),
    Rate.night >= bindparam("first"),
    Rate.night <= bindparam("last"),
)  # fmt: skip
_DEFAULTS = (
    select(RatePlanPrice.rate_plan_id, RatePlanPrice.room_type_id, RatePlanPrice.amount)
    .join(RatePlan)
    .where(RatePlan.property_id == bindparam("property_id"))
)
# A booking's sheet: prices and restrictions of the one room type it books (inventory, rooms,
# taxes and rules stay whole, for the property-wide occupancy forecast).
_RATES_OF_TYPE = _RATES.where(Rate.room_type_id == bindparam("room_type_id"))
_DEFAULTS_OF_TYPE = _DEFAULTS.where(RatePlanPrice.room_type_id == bindparam("room_type_id"))
_INVENTORY = select(
    Inventory.room_type_id, Inventory.night, Inventory.capacity, Inventory.sold
).where(
    Inventory.room_type_id.in_(_PROPERTY_TYPES),
    Inventory.night >= bindparam("first"),
    Inventory.night <= bindparam("last"),
)
_TAXES = (
    select(Tax.code, Tax.name, Tax.percent_bp, Tax.per_person, Tax.children_exempt)
    .where(Tax.property_id == bindparam("property_id"), Tax.room.is_(True))
    .order_by(Tax.code)
)
_RULES = select(
    PricingRule.room_type_id, PricingRule.threshold_pct, PricingRule.adjust_bp,
    PricingRule.floor, PricingRule.ceiling,
).where(PricingRule.property_id == bindparam("property_id"))  # fmt: skip

_SHEET = {
    name: Prepared(statement)
    for name, statement in [
        ("room_types", _ROOM_TYPES),
        ("rates", _RATES),
        ("defaults", _DEFAULTS),
        ("inventory", _INVENTORY),
        ("taxes", _TAXES),
        ("rules", _RULES),
        ("rates_of_type", _RATES_OF_TYPE),
        ("defaults_of_type", _DEFAULTS_OF_TYPE),
    ]
}


@dataclass
class RateSheet:
    """The rate sheet, inventory, taxes and pricing rules of one property for some nights.

    `capacity` has every room type of the property, with its number of rooms.
    """

    prop: Property
    rates: dict[tuple[int, int, dt.date], SheetNight] = field(default_factory=dict)
    defaults: dict[tuple[int, int], int] = field(default_factory=dict)
    inventory: dict[tuple[int, dt.date], tuple[int, int]] = field(default_factory=dict)
    capacity: dict[int, int] = field(default_factory=dict)
    taxes: list[TaxRule] = field(default_factory=list)
    rules: dict[int | None, list[DynamicRule]] = field(default_factory=dict)
    _forecasts: dict[tuple[int | None, dt.date], Decimal] = field(default_factory=dict)

    @classmethod
    def load(
        cls,
        session: Session,
        prop: Property,
        first: dt.date,
        last: dt.date,
        *,
        room_type: RoomType | None = None,
    ) -> RateSheet:
        """Read the nights first..last (inclusive) of the property in six queries; with
        `room_type` (a booking), the prices and restrictions of that room type only."""
        connection = connection_of(session)
        sheet = cls(prop)
        params = {"property_id": prop.id, "first": first, "last": last}
        rates, defaults = _SHEET["rates"], _SHEET["defaults"]
        if room_type is not None:
            params["room_type_id"] = room_type.id
            rates, defaults = _SHEET["rates_of_type"], _SHEET["defaults_of_type"]
        sheet.capacity = {t: rooms for t, rooms in _SHEET["room_types"].execute(connection, params)}
        for plan_id, type_id, night, *values in rates.execute(connection, params):
            sheet.rates[(plan_id, type_id, night)] = SheetNight(*values)
        for plan_id, type_id, amount in defaults.execute(connection, params):
            sheet.defaults[(plan_id, type_id)] = amount
        for type_id, night, capacity, sold in _SHEET["inventory"].execute(connection, params):
            sheet.inventory[(type_id, night)] = (capacity, sold)
        sheet.taxes = [TaxRule(*tax) for tax in _SHEET["taxes"].execute(connection, params)]
        rules: dict[int | None, list[DynamicRule]] = defaultdict(list)
        for type_id, *terms in _SHEET["rules"].execute(connection, params):
            rules[type_id].append(DynamicRule(*terms))
        sheet.rules = dict(rules)
        return sheet

    def counts(self, room_type: RoomType, night: dt.date) -> tuple[int, int]:
        """(capacity, sold) of the room type on the night; unopened nights are all free."""
        return self._counts(room_type.id, night)

    def _counts(self, type_id: int, night: dt.date) -> tuple[int, int]:
        return self.inventory.get((type_id, night), (self.capacity.get(type_id, 0), 0))

    def forecast_pct(self, room_type_id: int | None, night: dt.date) -> Decimal:
        """Forecast occupancy in percent: of the room type, or of the whole property.

        Worked out once per night and scope: every plan and room type of a quote asks again.
        """
        key = (room_type_id, night)
        found = self._forecasts.get(key)
        if found is None:
            capacity = sold = 0
            for type_id in self.capacity if room_type_id is None else [room_type_id]:
                cap, sold_ = self._counts(type_id, night)
                capacity, sold = capacity + cap, sold + sold_
            found = Decimal(sold * 100) / capacity if capacity else Decimal(0)
            self._forecasts[key] = found
        return found

    def restriction_row(
        self, plan: RatePlan, room_type: RoomType, night: dt.date
    ) -> SheetNight | None:
        """The restrictions in force: the plan's own row for the night, else its parent's."""
        current: RatePlan | None = plan
        while current is not None:
            rate = self.rates.get((current.id, room_type.id, night))
            if rate is not None:
                return rate
            current = current.parent
        return None

    def price_stay(
        self, plan: RatePlan, room_type: RoomType, nights: list[dt.date], party: Party
    ) -> list[NightQuote] | None:
        """Each night priced, or None when a night has no price on the sheet."""
        terms = plan_terms(plan)
        type_rules = self.rules.get(room_type.id)
        dynamic = type_rules if type_rules else self.rules.get(None, [])
        scope = room_type.id if type_rules else None
        # Read the ORM attributes once per stay, not once per night.
        root_id, type_id = base_plan(plan).id, room_type.id
        default = self.defaults.get((root_id, type_id))
        occupancy = occupancy_of(room_type)
        inclusive, step = self.prop.taxes_inclusive, self.prop.rate_rounding
        quotes = []
        for night in nights:
            rate = self.rates.get((root_id, type_id, night))
            base = rate.price if rate is not None and rate.price is not None else default
            if base is None:
                return None
            quotes.append(
                price_night(
                    night,
                    base,
                    terms,
                    occupancy,
                    party,
                    forecast_pct=self.forecast_pct(scope, night) if dynamic else Decimal(0),
                    dynamic=dynamic,
                    taxes=self.taxes,
                    taxes_inclusive=inclusive,
                    rounding_step=step,
                )
            )
        return quotes

    def why_closed(
        self,
        plan: RatePlan,
        room_type: RoomType,
        arrival: dt.date,
        departure: dt.date,
        *,
        member: bool,
    ) -> str:
        """Why this plan and room type cannot be sold for the stay, or '' when it can."""
        today = self.prop.business_date
        if plan.sell_from and today < plan.sell_from:
            return f"{plan.code} goes on sale on {plan.sell_from}"
        if plan.sell_until and today > plan.sell_until:
            return f"{plan.code} was on sale until {plan.sell_until}"
        ahead = (arrival - today).days
        if plan.min_advance_days is not None and ahead < plan.min_advance_days:
            return f"{plan.code} must be booked at least {plan.min_advance_days} days ahead"
        if plan.max_advance_days is not None and ahead > plan.max_advance_days:
            return f"{plan.code} can be booked at most {plan.max_advance_days} days ahead"
        if plan.members_only and not member:
            return f"{plan.code} is for loyalty members only"
        nights = stay_nights(arrival, departure)
        length = len(nights)
        first = self.restriction_row(plan, room_type, arrival)
        day = f"{arrival:%a %Y-%m-%d}"
        if first is not None:
            if first.closed_to_arrival:
                return f"closed to arrival on {day}"
            if first.min_los and length < first.min_los:
                return f"minimum stay {first.min_los} nights for arrival {day}"
            if first.max_los and length > first.max_los:
                return f"maximum stay {first.max_los} nights for arrival {day}"
        for night in nights:
            row = self.restriction_row(plan, room_type, night)
            if row is not None and row.stop_sell:
                return f"stop-sell on {night:%a %Y-%m-%d}"
        last = self.restriction_row(plan, room_type, departure)
        if last is not None and last.closed_to_departure:
            return f"closed to departure on {departure:%a %Y-%m-%d}"
        return ""

    def rooms_left(self, room_type: RoomType, nights: list[dt.date]) -> int:
        """Rooms that can still be sold on every night of the stay: free rooms plus the
        overbooking allowance (negative when a manager sold past it)."""
        free = min(cap - sold for cap, sold in (self.counts(room_type, n) for n in nights))
        return free + room_type.overbooking_allowance

    def sellable(self, room_type: RoomType, nights: list[dt.date]) -> bool:
        """Whether one more stay fits every night, the overbooking allowance included."""
        return self.rooms_left(room_type, nights) > 0
