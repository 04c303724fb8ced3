"""How long each screen of the front desk waits for its data, at hotel-group scale.

Run it from the repository root::

    .venv/bin/python benchmarks/screen_data.py                     # the full group, SQLite
    .venv/bin/python benchmarks/screen_data.py --properties 2 --samples 5   # a quick look

The group: `--properties` hotels (default 7) of 300 rooms each in 8 room types, sharing 100,000
guest profiles, with two years of history and three months ahead — about 500,000 reservations
(the rooms kept ~85 % full night after night, plus cancellations and no-shows), each with its
priced nights, and the room nights of every stay that held a room. The first hotel's in-house
stays have open folios with a room and a tax posting per night. It is built once, with bulk
INSERTs straight into the tables (a minute or two), in a temporary SQLite file.

Then each service call a screen makes when it opens is timed through the desk, as the screen's
worker calls it (`Desk.read`: session, read transaction, queries, view): the property header,
arrivals, in-house and departures lists, the room rack (31 days), a folio, the guest profile of
the guest with the most stays, and the dashboard. Each call runs `--samples` times; the table
shows the median and the slowest in milliseconds. Aim (issue 13): every one under 100 ms.
Figures, never assertions; the load average is printed beside them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import Connection, func, insert, select

from db.folios import Folio, Posting
from db.models import (
    Guest,
    Property,
    RatePlan,
    Reservation,
    ReservationNight,
    Room,
    RoomNight,
    RoomType,
)
from pms.billing.ledger_views import stay_folios
from pms.frontdesk.dashboard import dashboard
from pms.frontdesk.rack import room_rack
from pms.guests.profiles import show_guest
from pms.hotel.properties import add_room_type, create_property, property_view
from pms.kernel.desk import SYSTEM, Desk
from pms.stays.reservation_lists import list_reservations

ROOMS_PER_TYPE = [60, 60, 50, 40, 30, 30, 20, 10]  # 300 rooms
HISTORY_DAYS, FUTURE_DAYS = 730, 90
GUESTS = 100_000
BATCH = 50_000


def _hotel(session: Any, n: int, today: dt.date) -> None:
    code = f"H{n:02d}"
    create_property(
        session, code, f"Group Hotel {n}", currency="EUR", timezone="Europe/Lisbon",
        city="Lisbon", business_date=today,
    )  # fmt: skip
    for t, _ in enumerate(ROOMS_PER_TYPE):
        add_room_type(session, code, f"T{t}", f"Type {t}", max_occupancy=3, price=10000 + t * 2000)


def _bulk(conn: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        conn.execute(insert(table), rows[start : start + BATCH])


def build(desk: Desk, properties: int, seed: int) -> dict[str, Any]:
    """The group, built once; returns what the timed calls need."""
    rng = random.Random(seed)
    today = dt.date.today()
    for n in range(1, properties + 1):
        desk.run(_hotel, n, today)
    first, last = today - dt.timedelta(days=HISTORY_DAYS), today + dt.timedelta(days=FUTURE_DAYS)
    with desk.engine.begin() as conn:
        _bulk(conn, Guest, [
            {"first_name": f"First{i % 977}", "last_name": f"Last{i}",
             "email": f"guest{i}@example.com", "phone": ""}
            for i in range(GUESTS)
        ])  # fmt: skip
        guest_ids = list(conn.scalars(select(Guest.id)))
        plans = dict(conn.execute(select(RatePlan.property_id, RatePlan.id)).all())
        types = conn.execute(select(RoomType.id, RoomType.property_id, RoomType.code)).all()
        rooms = [
            {"property_id": property_id, "room_type_id": type_id, "number": f"{code}{r:03d}",
             "floor": 1 + r // 20, "features": []}
            for type_id, property_id, code in types
            for r in range(ROOMS_PER_TYPE[int(code[1:])])
        ]  # fmt: skip
        _bulk(conn, Room, rooms)
        room_rows = conn.execute(select(Room.id, Room.property_id, Room.room_type_id)).all()
        stays = _stays(rng, room_rows, plans, guest_ids, first, last, today)
        _store_stays(conn, stays, today)
    return {"today": today, "code": "H01"}


def _stays(
    rng: random.Random, rooms: Any, plans: dict[int, int], guests: list[int],
    first: dt.date, last: dt.date, today: dt.date,
) -> list[dict[str, Any]]:  # fmt: skip
    """Each room's stays back to back with short gaps, and a cancellation or no-show now and
    then (those hold no room)."""
    stays = []
    for room_id, property_id, type_id in rooms:
        day = first + dt.timedelta(days=rng.randint(0, 3))
        while day < last:
            nights = rng.choice([1, 1, 2, 2, 3, 3, 4, 5, 7])
            departure = day + dt.timedelta(days=nights)
            if departure <= today:
                status = "checked_out"
            elif day <= today:
                status = "checked_in"
            else:
                status = "confirmed"
            base = {"property_id": property_id, "room_type_id": type_id,
                    "rate_plan_id": plans[property_id], "guest_id": rng.choice(guests),
                    "arrival": day, "departure": departure, "adults": 2}  # fmt: skip
            stays.append({**base, "status": status, "room_id": room_id})
            if rng.random() < 0.1:
                lost = "cancelled" if rng.random() < 0.7 else "no_show"
                stays.append({**base, "status": lost, "guest_id": rng.choice(guests)})
            day = departure + dt.timedelta(days=rng.choice([0, 0, 0, 1, 2]))
    return stays


def _store_stays(conn: Connection, stays: list[dict[str, Any]], today: dt.date) -> None:
    reservations = [
        {k: v for k, v in s.items() if k != "room_id"}
        | {"confirmation": f"C{i:09d}", "version": 1, "source": "desk"}
        for i, s in enumerate(stays)
    ]
    _bulk(conn, Reservation, reservations)
    ids = dict(conn.execute(select(Reservation.confirmation, Reservation.id)).all())
    nights, room_nights = [], []
    for i, stay in enumerate(stays):
        reservation_id = ids[f"C{i:09d}"]
        night = stay["arrival"]
        while night < stay["departure"]:
            nights.append({"reservation_id": reservation_id, "night": night, "price": 12000})
            if stay.get("room_id") and stay["status"] not in ("cancelled", "no_show"):
                room_nights.append(
                    {"room_id": stay["room_id"], "reservation_id": reservation_id, "night": night}
                )
            night += dt.timedelta(days=1)
        if len(nights) >= BATCH:
            _bulk(conn, ReservationNight, nights)
            nights = []
        if len(room_nights) >= BATCH:
            _bulk(conn, RoomNight, room_nights)
            room_nights = []
    _bulk(conn, ReservationNight, nights)
    _bulk(conn, RoomNight, room_nights)
    _folios(conn, today)


def _folios(conn: Connection, today: dt.date) -> None:
    """An open folio with a room and a tax posting per night so far for each in-house stay of
    the first hotel."""
    in_house = conn.execute(
        select(Reservation.id, Reservation.property_id, Reservation.arrival)
        .join(Property, Property.id == Reservation.property_id)
        .where(Property.code == "H01", Reservation.status == "checked_in")
    ).all()
    _bulk(conn, Folio, [{"property_id": p, "reservation_id": r, "name": "Guest", "kind": "guest",
                         "status": "open", "version": 1} for r, p, _ in in_house])  # fmt: skip
    folios = dict(conn.execute(select(Folio.reservation_id, Folio.id)).all())
    postings = []
    for reservation_id, _, arrival in in_house:
        night = arrival
        while night < today:
            for kind, code, amount in (("charge", "ROOM", 12000), ("tax", "VAT", 720)):
                postings.append({"folio_id": folios[reservation_id], "business_date": night,
                                 "kind": kind, "code": code, "description": code,
                                 "amount": amount, "username": "audit"})  # fmt: skip
            night += dt.timedelta(days=1)
    _bulk(conn, Posting, postings)


def _calls(desk: Desk, made: dict[str, Any]) -> dict[str, Callable[[], object]]:
    code, today = made["code"], made["today"]
    folio_stay, busiest = desk.read(lambda s: (
        s.scalar(select(Reservation.confirmation).join(Folio).limit(1)),
        s.scalar(select(Reservation.guest_id).group_by(Reservation.guest_id)
                 .order_by(func.count().desc()).limit(1)),
    ))  # fmt: skip
    return {
        "property header (every screen)": lambda: desk.read(property_view, code),
        "arrivals": lambda: desk.read(list_reservations, code, arriving=today),
        "in-house": lambda: desk.read(list_reservations, code, status="checked_in"),
        "departures": lambda: desk.read(list_reservations, code, departing=today),
        "room rack, 31 days": lambda: desk.read(room_rack, code, today, 31),
        "folio": lambda: desk.read(stay_folios, folio_stay),
        "guest profile (most stays)": lambda: desk.read(show_guest, busiest),
        "dashboard": lambda: desk.read(dashboard, code),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--properties", type=int, default=7)
    parser.add_argument("--samples", type=int, default=15)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", metavar="FILE", help="build into FILE once, and reuse it")
    args = parser.parse_args()
    console = Console(width=110)
    with tempfile.TemporaryDirectory(prefix="pms-screens-") as tmp:
        path = Path(args.keep) if args.keep else Path(tmp) / "group.sqlite3"
        built = path.exists()
        desk = Desk.open(f"sqlite:///{path}")
        desk.upgrade()
        started = time.perf_counter()
        made = (
            {"today": dt.date.today(), "code": "H01"}
            if built
            else build(desk, args.properties, args.seed)
        )
        # The desk's connections close as a real desk's do (SQLite gathers the planner's
        # statistics then: PRAGMA optimize), and the timed desk opens afresh.
        desk.close()
        desk = Desk.open(f"sqlite:///{path}")
        tables = (Guest, Reservation, ReservationNight, RoomNight)
        counts = desk.read(
            lambda s: [s.scalar(select(func.count()).select_from(m)) for m in tables]
        )
        console.print(
            f"built in {time.perf_counter() - started:.0f} s: {counts[0]:,} guests, "
            f"{counts[1]:,} reservations, {counts[2]:,} reservation nights, "
            f"{counts[3]:,} room nights; load average {os.getloadavg()[0]:.1f}"
        )
        desk.actor = SYSTEM
        calls = _calls(desk, made)
        for call in calls.values():  # warm: compiled statements, mappers, page cache
            call()
        times: dict[str, list[float]] = {name: [] for name in calls}
        for _ in range(args.samples):
            for name, call in calls.items():
                begun = time.perf_counter()
                call()
                times[name].append((time.perf_counter() - begun) * 1000)
        table = Table(title=f"screen data loads, {args.samples} samples each (aim < 100 ms)")
        for column in ("screen's call", "median ms", "max ms", "aim"):
            table.add_column(column, justify="left" if column == "screen's call" else "right")
        for name, values in times.items():
            median = statistics.median(values)
            table.add_row(name, f"{median:.1f}", f"{max(values):.1f}",
                          "met" if median < 100 else "NOT met")  # fmt: skip
        console.print(table)
        console.print(f"load average at end: {os.getloadavg()[0]:.1f}")
        desk.close()


if __name__ == "__main__":
    main()
