"""No quote ever offers a stay that a restriction closes (hypothesis, on both databases)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from conftest import BUSINESS_DATE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Property, Rate, RatePlan, RoomType
from pms.hotel.properties import add_room, add_room_type, create_property
from pms.kernel.desk import Desk
from pms.rates.plan_terms import PlanTermsInput
from pms.rates.plans import create_rate_plan
from pms.rates.sheet_edits import RestrictionChange, restrict
from pms.reservations.quotes import QuoteRequest, quote

#: Races, faults and properties: the long tests, left out of `make test-fast`.
pytestmark = pytest.mark.slow

_hotels = itertools.count()

days = st.integers(min_value=0, max_value=9)
restrictions = st.lists(
    st.tuples(
        st.sampled_from(["BAR", "CORP"]),
        days,
        st.builds(
            RestrictionChange,
            min_los=st.one_of(st.none(), st.integers(1, 4)),
            max_los=st.one_of(st.none(), st.integers(4, 6)),
            closed_to_arrival=st.one_of(st.none(), st.booleans()),
            closed_to_departure=st.one_of(st.none(), st.booleans()),
            stop_sell=st.one_of(st.none(), st.booleans()),
        ),
    ),
    max_size=8,
)


def _hotel(session: Session, code: str) -> None:
    create_property(session, code, "Restricted Inn", business_date=BUSINESS_DATE)
    add_room_type(session, code, "DBL", "Double", max_occupancy=2, price=10000)
    add_room(session, code, "1", "DBL", floor=1)
    create_rate_plan(session, code, PlanTermsInput("CORP", "Corporate", "BAR", -1000))


def _rules(session: Session, code: str) -> dict[tuple[str, dt.date], Rate]:
    rows = session.execute(
        select(RatePlan.code, Rate)
        .join(RatePlan, RatePlan.id == Rate.rate_plan_id)
        .join(RoomType, RoomType.id == Rate.room_type_id)
        .join(Property, Property.id == RoomType.property_id)
        .where(Property.code == code)
    ).all()
    return {(plan, rate.night): rate for plan, rate in rows}


def _breaks_a_restriction(rules, plan: str, arrival: dt.date, departure: dt.date) -> bool:  # type: ignore[no-untyped-def]
    """Checked the long way: the plan's own row for a date, else its parent's (BAR)."""

    def row(night: dt.date) -> Rate | None:
        return rules.get((plan, night)) or (rules.get(("BAR", night)) if plan != "BAR" else None)

    length = (departure - arrival).days
    first, last = row(arrival), row(departure)
    if first and (
        first.closed_to_arrival
        or (first.min_los and length < first.min_los)
        or (first.max_los and length > first.max_los)
    ):
        return True
    if last and last.closed_to_departure:
        return True
    nights = (arrival + dt.timedelta(days=i) for i in range(length))
    return any((r := row(n)) is not None and r.stop_sell for n in nights)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(restrictions=restrictions, arrival=days, nights=st.integers(1, 6))
def test_no_open_offer_breaks_a_restriction(
    desk: Desk, restrictions: list, arrival: int, nights: int
) -> None:
    code = f"R{next(_hotels)}"
    desk.run(_hotel, code)
    for plan, day, change in restrictions:
        night = BUSINESS_DATE + dt.timedelta(days=day)
        if change.min_los and change.max_los and change.max_los < change.min_los:
            continue
        desk.run(restrict, code, plan, "DBL", night, night, change)
    start = BUSINESS_DATE + dt.timedelta(days=arrival)
    offers = desk.read(
        quote, QuoteRequest(arrival=start, nights=nights, property_code=code, include_closed=True)
    )
    rules = desk.read(_rules, code)
    end = start + dt.timedelta(days=nights)
    for offer in offers:
        assert bool(offer.closed) == _breaks_a_restriction(rules, offer.rate_plan, start, end), (
            offer.rate_plan,
            offer.closed,
        )
