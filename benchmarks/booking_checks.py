"""The checks of `booking.py`: after each run nothing failed or was lost and inventory adds up;
before the timed runs `book` and the raw path send the same statements and store the same rows.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from booking_hotel import BUSINESS_DATE, CLERK, HORIZON, Stay, Target, connect_admin, reset
from booking_raw import raw_desk
from common import capturing

from pms.inventory.nights import stay_nights
from pms.kernel.desk import Desk
from pms.reservations.booking import book


@dataclass
class Check:
    ok: bool
    stored: int
    returned: int
    problems: list[str]


# ---------------------------------------------------------------------------------------------
# After each run: nothing failed, nothing lost, inventory adds up


def verify(target: Target, booked: list[tuple[str, str]], stays: dict[str, Stay]) -> Check:
    problems: list[str] = []
    with connect_admin(target) as run:
        stored = {
            (key, conf)
            for key, conf in run("SELECT idempotency_key, confirmation FROM reservations")
        }
        returned = set(booked)
        if lost := returned - stored:
            problems.append(f"{len(lost)} bookings returned but are not stored, e.g. {min(lost)}")
        if extra := stored - returned:
            problems.append(f"{len(extra)} stored reservations no desk was told of")
        if len(returned) != len(booked):
            problems.append("a confirmation was returned twice")

        short = run(
            "SELECT r.confirmation FROM reservations r LEFT JOIN reservation_nights n "
            "ON n.reservation_id = r.id GROUP BY r.id, r.confirmation, r.arrival, r.departure "
            "HAVING count(n.night) <> " + _days("r.departure", "r.arrival", target.backend)
        )
        if short:
            problems.append(f"{len(short)} reservations lack nights, e.g. {short[0][0]}")
        for table in ("audit_log", "change_log"):
            logged = run(
                f"SELECT count(*) FROM {table} WHERE entity = 'reservation' AND entity_id IN "
                "(SELECT id FROM reservations)"
            )[0][0]
            if logged != len(stored):
                problems.append(f"{table}: {logged} reservation rows for {len(stored)} stays")

        sold = {
            (code, _as_date(night)): n
            for code, night, n in run(
                "SELECT t.code, i.night, i.sold FROM inventory i "
                "JOIN room_types t ON t.id = i.room_type_id WHERE i.sold <> 0"
            )
        }
        nights = {
            (code, _as_date(night)): n
            for code, night, n in run(
                "SELECT t.code, n.night, count(*) FROM reservation_nights n "
                "JOIN reservations r ON r.id = n.reservation_id "
                "JOIN room_types t ON t.id = r.room_type_id GROUP BY t.code, n.night"
            )
        }
    told: Counter[tuple[str, dt.date]] = Counter()
    for key, _ in booked:
        stay = stays[key]
        told.update((stay.room_type, n) for n in stay_nights(stay.arrival, stay.departure))
    if sold != nights:
        wrong = sorted(k for k in sold.keys() | nights.keys() if sold.get(k) != nights.get(k))
        problems.append(
            f"inventory sold ≠ reservation nights on {len(wrong)} rows, e.g. {wrong[0]}"
        )
    if sold != dict(told):
        problems.append("inventory sold ≠ the nights the desks were told they booked")
    return Check(not problems, len(stored), len(returned), problems)


def _days(later: str, earlier: str, backend: str) -> str:
    if backend == "sqlite":
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"
    return f"({later} - {earlier})"


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


# ---------------------------------------------------------------------------------------------
# The statements `book` sends, and whether the raw path sends the same


def normalise(sql: str) -> str:
    """SQL text with bind casts, placeholder style, quoting and table qualifiers taken out."""
    sql = re.sub(r"::(TIMESTAMP WITH TIME ZONE|[A-Z]+)", "", sql)
    sql = re.sub(r"%\(\w+\)s|%s", "?", sql)
    sql = sql.replace('"', "")
    sql = re.sub(r"\b[a-z_]+\.(?=[a-z_])", "", sql)
    sql = re.sub(r"\(\?(, \?)*\)(, \(\?(, \?)*\))+", "(…rows…)", sql)  # multi-row VALUES
    return " ".join(sql.split())


def probe_statements(target: Target) -> tuple[bool, list[tuple[str, int, int]], str]:
    """Book the same probe stays both ways; compare the statements and the rows they stored.

    Returns (same?, [(case, orm statements, raw statements)], a diff when they differ).
    """
    far = BUSINESS_DATE + dt.timedelta(days=HORIZON + 30)  # nights never opened
    probes = [
        ("new guest, nights never sold", Stay("probe-1", "DBL", far, 3, 2, 0, "Zoë Probe",
                                              "probe@bench.example")),
        ("returning guest, open nights", Stay("probe-2", "DBL", far, 3, 2, 0, "Zoë Probe",
                                              "probe@bench.example")),
    ]  # fmt: skip
    desk = Desk.open(target.url)
    desk.actor = CLERK
    orm_runs = []
    for _, stay in probes:
        with capturing(desk.engine) as seen:
            desk.run(book, stay.request())
        orm_runs.append([normalise(s) for s, _ in seen if not s.startswith("BEGIN")])
    desk.close()
    orm_rows = _stored_lines(target)
    reset(target)

    raw = raw_desk(target)
    raw_runs = []
    for _, stay in probes:
        raw.log = []
        raw.book(stay)
        raw_runs.append([normalise(s) for s in raw.log if not s.startswith("BEGIN")])
    raw.close()
    raw_rows = _stored_lines(target)
    reset(target)

    counts = [
        (case, len(o), len(r)) for (case, _), o, r in zip(probes, orm_runs, raw_runs, strict=True)
    ]
    diff = "\n".join(
        line
        for o, r in zip(orm_runs, raw_runs, strict=True)
        for line in difflib.unified_diff(o, r, "orm (book)", "raw", lineterm="", n=0)
    )
    if orm_rows != raw_rows:
        diff += "\nthe raw path stored other prices or tax lines than `book`:\n" + "\n".join(
            difflib.unified_diff(
                [repr(r) for r in orm_rows], [repr(r) for r in raw_rows], lineterm="", n=0
            )
        )
    return orm_runs == raw_runs and orm_rows == raw_rows, counts, diff


def _stored_lines(target: Target) -> list[tuple[Any, ...]]:
    """What the probe bookings stored: each night's price and tax lines, by idempotency key."""
    with connect_admin(target) as run:
        nights = run(
            "SELECT r.idempotency_key, n.night, n.price, '' FROM reservation_nights n "
            "JOIN reservations r ON r.id = n.reservation_id"
        )
        taxes = run(
            "SELECT r.idempotency_key, t.night, t.amount, t.code FROM reservation_taxes t "
            "JOIN reservations r ON r.id = t.reservation_id"
        )
    return sorted((str(k), str(n), int(a), str(c)) for k, n, a, c in nights + taxes)
