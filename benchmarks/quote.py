"""Quote latency through the real quote service, beside the time of its SQL alone.

Run it from the repository root (PostgreSQL on 127.0.0.1:5432, user postgres, for that half)::

    .venv/bin/python benchmarks/quote.py                      # SQLite only, the aim's backend
    .venv/bin/python benchmarks/quote.py --backend both       # + PostgreSQL
    .venv/bin/python benchmarks/quote.py --samples 300 --rounds 5
    .venv/bin/python benchmarks/quote.py --profile            # + cProfile of 14-night quotes
    .venv/bin/python benchmarks/quote.py --gc-freeze          # gc.freeze() before timing

With the defaults (150 arrivals × 3 rounds per stay length) an SQLite run takes about a minute
on a busy 2-core machine, `--backend both` about two.

The hotel. A 300-room property with 8 room types and 6 rate plans (BAR, BB, ADV and the
members-only MEM are base plans; CORP = BAR − 10 % and HB = BB + €30 are derived), set up through
the services as `pms.desk.SYSTEM` (the property) and a manager actor (everything else): thirteen
months of prices per base plan × room type with `set_rates` (seasons, and Friday/Saturday prices
with a day-of-week pattern), restrictions with `restrict` (minimum stay on summer Saturdays,
closed to arrival at Christmas, a 3-night minimum at New Year, stop-sell of CORP in a trade-fair
week and of the suites in a refurbishment, maximum stay on ADV, closed to departure on HB summer
Sundays), VAT 6 % inside the price and a €2 per-adult city tax, extra-person charges, a
property-wide and a suite dynamic pricing rule, every night open in the inventory, and 1,200
stays booked by a clerk with `book` (each in a savepoint, 100 per transaction; busiest in
August, where occupancy reaches ~50 % so the dynamic rules fire).

What it measures, for a 14-night and for a 1-night stay (2 adults, arrivals spread over the
year, `include_closed=True` so every room type × rate plan combination — 48 offers — is priced
and listed):

- **quote**: `Desk.read(pms.quotes.quote, QuoteRequest(...))` — the whole service as the CLI and
  the TUI call it: session, read transaction, queries, ORM objects, pricing, offers. Wall clock,
  and this thread's CPU time for the same calls (steadier on a busy machine: it leaves out time
  spent waiting for a core, and on PostgreSQL the server's work). "full GCs" counts the
  generation-2 garbage collections that ran inside timed quotes, with their mean length.
- **ORM load**: `Desk.read` of the quote's database half only (property, rate sheet, plans, room
  features: the same SELECTs as the quote, which the script checks); quote − ORM load ≈ the
  Python pricing.
- **Core SQL**: the statements the quote sent (captured with a `before_cursor_execute` listener,
  with their parameters) replayed with `exec_driver_sql` on a SQLAlchemy Core `Connection` of the
  desk's read-only engine, in one transaction, every row fetched: pool, transaction and driver,
  no ORM.
- **raw SQL**: the same statements on the bare DBAPI driver (sqlite3 with the engine's PRAGMAs
  and `BEGIN`; psycopg 3), one transaction, every row fetched.

Figures are per call, in milliseconds. The four paths run interleaved sample by sample (so load
from other processes hits them alike) in `--rounds` rounds of `--samples` arrivals; each round
gives a p50 and a p95, and the table shows the median over rounds. SQLite is a WAL file in a
temporary directory; PostgreSQL is a database the script creates on the server named by
`PMS_BENCH_POSTGRES_URL` (default `postgresql://postgres@127.0.0.1:5432/postgres`) and drops at
the end. The aim (issue 3) is a quote p95 under 20 ms on SQLite. Figures, never assertions.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import io
import os
import pstats
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, event, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from db.engine import READ_ONLY
from db.models import RatePlan, Role
from pms.desk import SYSTEM, Actor, Desk
from pms.dynamic_pricing import add_pricing_rule
from pms.errors import Restricted, SoldOut
from pms.guests import GuestInput
from pms.inventory import open_nights, stay_nights
from pms.properties import (
    add_room,
    add_room_type,
    create_property,
    resolve_property,
    resolve_room_type,
    set_extra_charges,
)
from pms.quotes import Offer, QuoteRequest, _room_features, quote
from pms.rates import PlanTermsInput, RestrictionChange, create_rate_plan, restrict, set_rates
from pms.ratesheet import RateSheet
from pms.reservations import BookingRequest, book
from pms.stay_rules import resolve_stay
from pms.taxes import add_tax, set_taxes_inclusive

ADMIN_URL = os.environ.get(
    "PMS_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
PROPERTY = "QBENCH"
BUSINESS_DATE = dt.date(2027, 1, 4)  # a Monday
SHEET_END = dt.date(2028, 1, 31)  # last night with prices: a year of arrivals + 14 nights
AIM_MS = 20.0
MANAGER = Actor("bench-manager", Role.MANAGER)
CLERK = Actor("bench-clerk", Role.CLERK)
STAY_LENGTHS = (14, 1)
WARMUP = 15  # quotes per stay length before the clock starts (statement caches, page cache)


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

# Wide enough for the table when the output is a file or a pipe.
console = Console() if sys.stdout.isatty() else Console(width=200)


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
    with tempfile.TemporaryDirectory(prefix="pms-quote-bench-") as tmp:
        path = Path(tmp) / "bench.sqlite3"
        yield Target("sqlite", f"sqlite:///{path}", str(path))


@contextmanager
def postgres_target() -> Iterator[Target]:
    admin = make_url(ADMIN_URL).set(drivername="postgresql")
    admin_dsn = admin.render_as_string(hide_password=False)
    name = f"pms_quote_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    dsn = admin.set(database=name).render_as_string(hide_password=False)
    try:
        yield Target("postgresql", dsn.replace("postgresql://", "postgresql+psycopg://", 1), dsn)
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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


# ---------------------------------------------------------------------------------------------
# The four measured paths


def quote_request(arrival: dt.date, nights: int) -> QuoteRequest:
    """The question the benchmark asks: every combination, closed ones included."""
    return QuoteRequest(
        arrival=arrival, nights=nights, adults=2, property_code=PROPERTY, include_closed=True
    )


def load_only(session: Session, request: QuoteRequest) -> int:
    """The database half of `quote`: the same reads in the same order, and no pricing."""
    prop = resolve_property(session, request.property_code)
    arrival, departure = resolve_stay(
        session, prop, request.arrival, request.departure, request.nights
    )
    sheet = RateSheet.load(session, prop, arrival, departure)
    plans = list(
        session.scalars(
            select(RatePlan).where(RatePlan.property_id == prop.id).order_by(RatePlan.code)
        )
    )
    features = _room_features(session, prop)
    prop.room_types  # noqa: B018 — the quote loads them here too
    return len(sheet.rates) + len(plans) + len(features)


Statement = tuple[str, Any]


@contextmanager
def capturing(engine: Engine) -> Iterator[list[Statement]]:
    """Every statement (and its parameters) sent through the engine while inside."""
    seen: list[Statement] = []

    def _capture(_c: Any, _cur: Any, statement: str, params: Any, *_: Any) -> None:
        seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", _capture)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", _capture)


class RawReplay:
    """Runs captured statements on the bare driver: one transaction, every row fetched."""

    def __init__(self, target: Target) -> None:
        self.backend = target.backend
        self.conn: Any
        if target.backend == "sqlite":
            conn = sqlite3.connect(target.dbapi, isolation_level=None, timeout=30)
            for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL"):
                conn.execute(f"PRAGMA {pragma}")
            self.conn = conn
        else:
            self.conn = psycopg.connect(target.dbapi)

    def run(self, statements: list[Statement]) -> int:
        """Replay; returns the rows fetched."""
        rows = 0
        cur = self.conn.cursor()
        for sql, params in statements:
            cur.execute(sql, params)
            if cur.description:
                rows += len(cur.fetchall())
        self.conn.commit()
        cur.close()
        return rows

    def close(self) -> None:
        self.conn.close()


def core_replay(engine: Engine, statements: list[Statement]) -> int:
    """Replay on a SQLAlchemy Core Connection of the desk's read-only engine (pool, the
    engine's own BEGIN, commit)."""
    rows = 0
    with engine.connect() as conn, conn.begin():
        for sql, params in statements:
            if _is_begin(sql):  # the engine's begin event sends its own
                continue
            result = conn.exec_driver_sql(sql, params)
            if result.returns_rows:
                rows += len(result.fetchall())
    return rows


def _is_begin(sql: str) -> bool:
    return sql.strip().upper().startswith("BEGIN")


# ---------------------------------------------------------------------------------------------
# Measuring


def _ms(seconds: float) -> float:
    return seconds * 1000


def p95(values: Sequence[float]) -> float:
    """The 95th percentile (inclusive method), of at least two values."""
    return statistics.quantiles(values, n=100, method="inclusive")[94]


class GcWatch:
    """Time spent in full (generation 2) garbage collections, per measured path."""

    def __init__(self) -> None:
        self.path = ""
        self.count: dict[str, int] = {}
        self.seconds: dict[str, float] = {}
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if info.get("generation") != 2 or not self.path:
            return
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.count[self.path] = self.count.get(self.path, 0) + 1
            took = time.perf_counter() - self._started
            self.seconds[self.path] = self.seconds.get(self.path, 0.0) + took

    @contextmanager
    def watching(self) -> Iterator[GcWatch]:
        gc.callbacks.append(self)
        try:
            yield self
        finally:
            gc.callbacks.remove(self)
            self.path = ""


@dataclass(frozen=True)
class Round:
    """One round of one path: p50 and p95 of wall-clock and of this thread's CPU time, ms."""

    wall50: float
    wall95: float
    cpu50: float
    cpu95: float


@dataclass
class Result:
    """One backend × stay length: the rounds of each path, and what a quote looks like."""

    backend: str
    nights: int
    samples: int
    offers_open: int = 0
    offers_closed: int = 0
    selects: int = 0
    rows: float = 0.0
    rounds: dict[str, list[Round]] = field(default_factory=dict)
    full_gcs: int = 0
    full_gc_ms: float = 0.0

    def median(self, path: str, name: str) -> float:
        """The median over rounds of one figure (wall50, wall95, cpu50, cpu95) of a path."""
        return statistics.median(getattr(r, name) for r in self.rounds[path])

    def spread(self, path: str, name: str) -> tuple[float, float]:
        values = [getattr(r, name) for r in self.rounds[path]]
        return min(values), max(values)


PATHS = ("quote", "load", "core", "raw")


def measure(
    target: Target, nights: int, samples: int, rounds: int, seed: int, *, freeze: bool
) -> tuple[Result, list[str]]:
    """Time the four paths for `samples` arrivals × `rounds`, interleaved per sample."""
    rng = random.Random(seed * 100 + nights)
    last_arrival = (SHEET_END - BUSINESS_DATE).days - 14  # every arrival has a full sheet
    arrivals = [BUSINESS_DATE + dt.timedelta(days=rng.randrange(last_arrival)) for _ in
                range(samples)]  # fmt: skip
    requests = [quote_request(a, nights) for a in arrivals]
    desk = Desk.open(target.url)
    desk.actor = CLERK
    reader = desk.engine.execution_options(**{READ_ONLY: True})
    raw = RawReplay(target)
    result = Result(target.backend, nights, samples)
    notes: list[str] = []

    for request in requests[:WARMUP]:
        desk.read(quote, request)
        desk.read(load_only, request)
    captured: list[list[Statement]] = []
    offers: list[Offer] = []
    for i, request in enumerate(requests):
        with capturing(desk.engine) as seen:
            found = desk.read(quote, request)
        captured.append(seen)
        if i == 0:
            offers = found
            with capturing(desk.engine) as loads:
                desk.read(load_only, request)
            if [s for s, _ in loads] != [s for s, _ in seen]:
                notes.append(
                    f"{target.backend} {nights} n: the load-only path sent other statements "
                    f"({len(loads)}) than the quote ({len(seen)})"
                )
    result.offers_open = sum(1 for o in offers if not o.closed)
    result.offers_closed = sum(1 for o in offers if o.closed)
    result.selects = round(
        statistics.mean(sum(1 for sql, _ in s if not _is_begin(sql)) for s in captured)
    )
    result.rows = statistics.mean(raw.run(s) for s in captured[:WARMUP])
    for statements in captured[:WARMUP]:
        core_replay(reader, statements)

    runs: dict[str, Callable[[int], object]] = {
        "quote": lambda i: desk.read(quote, requests[i]),
        "load": lambda i: desk.read(load_only, requests[i]),
        "core": lambda i: core_replay(reader, captured[i]),
        "raw": lambda i: raw.run(captured[i]),
    }
    result.rounds = {path: [] for path in PATHS}
    wall, cpu = time.perf_counter, time.thread_time
    gc.collect()
    if freeze:
        gc.freeze()
    with GcWatch().watching() as watch:
        for round_no in range(rounds):
            walls: dict[str, list[float]] = {path: [] for path in PATHS}
            cpus: dict[str, list[float]] = {path: [] for path in PATHS}
            order = list(range(samples))
            random.Random(seed + round_no).shuffle(order)
            for n, i in enumerate(order):
                for path in PATHS[n % 4 :] + PATHS[: n % 4]:  # rotate who goes first
                    watch.path = path
                    wall_start, cpu_start = wall(), cpu()
                    runs[path](i)
                    cpu_end, wall_end = cpu(), wall()
                    walls[path].append(_ms(wall_end - wall_start))
                    cpus[path].append(_ms(cpu_end - cpu_start))
                    watch.path = ""
            for path in PATHS:
                result.rounds[path].append(
                    Round(
                        statistics.median(walls[path]), p95(walls[path]),
                        statistics.median(cpus[path]), p95(cpus[path]),
                    )
                )  # fmt: skip
    if freeze:
        gc.unfreeze()
    result.full_gcs = watch.count.get("quote", 0)
    result.full_gc_ms = _ms(watch.seconds.get("quote", 0.0))
    raw.close()
    desk.close()
    return result, notes


def profile(target: Target, nights: int, count: int, seed: int) -> None:
    """cProfile `count` quotes of `nights` nights (after a warm-up) in this process."""
    rng = random.Random(seed)
    desk = Desk.open(target.url)
    desk.actor = CLERK
    requests = [
        quote_request(BUSINESS_DATE + dt.timedelta(days=rng.randrange(340)), nights)
        for _ in range(count + WARMUP)
    ]
    for request in requests[:WARMUP]:
        desk.read(quote, request)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for request in requests[WARMUP:]:
        desk.read(quote, request)
    profiler.disable()
    took = time.perf_counter() - started
    desk.close()
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs()
        stats.sort_stats(order).print_stats(30)
        console.rule(
            f"profile: {target.backend}, {count} quotes of {nights} nights in {took:.2f} s "
            f"({_ms(took) / count:.1f} ms each, profiler on), by {order}"
        )
        console.print(out.getvalue(), markup=False, highlight=False)


# ---------------------------------------------------------------------------------------------


def print_table(results: list[Result], rounds: int, freeze: bool) -> None:
    title = f"Quote latency in ms: median over {rounds} rounds of each round's p50 / p95"
    table = Table(title=title + (", gc.freeze() before timing" if freeze else ""))
    columns = [
        "backend", "nights", "offers", "quote p50", "quote p95", "CPU p50", "CPU p95",
        "full GCs", "ORM load", "pricing ≈", "Core SQL", "raw SQL", "raw p95", "SELECTs",
        "rows", "raw/quote", "aim",
    ]  # fmt: skip
    for name in columns:
        table.add_column(name, justify="left" if name == "backend" else "right")
    for r in results:
        quote95 = r.median("quote", "wall95")
        aim = ""
        if r.backend == "sqlite":
            aim = "[green]met[/]" if quote95 < AIM_MS else "[red]missed[/]"
        mean_gc = r.full_gc_ms / r.full_gcs if r.full_gcs else 0.0
        gcs = f"{r.full_gcs}×{mean_gc:.{0 if mean_gc >= 10 else 1}f}" if r.full_gcs else "0"
        quote50 = r.median("quote", "wall50")
        table.add_row(
            r.backend, str(r.nights), f"{r.offers_open}+{r.offers_closed}",
            f"{quote50:.2f}", f"{quote95:.2f}",
            f"{r.median('quote', 'cpu50'):.2f}", f"{r.median('quote', 'cpu95'):.2f}", gcs,
            f"{r.median('load', 'wall50'):.2f}", f"{quote50 - r.median('load', 'wall50'):.2f}",
            f"{r.median('core', 'wall50'):.2f}", f"{r.median('raw', 'wall50'):.2f}",
            f"{r.median('raw', 'wall95'):.2f}", str(r.selects), f"{r.rows:.0f}",
            f"{r.median('raw', 'wall50') / quote50:.0%}", aim,
        )  # fmt: skip
    console.print(table)
    console.print(
        "offers: open + closed (listed with the reason). quote: Desk.read(quote, …), wall clock; "
        "CPU: this thread's CPU time for the same calls (no waiting for the scheduler or, on "
        "PostgreSQL, the server). full GCs: generation-2 collections that ran inside a timed "
        "quote × their mean ms. ORM load: the quote's reads alone through the same session and "
        "models; pricing ≈ quote p50 − ORM load p50. Core SQL / raw SQL: the statements the "
        "quote sent, replayed on a SQLAlchemy Connection / the bare driver in one transaction, "
        "every row fetched (p50 unless marked p95). SELECTs / rows: per quote. raw/quote: raw "
        f"SQL p50 ÷ quote p50. aim: quote p95 < {AIM_MS:.0f} ms on SQLite."
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=150, help="arrivals per round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (medians are reported)")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--gc-freeze", action="store_true",
        help="gc.freeze() the set-up heap before timing (what an app could do after start-up)",
    )  # fmt: skip
    parser.add_argument(
        "--profile", action="store_true", help="also cProfile 14-night quotes on each backend"
    )
    args = parser.parse_args(argv)
    if args.samples < max(2, WARMUP) or args.rounds < 1:
        parser.error(f"--samples needs at least {WARMUP} and --rounds at least 1")
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    began = time.perf_counter()
    console.print(
        f"[bold]quote benchmark[/]: {sum(r.rooms for r in ROOM_TYPES)} rooms, "
        f"{len(ROOM_TYPES)} room types, {len(BASE_PLANS) + 1 + len(DERIVED_PLANS)} rate plans "
        f"({len(DERIVED_PLANS)} derived); stays of {' and '.join(map(str, STAY_LENGTHS))} "
        f"nights, {args.samples} arrivals × {args.rounds} rounds each; {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    results: list[Result] = []
    notes: list[str] = []
    for backend in backends:
        factory = sqlite_target if backend == "sqlite" else postgres_target
        with factory() as target:
            set_up(target, args.seed)
            console.print(
                f"{backend}: hotel set up in {target.setup_seconds:.1f} s "
                f"({target.booked} stays booked, {target.refused} refused as sold out or "
                "restricted)"
            )
            for nights in STAY_LENGTHS:
                started = time.perf_counter()
                result, found = measure(
                    target, nights, args.samples, args.rounds, args.seed, freeze=args.gc_freeze
                )
                results.append(result)
                notes.extend(found)
                low, high = result.spread("quote", "wall95")
                console.print(
                    f"  {backend} {nights:>2} nights: quote p50 "
                    f"{result.median('quote', 'wall50'):.2f} ms, p95 "
                    f"{result.median('quote', 'wall95'):.2f} ms (rounds {low:.1f}–{high:.1f}); "
                    f"raw SQL p50 {result.median('raw', 'wall50'):.2f} ms "
                    f"({time.perf_counter() - started:.0f} s)"
                )
            if args.profile:
                profile(target, 14, min(args.samples, 100), args.seed)
    print_table(results, args.rounds, args.gc_freeze)
    for note in notes:
        console.print(f"[yellow]note:[/] {note}")
    console.print(
        f"whole benchmark took {time.perf_counter() - began:.0f} s "
        f"(load average now {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()
