"""Bytes a stay costs in the database, for the capacity figures of docs/architecture.md.

    .venv/bin/python benchmarks/storage.py                 # SQLite and PostgreSQL
    .venv/bin/python benchmarks/storage.py --stays 5000

Books `--stays` stays of 3 nights for new guests (each with an e-mail) through the service on
the 40-room hotel of `api.py`, and prints the growth of the database (file size for SQLite,
`pg_database_size` for PostgreSQL) per stay: reservation, nights, taxes, guest, audit and
change-log rows and their indexes. Folios and postings come on top once a stay is checked in.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
from pathlib import Path

from common import temp_postgres, temp_sqlite
from sqlalchemy import text

from pms.guests.lookup import GuestInput
from pms.kernel.desk import SYSTEM, Desk
from pms.reservations.booking import BookingRequest, book

# benchmarks/api.py is loaded by path: on this script's sys.path "api" would be the package.
_spec = importlib.util.spec_from_file_location("api_bench", Path(__file__).with_name("api.py"))
assert _spec and _spec.loader
api_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(api_bench)


def _size(desk: Desk, path: str) -> int:
    if desk.engine.dialect.name == "sqlite":
        desk.engine.dispose()  # checkpoint the WAL into the file
        return os.path.getsize(path)
    with desk.engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar())


def measure(url: str, path: str, stays: int) -> float:
    desk = Desk.open(url)
    desk.upgrade()
    desk.actor = SYSTEM
    api_bench.build_hotel(desk)
    before = _size(desk, path)
    for i in range(stays):
        arrival = api_bench.BUSINESS_DATE + dt.timedelta(days=i % 360)
        request = BookingRequest(arrival=arrival, nights=3, room_type="DBL",
                                 guest=GuestInput(f"Guest No{i}", f"g{i}@example.com"),
                                 property_code=api_bench.PROPERTY)  # fmt: skip
        desk.run(book, request)
    after = _size(desk, path)
    desk.close()
    return (after - before) / stays


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stays", type=int, default=3000)
    args = parser.parse_args()
    with temp_sqlite("pms_storage_") as (url, path):
        print(f"sqlite: {measure(url, path, args.stays):,.0f} bytes a stay")
    with temp_postgres("pms_storage_") as (url, _):
        print(f"postgresql: {measure(url, url, args.stays):,.0f} bytes a stay")


if __name__ == "__main__":
    main()
