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
the services as `pms.kernel.desk.SYSTEM` (the property) and a manager actor (everything else):
thirteen months of prices per base plan × room type with `set_rates` (seasons, and Friday/Saturday
prices with a day-of-week pattern), restrictions with `restrict` (minimum stay on summer Saturdays,
closed to arrival at Christmas, a 3-night minimum at New Year, stop-sell of CORP in a trade-fair
week and of the suites in a refurbishment, maximum stay on ADV, closed to departure on HB summer
Sundays), VAT 6 % inside the price and a €2 per-adult city tax, extra-person charges, a
property-wide and a suite dynamic pricing rule, every night open in the inventory, and 1,200 stays
booked by a clerk with `book` (each in a savepoint, 100 per transaction; busiest in August, where
occupancy reaches ~50 % so the dynamic rules fire).

What it measures, for a 14-night and for a 1-night stay (2 adults, arrivals spread over the
year, `include_closed=True` so every room type × rate plan combination — 48 offers — is priced
and listed):

- **quote**: `Desk.read(pms.reservations.quotes.quote, QuoteRequest(...))` — the whole service as
  the CLI and the TUI call it: session, read transaction, queries, ORM objects, pricing, offers.
  Wall clock, and this thread's CPU time for the same calls (steadier on a busy machine: it leaves
  out time spent waiting for a core, and on PostgreSQL the server's work). "full GCs" counts the
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
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from common import Statement, capturing, load_average, print_profile
from quote_hotel import (
    BASE_PLANS,
    BUSINESS_DATE,
    CLERK,
    DERIVED_PLANS,
    ROOM_TYPES,
    SHEET_END,
    Target,
    postgres_target,
    set_up,
    sqlite_target,
)
from quote_paths import RawReplay, core_replay, is_begin, load_only, quote_request
from rich.console import Console
from rich.table import Table

from db.engine import READ_ONLY
from pms.kernel.desk import Desk
from pms.reservations.quotes import Offer, quote

AIM_MS = 20.0
STAY_LENGTHS = (14, 1)
WARMUP = 15  # quotes per stay length before the clock starts (statement caches, page cache)

# Wide enough for the table when the output is a file or a pipe.
console = Console() if sys.stdout.isatty() else Console(width=200)

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
        statistics.mean(sum(1 for sql, _ in s if not is_begin(sql)) for s in captured)
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
        title = (
            f"profile: {target.backend}, {count} quotes of {nights} nights in {took:.2f} s "
            f"({_ms(took) / count:.1f} ms each, profiler on), by {order}"
        )
        print_profile(console, profiler, title, order, 30)


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
        f"load average {load_average():.1f}"
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
        f"(load average now {load_average():.1f})"
    )


if __name__ == "__main__":
    main()
