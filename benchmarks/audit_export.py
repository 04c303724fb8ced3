"""`pms audit-log export`: time and peak memory against the size of the trail, beside a raw
sqlite3 cursor writing the same CSV.

    .venv/bin/python benchmarks/audit_export.py                   # 10 000 and 100 000 rows
    .venv/bin/python benchmarks/audit_export.py --rows 20000,200000

For each size, an SQLite trail of that many rows (all before the cut-off) is exported to CSV by
the command's own path (`commands.audit_log`: a page of `EXPORT_PAGE` rows per unit of work,
written as it comes) and by one raw cursor. Seconds come from a plain run; peak Python memory
(tracemalloc) from a second run. Constant memory shows as the same peak at every size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import time
import tracemalloc
from collections.abc import Callable

from common import connect_sqlite, load_average, temp_sqlite

from commands.audit_log import ExportFormat, _pages, _write_rows
from pms.kernel.desk import SYSTEM, Desk

CUTOFF = dt.date(2026, 1, 1)


def fill(path: str, rows: int) -> None:
    start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    after = json.dumps({"refunded": 1000, "reason": "cold soup"})
    with connect_sqlite(path) as conn:
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO audit_log (at, username, desk, action, entity, entity_id, before, after)"
            " VALUES (?, 'sam', 'tui@front-1', 'refund', 'payment', ?, NULL, ?)",
            (
                ((start + dt.timedelta(minutes=i)).strftime("%Y-%m-%d %H:%M:%S.%f"), i, after)
                for i in range(rows)
            ),
        )
        conn.execute("COMMIT")


def raw_export(path: str) -> int:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    count = 0
    with connect_sqlite(path) as conn:
        for row in conn.execute(
            "SELECT id, at, username, desk, action, entity, entity_id, before, after "
            "FROM audit_log WHERE at < ? ORDER BY id",
            (CUTOFF.isoformat(),),
        ):
            writer.writerow(row)
            count += 1
            if out.tell() > 1 << 20:  # written out, as a file would be
                out.seek(0)
                out.truncate()
    return count


def service_export(desk: Desk) -> int:
    out = io.StringIO()

    class Sink(io.TextIOBase):
        def write(self, text: str) -> int:
            out.write(text)
            if out.tell() > 1 << 20:
                out.seek(0)
                out.truncate()
            return len(text)

    return _write_rows(Sink(), _pages(desk, CUTOFF), ExportFormat.CSV)  # type: ignore[arg-type]


def measure(run: Callable[[], int]) -> tuple[int, float, float]:
    """(rows, seconds, peak MiB)."""
    began = time.perf_counter()
    count = run()
    seconds = time.perf_counter() - began
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1] / (1 << 20)
    tracemalloc.stop()
    return count, seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="10000,100000", help="trail sizes, comma-separated")
    sizes = [int(n) for n in parser.parse_args().rows.split(",")]
    print(f"load average {load_average():.2f}")
    print(
        f"{'rows':>8} {'path':>8} {'seconds':>8} {'rows/s':>9} {'peak MiB':>9} {'× raw time':>10}"
    )
    for size in sizes:
        with temp_sqlite("pms-audit-export-") as (url, path):
            desk = Desk.open(url)
            desk.upgrade()
            desk.actor = SYSTEM
            fill(path, size)
            raw = measure(lambda: raw_export(path))
            ours = measure(lambda: service_export(desk))  # noqa: B023 (run at once)
            desk.close()
        for name, (count, seconds, peak) in (("raw", raw), ("export", ours)):
            print(
                f"{count:>8} {name:>8} {seconds:>8.2f} {count / seconds:>9.0f} {peak:>9.1f} "
                f"{seconds / raw[1]:>10.2f}"
            )
    print(f"load average {load_average():.2f}")


if __name__ == "__main__":
    main()
