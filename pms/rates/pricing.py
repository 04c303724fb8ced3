"""Pricing as a pure function: (rate plan, room type, nights, party, occupancy, rules) → lines.

Nothing here touches the database, so every rule can be tested with plain values. Amounts are
integers in the currency's minor unit; every line is rounded half-up on its own and totals are
sums of lines, so a guest's bill always adds up to what the lines say.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from pms.kernel.money import format_money

BASIS = Decimal(10_000)  # percentages are kept in basis points: 1250 = 12.5 %


def round_half_up(value: Decimal, step: int = 1) -> int:
    """Round to a multiple of `step` minor units, halves away from zero."""
    return int((value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * step


@dataclass(frozen=True)
class PlanTerms:
    """How a plan's price follows from its parent's: parent × (1 + percent) + amount.

    A base plan (no parent) takes its price from the rate sheet.
    """

    code: str
    percent_bp: int = 0
    amount: int = 0
    parent: PlanTerms | None = None

    @property
    def base(self) -> PlanTerms:
        """The plan at the root of the chain, whose prices are on the sheet."""
        return self.parent.base if self.parent else self


def derived_price(base_price: int, plan: PlanTerms, step: int = 1) -> int:
    """The plan's price from its base plan's, applying each derivation down the chain and
    rounding each step to the property's rule (e.g. whole euros: step 100)."""
    if plan.parent is None:
        return base_price
    parent_price = derived_price(base_price, plan.parent, step)
    value = Decimal(parent_price) * (1 + Decimal(plan.percent_bp) / BASIS) + plan.amount
    return max(0, round_half_up(value, step))


@dataclass(frozen=True)
class DynamicRule:
    """When forecast occupancy reaches `threshold_pct`, move the price by `adjust_bp`,
    keeping the result between `floor` and `ceiling` (either may be None)."""

    threshold_pct: int
    adjust_bp: int
    floor: int | None = None
    ceiling: int | None = None


def dynamic_price(price: int, occupancy_pct: Decimal, rules: list[DynamicRule]) -> int:
    """The price after the highest occupancy threshold crossed; unchanged when none is."""
    crossed = [r for r in rules if occupancy_pct >= r.threshold_pct]
    if not crossed:
        return price
    rule = max(crossed, key=lambda r: r.threshold_pct)
    moved = round_half_up(Decimal(price) * (1 + Decimal(rule.adjust_bp) / BASIS))
    if rule.floor is not None:
        moved = max(moved, rule.floor)
    if rule.ceiling is not None:
        moved = min(moved, rule.ceiling)
    return moved


@dataclass(frozen=True)
class Party:
    """Who sleeps in the room."""

    adults: int
    children: int = 0

    @property
    def persons(self) -> int:
        """Adults and children together."""
        return self.adults + self.children


@dataclass(frozen=True)
class Occupancy:
    """A room type's occupancy rules and extra-person charges."""

    base_occupancy: int
    max_occupancy: int
    extra_adult: int = 0
    extra_child: int = 0


def extra_person_charge(occupancy: Occupancy, party: Party) -> int:
    """Charges for guests above the base occupancy: adults count first, then children."""
    extra_adults = max(0, party.adults - occupancy.base_occupancy)
    room_left = max(0, occupancy.base_occupancy - party.adults)
    extra_children = max(0, party.children - room_left)
    return extra_adults * occupancy.extra_adult + extra_children * occupancy.extra_child


@dataclass(frozen=True)
class TaxRule:
    """A tax with its own code: a percentage of the room price (`percent_bp`), or a fixed
    amount per person per night (`per_person`, children exempt when `children_exempt`)."""

    code: str
    name: str
    percent_bp: int = 0
    per_person: int = 0
    children_exempt: bool = True


@dataclass(frozen=True)
class TaxLine:
    """One tax on one night. `included` taxes are inside the room price already."""

    code: str
    amount: int
    included: bool


@dataclass(frozen=True)
class NightQuote:
    """One night's price: the room line (extras included) and its tax lines."""

    night: dt.date
    room: int
    taxes: tuple[TaxLine, ...] = field(default_factory=tuple)

    @property
    def total(self) -> int:
        """What the guest pays for the night: the room plus taxes not already inside it."""
        return self.room + sum(t.amount for t in self.taxes if not t.included)


def taxes_for(
    room: int, party: Party, rules: list[TaxRule], *, inclusive: bool
) -> tuple[TaxLine, ...]:
    """Tax lines for one night, in the order of the rules.

    Exclusive percentages are added on top of the price. Inclusive ones are backed out of it
    together — net = price / (1 + sum of rates) — and the tax inside the price is shared among
    them in proportion to their rates, so the lines always add up to price − net.
    Per-person taxes are always added on top.
    """
    percent_rules = [r for r in rules if r.percent_bp]
    shares: dict[str, int] = {}
    if inclusive and percent_rules:
        combined = sum(r.percent_bp for r in percent_rules)
        inside = room - round_half_up(Decimal(room) / (1 + Decimal(combined) / BASIS))
        shares = _split(inside, {r.code: r.percent_bp for r in percent_rules})
    else:
        for rule in percent_rules:
            shares[rule.code] = round_half_up(Decimal(room) * rule.percent_bp / BASIS)
    lines = []
    for rule in rules:
        if rule.percent_bp:
            lines.append(TaxLine(rule.code, shares[rule.code], inclusive))
        if rule.per_person:
            persons = party.adults if rule.children_exempt else party.persons
            lines.append(TaxLine(rule.code, rule.per_person * persons, False))
    return tuple(lines)


def _split(amount: int, weights: dict[str, int]) -> dict[str, int]:
    """Share whole minor units in proportion to the weights (largest remainders get the odd
    units), so the shares are never negative and always sum to `amount`."""
    total = sum(weights.values())
    exact = {code: Decimal(amount) * weight / total for code, weight in weights.items()}
    shares = {code: int(value) for code, value in exact.items()}
    by_remainder = sorted(weights, key=lambda code: exact[code] - shares[code], reverse=True)
    for code in by_remainder[: amount - sum(shares.values())]:
        shares[code] += 1
    return shares


def price_night(
    night: dt.date,
    base_price: int,
    plan: PlanTerms,
    occupancy: Occupancy,
    party: Party,
    *,
    forecast_pct: Decimal = Decimal(0),
    dynamic: list[DynamicRule] | tuple[DynamicRule, ...] = (),
    taxes: list[TaxRule] | tuple[TaxRule, ...] = (),
    taxes_inclusive: bool = False,
    rounding_step: int = 1,
) -> NightQuote:
    """One night: dynamic adjustment on the base sheet price, then the plan's derivation,
    then extra persons, then taxes."""
    base = dynamic_price(base_price, forecast_pct, list(dynamic))
    room = derived_price(base, plan, rounding_step) + extra_person_charge(occupancy, party)
    return NightQuote(night, room, taxes_for(room, party, list(taxes), inclusive=taxes_inclusive))


#: The words every face heads prices with, so a price reads one way at the desk, on the
#: command line and to the caller: the price has VAT in it, the city tax stands apart.
PER_NIGHT_INCL_VAT = "per night incl. VAT"
TOTAL_INCL_VAT = "total incl. VAT"
CITY_TAX = "city tax"
TO_PAY = "to pay"


def price_summary(per_night: int, total: int, city_tax: int, currency: str) -> str:
    """`€119.00 per night incl. VAT · €238.00 total incl. VAT · €4.00 city tax · €242.00 to
    pay` (the city tax and what is paid with it only when the stay has a city tax)."""
    parts = [
        f"{format_money(per_night, currency)} {PER_NIGHT_INCL_VAT}",
        f"{format_money(total, currency)} {TOTAL_INCL_VAT}",
    ]
    if city_tax:
        parts.append(f"{format_money(city_tax, currency)} {CITY_TAX}")
        parts.append(f"{format_money(total + city_tax, currency)} {TO_PAY}")
    return " · ".join(parts)


def per_night(amount: int, nights: int) -> int:
    """A stay's amount spread over its nights, to the nearest minor unit (halves up), as the
    lists show a price a night; 0 for no night."""
    return (amount + nights // 2) // nights if nights else 0


def stay_total(nights: list[NightQuote]) -> int:
    """The stay's total: the sum of its nights' lines."""
    return sum(n.total for n in nights)


@dataclass(frozen=True)
class CancelPolicy:
    """When a cancellation becomes chargeable and what it costs."""

    non_refundable: bool = False
    free_hours: int = 24
    penalty: str = "first_night"  # first_night | percent | full_stay
    penalty_bp: int = 0

    def summary(self) -> str:
        """The policy in a clerk's words, to read to the caller."""
        if self.non_refundable:
            return "non-refundable"
        when = (
            f"{self.free_hours // 24} days"
            if self.free_hours % 24 == 0 and self.free_hours >= 48
            else f"{self.free_hours} h"
        )
        charge = {
            "first_night": "the first night",
            "full_stay": "the full stay",
            "percent": f"{Decimal(self.penalty_bp) / 100:g} % of the stay",
        }[self.penalty]
        return f"free cancellation until {when} before arrival, then {charge}"


def cancellation_fee(
    policy: CancelPolicy,
    nights: list[NightQuote],
    arrival: dt.date,
    now_local: dt.datetime,
    check_in_hour: int,
) -> int:
    """The fee for cancelling at `now_local` (the property's wall clock, naive)."""
    total = stay_total(nights)
    if policy.non_refundable:
        return total
    starts = dt.datetime.combine(arrival, dt.time(check_in_hour))
    if now_local < starts - dt.timedelta(hours=policy.free_hours):
        return 0
    if policy.penalty == "first_night":
        return nights[0].total if nights else 0
    if policy.penalty == "percent":
        return round_half_up(Decimal(total) * policy.penalty_bp / BASIS)
    return total
