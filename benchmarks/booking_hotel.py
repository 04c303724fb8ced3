"""The hotel of `booking.py`: its workload of stays, its databases, and the reset between runs.

The hotel is set up through the services with enough rooms that nothing sells out; every night
of the horizon is open in the inventory. `reset` takes the database back to that state.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import psycopg
from common import temp_postgres, temp_sqlite

from db.models import Guest, Reservation, Role, load_all
from pms.guests.lookup import GuestInput
from pms.hotel.properties import (
    BASE_PLAN,
    add_room,
    add_room_type,
    create_property,
    resolve_property,
    resolve_room_type,
)
from pms.inventory.nights import open_nights, stay_nights
from pms.kernel.desk import Actor, Desk
from pms.rates.dynamic_pricing import add_pricing_rule
from pms.rates.sheet_edits import set_rates
from pms.rates.taxes import add_tax, set_taxes_inclusive
from pms.reservations.booking import BookingRequest

PROPERTY = "BENCH"
BUSINESS_DATE = dt.date(2027, 3, 1)
HORIZON = 240  # nights open for sale after the business date
CLERK = Actor("bench", Role.CLERK)
#: code, name, max occupancy, nightly price (minor units)
ROOM_TYPES = [
    ("DBL", "Double", 3, 12000),
    ("TWN", "Twin", 2, 11000),
    ("KNG", "King", 3, 15000),
    ("SUI", "Suite", 4, 28000),
]
RETURNING_GUESTS = 1000  # profiles on file before the runs; half the bookings are theirs
WARMUP_PER_DESK = 20
FIRST = ["Ana", "Lucía", "João", "Marta", "Pierre", "Chloé", "Hans", "Sofia", "Omar", "Mei"]
LAST = ["García", "Silva", "Dubois", "Müller", "Rossi", "Novak", "Haddad", "Chen", "Kowalski"]


# ---------------------------------------------------------------------------------------------
# The workload


@dataclass(frozen=True)
class Stay:
    """One booking as a desk asks for it."""

    key: str
    room_type: str
    arrival: dt.date
    nights: int
    adults: int
    children: int
    guest_name: str
    guest_email: str

    @property
    def departure(self) -> dt.date:
        return self.arrival + dt.timedelta(days=self.nights)

    def request(self) -> BookingRequest:
        return BookingRequest(
            arrival=self.arrival,
            departure=self.departure,
            room_type=self.room_type,
            guest=GuestInput(self.guest_name, self.guest_email),
            adults=self.adults,
            children=self.children,
            property_code=PROPERTY,
            idempotency_key=self.key,
        )


def returning_guest(i: int) -> tuple[str, str]:
    """Name and e-mail of the i-th profile seeded before the runs."""
    return f"{FIRST[i % len(FIRST)]} {LAST[i % len(LAST)]}", f"guest{i}@bench.example"


def workload(count: int, seed: int, tag: str) -> list[Stay]:
    """`count` stays of 1–4 nights inside the open horizon; half for returning guests."""
    rng = random.Random(seed)
    stays = []
    for i in range(count):
        code, _, capacity, _ = rng.choice(ROOM_TYPES)
        adults = rng.randint(1, 2)
        children = rng.randint(0, capacity - adults)
        if rng.random() < 0.5:
            name, email = returning_guest(rng.randrange(RETURNING_GUESTS))
        else:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            email = f"new-{tag}-{i}@bench.example"
        nights = rng.randint(1, 4)
        arrival = BUSINESS_DATE + dt.timedelta(days=rng.randint(1, HORIZON - nights))
        stays.append(Stay(f"bench-{tag}-{i}", code, arrival, nights, adults, children, name, email))
    return stays


def rooms_per_type(most_bookings: int) -> int:
    """Enough rooms of each type that no night sells out (mean load plus a wide margin)."""
    mean = most_bookings * 2.5 / (len(ROOM_TYPES) * HORIZON)
    return max(30, math.ceil(mean + 6 * math.sqrt(mean) + 10))


# ---------------------------------------------------------------------------------------------
# Databases


@dataclass
class Target:
    """One backend: the SQLAlchemy URL the service uses and the DBAPI address the raw path uses."""

    backend: str
    url: str
    dbapi: str  # a file path for sqlite3, a conninfo URI for psycopg
    baseline: dict[str, int] = field(default_factory=dict)  # max ids after set-up


@contextmanager
def sqlite_target() -> Iterator[Target]:
    with temp_sqlite("pms-bench-") as (url, path):
        yield Target("sqlite", url, path)


@contextmanager
def postgres_target() -> Iterator[Target]:
    with temp_postgres("pms_bench_") as (url, dsn):
        yield Target("postgresql", url, dsn)


def set_up(target: Target, rooms: int) -> None:
    """Migrate, then build the hotel through the services and open the whole horizon."""
    desk = Desk.open(target.url)
    desk.upgrade()

    def build(session: Any) -> None:
        create_property(
            session, PROPERTY, "Benchmark Bay Hotel", currency="EUR",
            timezone="Europe/Lisbon", city="Lisbon", business_date=BUSINESS_DATE,
        )  # fmt: skip
        for code, name, capacity, price in ROOM_TYPES:
            add_room_type(session, PROPERTY, code, name, max_occupancy=capacity, price=price)
        number = 100
        for code, *_ in ROOM_TYPES:
            for _ in range(rooms):
                number += 1
                add_room(session, PROPERTY, str(number), code)
        last = BUSINESS_DATE + dt.timedelta(days=HORIZON)
        nights = stay_nights(BUSINESS_DATE, last + dt.timedelta(days=1))
        prop = resolve_property(session, PROPERTY)
        for code, _, _, price in ROOM_TYPES:
            open_nights(session, resolve_room_type(session, prop, code), nights)
            # a rate sheet: weekends dearer than the plan's default price
            set_rates(session, PROPERTY, BASE_PLAN, code, BUSINESS_DATE, last, price)
            set_rates(session, PROPERTY, BASE_PLAN, code, BUSINESS_DATE, last, price * 5 // 4,
                      days=["fri", "sat"])  # fmt: skip
        add_tax(session, PROPERTY, "VAT", "VAT", percent_bp=600)
        add_tax(session, PROPERTY, "CITY", "City tax", per_person=200)
        set_taxes_inclusive(session, PROPERTY, True)
        add_pricing_rule(session, PROPERTY, threshold_pct=85, adjust_bp=1500)
        for i in range(RETURNING_GUESTS):
            name, email = returning_guest(i)
            first, last = name.split(" ")
            session.add(Guest(first_name=first, last_name=last, email=email))

    desk.run(build)
    desk.close()
    with connect_admin(target) as run:
        for table in ("guests", "audit_log", "change_log"):
            target.baseline[table] = run(f"SELECT coalesce(max(id), 0) FROM {table}")[0][0]
    maintain(target)


@contextmanager
def connect_admin(target: Target) -> Iterator[Callable[..., list[tuple[Any, ...]]]]:
    """A plain autocommit connection for set-up, reset and checks: yields run(sql, params)."""
    if target.backend == "sqlite":
        conn = sqlite3.connect(target.dbapi, isolation_level=None, timeout=30)

        def run_sqlite(sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
            return conn.execute(sql.replace("%s", "?"), params).fetchall()

        try:
            yield run_sqlite
        finally:
            conn.close()
    else:
        with psycopg.connect(target.dbapi, autocommit=True) as pg:

            def run_pg(sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
                cur = pg.execute(sql, params)
                return cur.fetchall() if cur.description else []

            yield run_pg


def reset(target: Target) -> None:
    """Back to the state after set-up: no stays, nothing sold, only the seeded guests."""
    with connect_admin(target) as run:
        run("BEGIN")
        for table in _stay_tables():
            run(f"DELETE FROM {table}")
        with _audit_log_erasable(target, run):
            for table, last in target.baseline.items():
                run(f"DELETE FROM {table} WHERE id > %s", (last,))
        run("UPDATE inventory SET sold = 0 WHERE sold <> 0")
        run("DELETE FROM inventory WHERE night > %s", (_horizon_end(target),))
        run("COMMIT")
    maintain(target)


@contextmanager
def _audit_log_erasable(
    target: Target, run: Callable[..., list[tuple[Any, ...]]]
) -> Iterator[None]:
    """Lift the audit log's append-only triggers inside the reset's transaction, then restore them.

    The benchmark's database is thrown away; only the reset rolls the audit trail back, so the
    next run starts from the same rows. Bookings never update or delete audit rows, so the timed
    work is the same with the triggers in place.
    """
    if target.backend == "sqlite":
        triggers = run(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
            " AND name LIKE 'audit_log_no_%'"
        )
        for name, _ in triggers:
            run(f"DROP TRIGGER {name}")
        yield
        for _, sql in triggers:
            run(sql)
    else:
        run("SET LOCAL session_replication_role = replica")
        yield
        run("SET LOCAL session_replication_role = origin")


def _stay_tables() -> list[str]:
    """Reservations and every table that hangs off them (nights, taxes, rooms …), children first."""
    reservations = Reservation.__table__
    children = [
        t.name
        for t in reversed(load_all().sorted_tables)
        if any(fk.column.table is reservations for fk in t.foreign_keys)
    ]
    return [*children, reservations.name]


def _horizon_end(target: Target) -> Any:
    last = BUSINESS_DATE + dt.timedelta(days=HORIZON)
    return last.isoformat() if target.backend == "sqlite" else last


def maintain(target: Target) -> None:
    """Give every run the same start: fresh statistics, no dead rows, a short WAL."""
    with connect_admin(target) as run:
        if target.backend == "sqlite":
            run("ANALYZE")
            run("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            run("VACUUM ANALYZE")
            run("CHECKPOINT")
