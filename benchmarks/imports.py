"""Moving a hotel in and out at scale: guests and stays imported, a million postings exported.

Run it from the repository root::

    .venv/bin/python benchmarks/imports.py                   # 100k guests, 50k stays, 1M postings
    .venv/bin/python benchmarks/imports.py --guests 20000 --stays 10000 --postings 200000

What it measures, on SQLite (a WAL file in a temporary directory).

- **guests**: a 100,000-row CSV (names, real-looking e-mails, valid phones, countries) through
  `import_rows` as `pms import guests` runs it — every row read and checked with
  email-validator and phonenumbers (half of them in a worker process), matched against the
  profiles on file and the earlier rows, inserted in batches with its audit row, each batch's
  search documents written aside by worker processes meanwhile — then `publish`, which waits
  for the last segments and puts them into the hotel's index (built before the import, not
  timed). "import" is up to the commit, "index" is the publishing. Aim: under 30 s in all.
  Baseline: the same file read with `csv` and inserted with one `executemany` of sqlite3,
  nothing checked, no audit, no index.
- **stays**: 50,000 reservations over 300 rooms, a year of history (checked out), some in
  house and half a year to come: every row checked, its guest found or made, its nights sold
  (guarded updates), stays to come booked through `book` and priced from the rate sheet, every
  room given under UNIQUE(room_id, night). Aim: under 60 s. Baseline: the reservation rows
  alone inserted with `executemany`.
- **export**: a million postings streamed by `pms export postings` in a child process to a
  file, and a tenth of them; the child's peak memory (max RSS) is the same for both when the
  export streams. Baseline: sqlite3 iterating the same rows into `csv.writer`.

Figures, never assertions.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import connect_sqlite, temp_sqlite
from db.models import Role, User
from pms.hotel.properties import add_room, add_room_type, create_property
from pms.hotel.sign_in import open_session
from pms.imports.files import read_rows
from pms.imports.service import ImportOptions, import_rows
from pms.kernel.desk import Actor, Desk
from pms.search.bulk import imported_guests, publish
from pms.search.service import close_indexes, ensure_index

TODAY = dt.date(2026, 12, 1)
FIRST = ["Ana", "Rui", "Lucía", "Ada", "Jean", "Mia", "Kenji", "Omar", "Eva", "Tom", "Li", "Zoe"]
LAST = ["Silva", "García", "Lee", "Dupont", "Schmidt", "Sato", "Haddad", "Novak", "Costa"]
MANAGER = Actor("maria", Role.MANAGER)


def _hotel(desk: Desk, rooms: int) -> None:
    def build(session) -> None:  # type: ignore[no-untyped-def]
        create_property(session, "BIG", "Big Harbour", currency="EUR", timezone="Europe/Lisbon",
                        business_date=TODAY)  # fmt: skip
        add_room_type(session, "BIG", "DBL", "Double", max_occupancy=3, price=10000)
        for i in range(rooms):
            add_room(session, "BIG", f"{100 + i // 50 * 100 + i % 50}", "DBL")
        session.add(User(username="maria", role=Role.MANAGER, password_hash="-"))

    desk.run(build)
    desk.actor = MANAGER


def _guest_file(count: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["first_name", "last_name", "email", "phone", "country"])
    for i in range(count):
        first, last = FIRST[i % len(FIRST)], LAST[i % len(LAST)]
        writer.writerow([first, last, f"{first}.{last}.{i}@example.com".lower(),
                         f"+35191{i:07d}", "PT"])  # fmt: skip
    return out.getvalue()


def _stay_file(count: int, rooms: int) -> str:
    """Stays back to back in each room, a year before the business date to half a year after."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["external_ref", "last_name", "email", "arrival", "departure", "room_type",
                     "room", "total"])  # fmt: skip
    rng = random.Random(7)
    per_room = -(-count // rooms)
    span = 540 // per_room
    for i in range(count):
        room, slot = i % rooms, i // rooms
        start = slot * span + rng.randint(0, 1)
        arrival = TODAY - dt.timedelta(days=365) + dt.timedelta(days=start)
        departure = arrival + dt.timedelta(days=rng.randint(1, max(1, min(14, span - 2))))
        total = f"{100 * (departure - arrival).days}.00" if departure <= TODAY else ""
        number = f"{100 + room // 50 * 100 + room % 50}"
        writer.writerow([f"OLD-{i}", LAST[i % len(LAST)], f"g{i % 20000}@example.com",
                         arrival, departure, "DBL", number, total])  # fmt: skip
    return out.getvalue()


def _raw_insert(path: str, table: str, columns: list[str], rows: list[list[str]]) -> float:
    start = time.perf_counter()
    connection = connect_sqlite(path)
    marks = ", ".join("?" * len(columns))
    connection.execute("BEGIN")
    connection.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
    connection.execute("ROLLBACK")
    connection.close()
    return time.perf_counter() - start


def bench_guests(desk: Desk, path: str, count: int) -> None:
    text = _guest_file(count)
    desk.read(ensure_index)  # the hotel's index, before its guests come over
    start = time.perf_counter()
    index = desk.read(imported_guests)  # as `pms import guests` does
    report = desk.run(import_rows, "guests", read_rows(text, "csv"), ImportOptions(), None, index)
    imported = time.perf_counter() - start
    desk.read(publish, index)
    indexed = time.perf_counter() - start - imported
    start = time.perf_counter()
    rows = [[*row, "", "", 0, "{}", "", 0, "", "2026-12-01"]
            for row in list(csv.reader(io.StringIO(text)))[1:]]  # fmt: skip
    columns = ["first_name", "last_name", "email", "phone", "country", "company", "city",
               "vip_level", "preferences", "notes", "do_not_rent", "do_not_rent_reason",
               "created_at"]  # fmt: skip
    raw = time.perf_counter() - start + _raw_insert(path, "guests", columns, rows)
    print(f"guests   {report.created:>9,}  import {imported:6.1f} s  + index {indexed:5.1f} s  "
          f"= {imported + indexed:5.1f} s   raw executemany {raw:5.2f} s  "
          f"({(imported + indexed) / raw:,.0f}×)")  # fmt: skip


def bench_stays(desk: Desk, path: str, count: int, rooms: int) -> None:
    text = _stay_file(count, rooms)
    start = time.perf_counter()
    report = desk.run(import_rows, "reservations", read_rows(text, "csv"), ImportOptions())
    took = time.perf_counter() - start
    rows = [[f"R-{i}", 1, f"X{i:07d}", 1, 1, 1, "2026-01-01", "2026-01-02", 1, 0, "confirmed",
             "import", 0, 0, 1, "2026-12-01", "2026-12-01"] for i in range(count)]  # fmt: skip
    columns = ["external_ref", "property_id", "confirmation", "guest_id", "room_type_id",
               "rate_plan_id", "arrival", "departure", "adults", "children", "status",
               "source", "overbooked", "cancellation_fee", "version", "created_at",
               "updated_at"]  # fmt: skip
    raw = _raw_insert(path, "reservations", columns, rows)
    print(f"stays    {report.created:>9,}  import {took:6.1f} s{'':27}raw executemany "
          f"{raw:5.2f} s  ({took / raw:,.0f}×)")  # fmt: skip


def _postings(path: str, count: int) -> None:
    connection = connect_sqlite(path)
    connection.execute("BEGIN")
    connection.execute("INSERT INTO folios (property_id, name, kind, status, created_at, version) "
                       "VALUES (1, 'Journal', 'guest', 'open', '2026-12-01', 1)")  # fmt: skip
    folio = connection.execute("SELECT max(id) FROM folios").fetchone()[0]
    connection.executemany(
        "INSERT INTO postings (folio_id, business_date, posted_at, kind, code, description, "
        "amount, username, reason) VALUES (?, ?, '2026-12-01 23:00:00', 'charge', 'ROOM', "
        "'Room', ?, 'audit', '')",
        ((folio, TODAY - dt.timedelta(days=i % 365), 10000 + i % 900) for i in range(count)),
    )
    connection.execute("COMMIT")
    connection.close()


#: The child process: the `pms` command, then its own peak memory on stderr (VmHWM: unlike
#: ru_maxrss, it does not carry the parent's peak across the fork and exec).
_MEASURED_CLI = (
    "import re, sys, cli\n"
    "try:\n    cli.main()\n"
    "finally:\n"
    "    status = open('/proc/self/status').read()\n"
    "    print('maxrss', re.search(r'VmHWM:\\s+(\\d+)', status).group(1), file=sys.stderr)\n"
)


def _child_export(url: str, out: Path, token: str) -> tuple[float, float]:
    """(seconds, peak MiB) of `pms export postings` in its own process, signed in as maria by
    a session token in PMS_TOKEN (as a cron job would be)."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED_CLI, "--db", url, "export", "postings",
         "--output", str(out)],
        check=True, capture_output=True, text=True, env={**os.environ, "PMS_TOKEN": token},
    )  # fmt: skip
    peak = int(done.stderr.split("maxrss", 1)[1].split()[0])
    return time.perf_counter() - start, peak / 1024


def bench_export(desk: Desk, url: str, path: str, count: int, tmp: Path) -> None:
    token = desk.run(open_session, "maria", 2).token
    for size in (count // 10, count - count // 10):
        _postings(path, size)
        seconds, peak = _child_export(url, tmp / "journal.csv", token)
        lines = sum(1 for _ in (tmp / "journal.csv").open()) - 1
        start = time.perf_counter()
        connection = connect_sqlite(path)
        with (tmp / "raw.csv").open("w") as out:
            csv.writer(out).writerows(connection.execute("SELECT * FROM postings ORDER BY "
                                                         "business_date, id"))  # fmt: skip
        connection.close()
        raw = time.perf_counter() - start
        print(f"export   {lines:>9,}  pms export {seconds:6.1f} s  peak RSS {peak:6.0f} MiB   "
              f"raw sqlite3 → csv {raw:5.2f} s  ({seconds / raw:,.1f}×)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guests", type=int, default=100_000)
    parser.add_argument("--stays", type=int, default=50_000)
    parser.add_argument("--rooms", type=int, default=300)
    parser.add_argument("--postings", type=int, default=1_000_000)
    args = parser.parse_args()
    with temp_sqlite("pms-imports-") as (url, path):
        os.environ["XDG_CACHE_HOME"] = str(Path(path).parent / "cache")  # the search index
        desk = Desk.open(url)
        desk.upgrade()
        _hotel(desk, args.rooms)
        if args.guests:
            bench_guests(desk, path, args.guests)
        if args.stays:
            bench_stays(desk, path, args.stays, args.rooms)
        if args.postings:
            bench_export(desk, url, path, args.postings, Path(path).parent)
        close_indexes()
        desk.close()


if __name__ == "__main__":
    main()
