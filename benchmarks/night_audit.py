"""The night audit, the flash and the forecast at hotel scale, against a raw baseline.

```sh
.venv/bin/python benchmarks/night_audit.py                        # 1k / 5k / 10k, both backends
.venv/bin/python benchmarks/night_audit.py --backend sqlite --sizes 1000
```

For each size a hotel of that many rooms is made with every room in the house tonight (set up
with bulk inserts, not timed); then `run_night_audit` closes the day and the script prints its
time, the time of each step, and the raw baseline: the same posting and audit-log rows inserted
through the driver in one transaction. Aims (issue 10): 1,000 stays under 5 s on either
backend, growing linearly. Then two years of statistics (~500k room nights) for the flash, and
365 nights on the books for the forecast: aims under 500 ms each.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from common import temp_postgres, temp_sqlite
from rich.console import Console
from rich.table import Table
from sqlalchemy import insert, select

from db.folios import Folio
from db.models import (
    DailyStatistic,
    Guest,
    Inventory,
    Property,
    RatePlan,
    Reservation,
    ReservationNight,
    ReservationTax,
    Room,
    RoomNight,
    RoomType,
)
from pms.hotel.properties import add_room_type, create_property
from pms.kernel.desk import Desk
from pms.night_audit.run import run_night_audit
from pms.night_audit.status import audit_history
from pms.rates.taxes import add_tax
from pms.reports.flash import flash_report
from pms.reports.history import forecast

CODE = "BENCH"
DAY = dt.date(2027, 3, 1)
TYPES = ("DBL", "TWN", "KNG", "FAM", "SUI")
console = Console()


@contextmanager
def database(backend: str) -> Iterator[tuple[str, str]]:
    """A migrated, empty database of the kind: (SQLAlchemy URL, raw DSN or file)."""
    maker = temp_sqlite if backend == "sqlite" else temp_postgres
    with maker("pms_audit_") as (url, raw):
        desk = Desk.open(url)
        desk.upgrade()
        desk.close()
        yield url, raw


def build_hotel(desk: Desk, rooms: int, *, nights_ahead: int = 2) -> None:
    """`rooms` rooms, each with a stay in the house tonight (arrived yesterday), a city tax per
    night, guest folios open: the night auditor's evening at full house."""

    def _build(session) -> None:  # type: ignore[no-untyped-def]
        create_property(session, CODE, "Bench Hotel", currency="EUR", timezone="UTC",
                        city="Porto", business_date=DAY)  # fmt: skip
        for code in TYPES:
            add_room_type(session, CODE, code, code, max_occupancy=3, price=10000)
        add_tax(session, CODE, "CITY", "City tax", per_person=200)
        prop = session.scalar(select(Property).where(Property.code == CODE))
        types = list(session.scalars(select(RoomType.id).where(RoomType.property_id == prop.id)))
        plan = session.scalar(select(RatePlan.id).where(RatePlan.property_id == prop.id))
        bench_guest = [{"first_name": "Bench", "last_name": "Guest"}]
        guest = session.execute(insert(Guest).returning(Guest.id), bench_guest).scalar()
        room_rows = [{"property_id": prop.id, "room_type_id": types[i % len(types)],
                      "number": f"{i:05d}", "floor": i // 100, "features": []}
                     for i in range(rooms)]  # fmt: skip
        room_ids = session.execute(insert(Room).returning(Room.id, Room.room_type_id),
                                   room_rows).all()  # fmt: skip
        arrival, departure = DAY - dt.timedelta(days=1), DAY + dt.timedelta(days=nights_ahead)
        stays = session.execute(insert(Reservation).returning(Reservation.id), [
            {"property_id": prop.id, "confirmation": f"B{i:07d}", "guest_id": guest,
             "room_type_id": type_id, "rate_plan_id": plan, "arrival": arrival,
             "departure": departure, "adults": 1, "children": 0, "status": "checked_in",
             "source": "desk", "version": 1}
            for i, (_, type_id) in enumerate(room_ids)
        ]).scalars().all()  # fmt: skip
        nights = [arrival + dt.timedelta(days=n) for n in range((departure - arrival).days)]
        session.execute(
            insert(ReservationNight),
            [{"reservation_id": s, "night": n, "price": 10000} for s in stays for n in nights],
        )
        session.execute(
            insert(ReservationTax),
            [
                {"reservation_id": s, "night": n, "code": "CITY", "amount": 200, "included": False}
                for s in stays
                for n in nights
            ],
        )
        session.execute(
            insert(RoomNight),
            [
                {"room_id": room_id, "reservation_id": s, "night": n}
                for s, (room_id, _) in zip(stays, room_ids, strict=True)
                for n in nights
            ],
        )
        session.execute(insert(Folio), [
            {"property_id": prop.id, "reservation_id": s, "name": "Guest", "kind": "guest",
             "status": "open", "version": 1} for s in stays])  # fmt: skip

    desk.run(_build)


def raw_baseline(backend: str, raw: str, rows: int) -> float:
    """The audit's rows through the driver: `rows` postings and as many audit-log rows, one
    transaction (what the audit writes at the least, without any of its checks)."""
    postings = [(1, DAY.isoformat(), "charge", "ROOM", "Room", 10000, "bench", "", f"raw:{i}")
                for i in range(rows)]  # fmt: skip
    audit = [("bench", "post", "folio", 1) for _ in range(rows)]
    sql_posting = ("INSERT INTO postings (folio_id, business_date, kind, code, description, "
                   "amount, username, reason, unique_key) VALUES ({})")  # fmt: skip
    sql_audit = "INSERT INTO audit_log (username, action, entity, entity_id) VALUES ({})"
    started = time.perf_counter()
    if backend == "sqlite":
        conn = sqlite3.connect(raw, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(sql_posting.format(",".join("?" * 9)), postings)
        conn.executemany(sql_audit.format(",".join("?" * 4)), audit)
        conn.execute("ROLLBACK")
        conn.close()
    else:
        with psycopg.connect(raw) as conn, conn.cursor() as cur:
            cur.executemany(sql_posting.format(",".join(["%s"] * 9)), postings)
            cur.executemany(sql_audit.format(",".join(["%s"] * 4)), audit)
            conn.rollback()
    return time.perf_counter() - started


def bench_audit(backend: str, sizes: list[int]) -> None:
    table = Table(title=f"Night audit on {backend}", title_justify="left")
    for heading in ("stays", "audit s", "room and tax s", "other steps s", "raw rows s",
                    "µs / stay"):  # fmt: skip
        table.add_column(heading, justify="right")
    for size in sizes:
        with database(backend) as (url, raw):
            desk = Desk.open(url)
            build_hotel(desk, size)
            started = time.perf_counter()
            run_night_audit(desk, CODE, yes=True)
            took = time.perf_counter() - started
            steps = {s.step: (s.finished_at - s.started_at).total_seconds()
                     for s in desk.read(audit_history, CODE)[0].steps}  # fmt: skip
            desk.close()
            baseline = raw_baseline(backend, raw, size * 2)
        posting = steps.get("room_and_tax", 0.0)
        table.add_row(f"{size:,}", f"{took:.2f}", f"{posting:.2f}", f"{took - posting:.2f}",
                      f"{baseline:.2f}", f"{took / size * 1e6:,.0f}")  # fmt: skip
    console.print(table)


def bench_reports(backend: str) -> None:
    """Flash over two years of statistics; forecast of 365 nights on the books."""
    with database(backend) as (url, _):
        desk = Desk.open(url)
        build_hotel(desk, 700, nights_ahead=365)

        def _history(session) -> None:  # type: ignore[no-untyped-def]
            prop = session.scalar(select(Property).where(Property.code == CODE))
            prop.business_date = DAY + dt.timedelta(days=1)
            types = list(session.scalars(select(RoomType.id)))
            zero = dict.fromkeys(("out_of_order", "out_of_service", "comp", "house_use",
                                  "day_use", "walk_ins", "no_shows", "early_departures",
                                  "extensions", "multiple_occupied", "children", "tax",
                                  "other_revenue"), 0)  # fmt: skip
            session.execute(insert(DailyStatistic), [
                zero | {"property_id": prop.id, "business_date": DAY - dt.timedelta(days=d),
                        "room_type_id": t, "rooms": 140, "occupied": 140, "arrivals": 40,
                        "departures": 40, "adults": 140, "room_revenue": 1_400_000}
                for d in range(730) for t in types])  # fmt: skip
            session.execute(insert(Inventory), [
                {"room_type_id": t, "night": DAY + dt.timedelta(days=d), "capacity": 140,
                 "sold": 140} for d in range(1, 367) for t in types])  # fmt: skip

        desk.run(_history)
        figures = []
        for name, call in (
            ("flash, 2 years of history", lambda: desk.read(flash_report, CODE)),
            ("forecast, 365 nights", lambda: desk.read(forecast, CODE, 365)),
        ):
            call()  # warm
            runs = []
            for _ in range(5):
                started = time.perf_counter()
                call()
                runs.append(time.perf_counter() - started)
            figures.append((name, min(runs)))
        desk.close()
    for name, best in figures:
        console.print(f"{backend:<10} {name:<28} {best * 1000:7.1f} ms (best of 5; aim < 500)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--sizes", default="1000,5000,10000")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    sizes = [int(s) for s in args.sizes.split(",")]
    console.print(f"load average {os.getloadavg()[0]:.2f}")
    for backend in backends:
        bench_audit(backend, sizes)
        bench_reports(backend)


if __name__ == "__main__":
    main()
