"""The hotel of `quote.py`: 300 rooms, 8 room types, 6 rate plans, a year of prices and
restrictions, taxes, dynamic pricing and 1,200 stays, all set up through the services.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from common import temp_postgres, temp_sqlite
from sqlalchemy.orm import Session

from db.models import Role
from pms.guests.lookup import GuestInput
from pms.hotel.features import add_features
from pms.hotel.properties import (
    add_room,
    add_room_type,
    create_property,
    resolve_property,
    resolve_room_type,
    set_extra_charges,
)
from pms.inventory.nights import open_nights, stay_nights
from pms.kernel.desk import SYSTEM, Actor, Desk
from pms.kernel.errors import Restricted, SoldOut
from pms.rates.dynamic_pricing import add_pricing_rule
from pms.rates.plan_terms import PlanTermsInput
from pms.rates.plans import create_rate_plan
from pms.rates.sheet_edits import RestrictionChange, restrict, set_rates
from pms.rates.taxes import add_tax, set_taxes_inclusive
from pms.reservations.booking import BookingRequest, book

PROPERTY = "QBENCH"
BUSINESS_DATE = dt.date(2027, 1, 4)  # a Monday
SHEET_END = dt.date(2028, 1, 31)  # last night with prices: a year of arrivals + 14 nights
MANAGER = Actor("bench-manager", Role.MANAGER)
CLERK = Actor("bench-clerk", Role.CLERK)


@dataclass(frozen=True)
class RoomTypeSpec:
    """A room type of the benchmark hotel; `price` is BAR in low season, minor units."""

    code: str
    name: str
    rooms: int
    max_occupancy: int
    price: int
    features: tuple[str, ...]
    extra_adult: int = 0
    extra_child: int = 0
    allowance: int = 0


ROOM_TYPES = [
    RoomTypeSpec("STD", "Standard double", 80, 2, 9500, ("double bed",), allowance=3),
    RoomTypeSpec("TWN", "Twin", 50, 2, 9500, ("twin beds",), allowance=2),
    RoomTypeSpec("DBL", "Superior double", 60, 3, 11500, ("balcony", "double bed"), 3000, 1500),
    RoomTypeSpec("KNG", "Deluxe king", 40, 3, 14000, ("city view", "king bed"), 3500, 1500),
    RoomTypeSpec("FAM", "Family room", 20, 4, 16000, ("sofa bed", "twin beds"), 2500, 1000),
    RoomTypeSpec("ACC", "Accessible double", 10, 2, 11500, ("accessible", "double bed")),
    RoomTypeSpec("JRS", "Junior suite", 25, 3, 21000, ("bathtub", "sea view"), 4000, 2000),
    RoomTypeSpec("SUI", "Suite", 15, 4, 32000, ("sea view", "terrace"), 5000, 2500),
]
assert sum(rt.rooms for rt in ROOM_TYPES) == 300


@dataclass(frozen=True)
class Season:
    """Nights first..last (included) at `factor` × the low-season price, Fri/Sat at `weekend`."""

    first: dt.date
    last: dt.date
    factor: float
    weekend: float | None


SEASONS = [
    Season(dt.date(2027, 1, 4), dt.date(2027, 3, 31), 1.0, 1.15),
    Season(dt.date(2027, 4, 1), dt.date(2027, 6, 14), 1.25, 1.2),
    Season(dt.date(2027, 6, 15), dt.date(2027, 9, 15), 1.6, 1.1),
    Season(dt.date(2027, 9, 16), dt.date(2027, 10, 31), 1.25, 1.2),
    Season(dt.date(2027, 11, 1), dt.date(2027, 12, 19), 1.0, 1.15),
    Season(dt.date(2027, 12, 20), dt.date(2028, 1, 2), 1.8, None),
    Season(dt.date(2028, 1, 3), SHEET_END, 1.0, 1.15),
]
SUMMER = SEASONS[2]

#: The other base plans: (terms, factor on BAR's price, amount added), both before seasons.
BASE_PLANS: list[tuple[PlanTermsInput, float, int]] = [
    (PlanTermsInput("BB", "Bed and breakfast", meal_plan="BB", guarantee="card"), 1.0, 1800),
    (
        PlanTermsInput(
            "ADV", "Advance purchase", min_advance_days=21, non_refundable=True,
            guarantee="deposit",
        ),
        0.85, 0,
    ),
    (
        PlanTermsInput(
            "MEM", "Members' rate", meal_plan="BB", members_only=True, cancel_free_hours=72,
            cancel_penalty="percent", cancel_penalty_bp=5000,
        ),
        0.9, 1800,
    ),
]  # fmt: skip
DERIVED_PLANS = [
    PlanTermsInput("CORP", "Corporate", "BAR", -1000, guarantee="card", cancel_free_hours=48),
    PlanTermsInput("HB", "Half board", "BB", 0, 3000, meal_plan="HB", guarantee="card"),
]
BOOKINGS = 1200
BOOKING_BATCH = 100

# ---------------------------------------------------------------------------------------------
# Targets and set-up


@dataclass
class Target:
    """One backend: the SQLAlchemy URL the services use and the DBAPI address of the raw path."""

    backend: str
    url: str
    dbapi: str  # a file path for sqlite3, a conninfo URI for psycopg
    setup_seconds: float = 0.0
    booked: int = 0
    refused: int = 0


@contextmanager
def sqlite_target() -> Iterator[Target]:
    with temp_sqlite("pms-quote-bench-") as (url, path):
        yield Target("sqlite", url, path)


@contextmanager
def postgres_target() -> Iterator[Target]:
    with temp_postgres("pms_quote_bench_") as (url, dsn):
        yield Target("postgresql", url, dsn)


def _price(base: int, factor: float) -> int:
    """A sheet price rounded to whole euros."""
    return round(base * factor / 100) * 100


def set_up(target: Target, seed: int) -> None:
    """Migrate, then build the hotel, its rate sheet and its bookings through the services."""
    began = time.perf_counter()
    desk = Desk.open(target.url)
    desk.upgrade()

    def hotel(session: Session) -> None:
        create_property(
            session, PROPERTY, "Quote Bench Grand Hotel", currency="EUR",
            timezone="Europe/Lisbon", city="Lisbon", business_date=BUSINESS_DATE,
        )  # fmt: skip

    desk.actor = SYSTEM
    desk.run(hotel)
    desk.actor = MANAGER

    def rooms(session: Session) -> None:
        words = {f for spec in ROOM_TYPES for f in spec.features} | {"quiet", "high floor"}
        add_features(session, PROPERTY, sorted(words))
        for spec in ROOM_TYPES:
            add_room_type(
                session, PROPERTY, spec.code, spec.name, max_occupancy=spec.max_occupancy,
                base_occupancy=2, price=spec.price, features=list(spec.features),
                overbooking_allowance=spec.allowance,
            )  # fmt: skip
            if spec.extra_adult or spec.extra_child:
                set_extra_charges(
                    session, PROPERTY, spec.code,
                    extra_adult=spec.extra_adult, extra_child=spec.extra_child,
                )  # fmt: skip
        floor_rooms: dict[int, int] = {}
        for index, spec in enumerate(ROOM_TYPES):
            for i in range(spec.rooms):
                floor = 1 + (index * 300 // len(ROOM_TYPES) + i) // 30
                floor_rooms[floor] = floor_rooms.get(floor, 0) + 1
                extra = [f for f, on in (("quiet", i % 7 == 0), ("high floor", floor >= 8)) if on]
                add_room(
                    session, PROPERTY, f"{floor}{floor_rooms[floor]:02d}", spec.code,
                    floor=floor, features=extra,
                )  # fmt: skip
        prop = resolve_property(session, PROPERTY)
        nights = stay_nights(BUSINESS_DATE, SHEET_END + dt.timedelta(days=1))
        for spec in ROOM_TYPES:
            open_nights(session, resolve_room_type(session, prop, spec.code), nights)

    desk.run(rooms)

    def plans(session: Session) -> None:
        for terms, _, _ in BASE_PLANS:
            create_rate_plan(session, PROPERTY, terms)
        for terms in DERIVED_PLANS:
            create_rate_plan(session, PROPERTY, terms)

    desk.run(plans)
    sheet_plans = [("BAR", 1.0, 0)] + [(t.code, f, a) for t, f, a in BASE_PLANS]
    for code, factor, amount in sheet_plans:

        def prices(session: Session, code: str = code, factor: float = factor,
                   amount: int = amount) -> None:  # fmt: skip
            for spec in ROOM_TYPES:
                base = spec.price * factor + amount
                for season in SEASONS:
                    price = _price(base, season.factor)
                    set_rates(session, PROPERTY, code, spec.code, season.first, season.last, price)
                    if season.weekend:
                        set_rates(
                            session, PROPERTY, code, spec.code, season.first, season.last,
                            _price(base, season.factor * season.weekend), ["fri", "sat"],
                        )  # fmt: skip

        desk.run(prices)

    def restrictions(session: Session) -> None:
        for spec in ROOM_TYPES:
            rt = spec.code
            for plan, first, last, change, days in [
                ("BAR", SUMMER.first, SUMMER.last, RestrictionChange(min_los=2), ["sat"]),
                ("BAR", dt.date(2027, 12, 24), dt.date(2027, 12, 25),
                 RestrictionChange(closed_to_arrival=True), None),
                ("BAR", dt.date(2027, 12, 28), dt.date(2027, 12, 31),
                 RestrictionChange(min_los=3), None),
                ("CORP", dt.date(2027, 5, 10), dt.date(2027, 5, 16),
                 RestrictionChange(stop_sell=True), None),
                ("ADV", SUMMER.first, SUMMER.last, RestrictionChange(max_los=7), None),
                ("HB", SUMMER.first, SUMMER.last,
                 RestrictionChange(closed_to_departure=True), ["sun"]),
            ]:  # fmt: skip
                restrict(session, PROPERTY, plan, rt, first, last, change, days)
        restrict(
            session, PROPERTY, "BAR", "SUI", dt.date(2027, 3, 8), dt.date(2027, 3, 12),
            RestrictionChange(stop_sell=True),
        )  # fmt: skip

    desk.run(restrictions)

    def revenue_rules(session: Session) -> None:
        add_tax(session, PROPERTY, "VAT", "VAT 6 %", percent_bp=600)
        add_tax(session, PROPERTY, "CITY", "Lisbon city tax", per_person=200)
        set_taxes_inclusive(session, PROPERTY, True)
        add_pricing_rule(session, PROPERTY, threshold_pct=25, adjust_bp=800)
        add_pricing_rule(session, PROPERTY, threshold_pct=40, adjust_bp=1500)
        add_pricing_rule(
            session, PROPERTY, threshold_pct=30, adjust_bp=1000, floor=30000, ceiling=60000,
            room_type="SUI",
        )  # fmt: skip

    desk.run(revenue_rules)
    target.booked, target.refused = _book_stays(desk, seed)
    desk.close()
    target.setup_seconds = time.perf_counter() - began


def _book_stays(desk: Desk, seed: int) -> tuple[int, int]:
    """Book stays with `book` as a clerk, busiest in August and at the year's end.

    Each stay is booked in its own savepoint, BOOKING_BATCH stays per transaction: the quote
    only needs the inventory they leave behind, and one commit per stay made the PostgreSQL
    set-up take most of a minute.
    """
    rng = random.Random(seed)
    desk.actor = CLERK
    weights = [spec.rooms for spec in ROOM_TYPES]
    requests = []
    for i in range(BOOKINGS):
        pick = rng.random()
        if pick < 0.5:  # the August peak
            arrival = dt.date(2027, 8, 1) + dt.timedelta(days=rng.randrange(14))
        elif pick < 0.6:
            arrival = dt.date(2027, 12, 18) + dt.timedelta(days=rng.randrange(14))
        else:
            arrival = BUSINESS_DATE + dt.timedelta(days=rng.randrange(360))
        spec = rng.choices(ROOM_TYPES, weights)[0]
        requests.append(
            BookingRequest(
                arrival=arrival,
                nights=rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5, 7)),
                room_type=spec.code,
                adults=rng.choice((1, 2, 2, 2)),
                rate_plan=rng.choice(("BAR", "BAR", "BB", "CORP", "HB")),
                guest=GuestInput(f"Guest{i} Bench", f"guest{i}@example.com"),
                property_code=PROPERTY,
            )
        )

    def batch(session: Session, stays: list[BookingRequest]) -> tuple[int, int]:
        booked = refused = 0
        for request in stays:
            try:
                with session.begin_nested():
                    book(session, request)
                booked += 1
            except (Restricted, SoldOut):
                refused += 1
        return booked, refused

    booked = refused = 0
    for first in range(0, len(requests), BOOKING_BATCH):
        done, failed = desk.run(batch, requests[first : first + BOOKING_BATCH])
        booked, refused = booked + done, refused + failed
    return booked, refused
