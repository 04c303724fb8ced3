"""Pricing is a pure function: examples from a real hotel's rate sheet, and properties that
hold for any sheet (hypothesis)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pms.rates.pricing import (
    CancelPolicy,
    DynamicRule,
    NightQuote,
    Occupancy,
    Party,
    PlanTerms,
    TaxRule,
    cancellation_fee,
    derived_price,
    dynamic_price,
    extra_person_charge,
    price_night,
    stay_total,
    taxes_for,
)

BAR = PlanTerms("BAR")
NIGHT = dt.date(2026, 12, 4)
DOUBLE = Occupancy(base_occupancy=2, max_occupancy=4, extra_adult=3500, extra_child=1500)
VAT = TaxRule("VAT", "VAT 6 %", percent_bp=600)
CITY = TaxRule("CITY", "Lisbon city tax", per_person=200)


def test_a_corporate_rate_ten_percent_below_bar_rounded_to_whole_euros() -> None:
    corporate = PlanTerms("CORP", percent_bp=-1000, parent=BAR)
    assert derived_price(14900, corporate) == 13410
    assert derived_price(14900, corporate, step=100) == 13400


def test_a_breakfast_plan_adds_a_fixed_amount_on_a_derived_parent() -> None:
    advance = PlanTerms("ADV", percent_bp=-1500, parent=BAR)
    breakfast = PlanTerms("ADVBB", amount=1800, parent=advance)
    assert derived_price(20000, breakfast) == 17000 + 1800
    assert breakfast.base is BAR


def test_city_tax_for_two_adults_and_a_child_over_three_nights() -> None:
    party = Party(adults=2, children=1)
    nights = [
        price_night(NIGHT + dt.timedelta(days=i), 12000, BAR, DOUBLE, party, taxes=[CITY])
        for i in range(3)
    ]
    city = [t.amount for n in nights for t in n.taxes]
    assert city == [400, 400, 400]  # 2 € × 2 adults; the child is exempt
    assert stay_total(nights) == 3 * (12000 + 1500 + 400)


def test_inclusive_vat_is_backed_out_of_the_price_and_not_added_again() -> None:
    night = price_night(NIGHT, 10600, BAR, DOUBLE, Party(2), taxes=[VAT], taxes_inclusive=True)
    assert night.taxes[0].amount == 600 and night.taxes[0].included
    assert night.total == 10600


def test_exclusive_vat_is_added_on_top_rounded_half_up() -> None:
    night = price_night(NIGHT, 10050, BAR, DOUBLE, Party(2), taxes=[VAT])
    assert night.taxes[0].amount == 603  # 6 % of 100.50 = 6.03
    assert night.total == 10653


def test_extra_people_pay_above_the_base_occupancy_adults_first() -> None:
    assert extra_person_charge(DOUBLE, Party(2)) == 0
    assert extra_person_charge(DOUBLE, Party(3)) == 3500
    assert extra_person_charge(DOUBLE, Party(1, 2)) == 1500
    assert extra_person_charge(DOUBLE, Party(3, 1)) == 3500 + 1500


def test_dynamic_pricing_takes_the_highest_threshold_crossed_within_bounds() -> None:
    rules = [DynamicRule(70, 1000), DynamicRule(90, 2500, ceiling=14000)]
    assert dynamic_price(10000, Decimal(50), rules) == 10000
    assert dynamic_price(10000, Decimal(75), rules) == 11000
    assert dynamic_price(12000, Decimal(95), rules) == 14000  # 150.00 capped at 140.00


def test_cancellation_is_free_until_the_deadline_then_costs_the_first_night() -> None:
    nights = [NightQuote(NIGHT, 10000), NightQuote(NIGHT + dt.timedelta(days=1), 12000)]
    policy = CancelPolicy(free_hours=48)
    early = dt.datetime(2026, 12, 2, 14, 59)
    late = dt.datetime(2026, 12, 2, 15, 0)
    assert cancellation_fee(policy, nights, NIGHT, early, check_in_hour=15) == 0
    assert cancellation_fee(policy, nights, NIGHT, late, check_in_hour=15) == 10000
    half = CancelPolicy(free_hours=24, penalty="percent", penalty_bp=5000)
    assert cancellation_fee(half, nights, NIGHT, late + dt.timedelta(days=1), 15) == 11000
    assert cancellation_fee(CancelPolicy(non_refundable=True), nights, NIGHT, early, 15) == 22000
    assert policy.summary() == "free cancellation until 2 days before arrival, then the first night"


prices = st.integers(min_value=0, max_value=2_000_000)
percents = st.integers(min_value=-9_000, max_value=20_000)
parties = st.builds(Party, st.integers(1, 4), st.integers(0, 3))
tax_rules = st.lists(
    st.one_of(
        st.builds(TaxRule, st.just("VAT"), st.just("VAT"), percent_bp=st.integers(1, 2500)),
        st.builds(TaxRule, st.just("CITY"), st.just("City"), per_person=st.integers(1, 1000)),
    ),
    max_size=2,
    unique_by=lambda t: t.code,
)


@pytest.mark.slow
@given(
    base=prices, percent=percents, amount=st.integers(-5000, 5000), step=st.sampled_from([1, 100])
)
def test_derived_plans_follow_their_parent(base: int, percent: int, amount: int, step: int) -> None:
    child = PlanTerms("CHILD", percent_bp=percent, amount=amount, parent=BAR)
    expected = Decimal(base) * (1 + Decimal(percent) / 10_000) + amount
    assert abs(derived_price(base, child, step) - max(Decimal(0), expected)) <= Decimal(step) / 2
    assert derived_price(base + 100, child, 1) >= derived_price(base, child, 1)


@pytest.mark.slow
@given(
    price=prices,
    occupancy=st.decimals(min_value=0, max_value=150, places=1),
    adjust=percents,
    floor=prices,
    spread=st.integers(0, 500_000),
)
def test_a_dynamic_price_stays_between_floor_and_ceiling(
    price: int, occupancy: Decimal, adjust: int, floor: int, spread: int
) -> None:
    rule = DynamicRule(threshold_pct=60, adjust_bp=adjust, floor=floor, ceiling=floor + spread)
    moved = dynamic_price(price, occupancy, [rule])
    if occupancy >= 60:
        assert floor <= moved <= floor + spread
    else:
        assert moved == price


@pytest.mark.slow
@given(
    bases=st.lists(prices, min_size=1, max_size=14),
    party=parties,
    taxes=tax_rules,
    inclusive=st.booleans(),
)
def test_the_total_is_the_sum_of_the_lines(
    bases: list[int], party: Party, taxes: list[TaxRule], inclusive: bool
) -> None:
    nights = [
        price_night(NIGHT + dt.timedelta(days=i), base, BAR, DOUBLE, party,
                    taxes=taxes, taxes_inclusive=inclusive)
        for i, base in enumerate(bases)
    ]  # fmt: skip
    lines = [n.room for n in nights] + [t.amount for n in nights for t in n.taxes if not t.included]
    assert stay_total(nights) == sum(lines)
    for night in nights:
        assert all(isinstance(t.amount, int) and t.amount >= 0 for t in night.taxes)
        included = sum(t.amount for t in night.taxes if t.included)
        assert included <= night.room


@pytest.mark.slow
@given(room=prices, rate=st.integers(1, 2500))
def test_inclusive_and_exclusive_vat_agree_on_the_net(room: int, rate: int) -> None:
    vat = TaxRule("VAT", "VAT", percent_bp=rate)
    inside = taxes_for(room, Party(1), [vat], inclusive=True)[0].amount
    net = room - inside
    on_top = taxes_for(net, Party(1), [vat], inclusive=False)[0].amount
    assert abs((net + on_top) - room) <= 1


def test_two_inclusive_taxes_are_backed_out_together() -> None:
    service = TaxRule("SVC", "Service 2.5 %", percent_bp=250)
    lines = taxes_for(31400, Party(2), [VAT, service], inclusive=True)
    assert sum(t.amount for t in lines) == 31400 - 28940  # 314.00 / 1.085 = 289.40
    assert [t.amount for t in lines] == [1736, 724]  # 2,460 shared 6 : 2.5


@pytest.mark.slow
@given(room=prices, rates=st.lists(st.integers(1, 2500), min_size=1, max_size=3))
def test_inclusive_taxes_never_exceed_what_is_inside_the_price(room: int, rates: list[int]) -> None:
    rules = [TaxRule(f"T{i}", "tax", percent_bp=r) for i, r in enumerate(rates)]
    lines = taxes_for(room, Party(1), rules, inclusive=True)
    net = round(Decimal(room) / (1 + Decimal(sum(rates)) / 10_000))
    assert abs(sum(t.amount for t in lines) - (room - net)) <= 1
    assert all(t.included and t.amount >= 0 for t in lines)
