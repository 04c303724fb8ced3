"""Search at hotel-group scale: build time, as-you-type latency against raw whoosh, catch-up.

Run it from the repository root::

    .venv/bin/python benchmarks/search.py                    # 100,000 guests on SQLite
    .venv/bin/python benchmarks/search.py --guests 20000 --queries 400
    .venv/bin/python benchmarks/search.py --backend postgresql   # a throw-away database

What it measures.

- **build**: `reindex` (`pms search reindex`) from the tables: documents read from the
  database and written in segments of 25,000 by worker processes (`pms.search.segments`), one
  commit. Aim: under 30 s.
- **queries**: 200 as-you-type queries drawn from the data — one letter, the first 2–5 letters
  of a last name, first and last name started, a piece inside a name, a name with one typo or
  two letters swapped (typos within Elasticsearch's AUTO fuzziness), the last digits
  or the start of a phone number, the start of a confirmation number. Each is timed end to end
  through the service (`Desk.read(search, text)`: session, query building, ranking, result
  lines) and, beside it, run directly on a whoosh searcher of the same index with the query the
  service builds (search plus reading the stored result lines). One untimed pass of every
  query on both paths warms the file caches; then the two are timed query by query, each going
  first every other time. Aim: p95 under 25 ms and the service within 1.3× of raw.
- **catch-up**: 1,000 guests changed at another desk, then one `catch_up` of this desk (read
  the change log, read the changed rows, one commit). Aim: under 1 s. Then one guest is
  anonymised and the desk's next query purges first: that commit rewrites the segments that
  held the guest, so their old documents do not stay readable on disk (checked by reading the
  files for the guest's e-mail). Aim: under 5 s.

The guests are bulk-inserted (like the demo's), with names combined from Faker's name lists of
six locales, real-looking e-mails and valid phone numbers; 20,000 reservations in every state
give the ranking stays to weigh. The index lives in a temporary cache directory. Figures, never
assertions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from faker import Faker
from sqlalchemy import create_engine, insert, select, text
from whoosh import index as whoosh_index

from db.models import (
    Guest,
    Property,
    RatePlan,
    Reservation,
    ReservationStatus,
    Role,
    RoomType,
)
from pms.guests.merge import anonymise_guest
from pms.guests.profile_edits import GuestDetails, update_guest
from pms.hotel.features import add_features
from pms.hotel.properties import add_room, add_room_type, create_property
from pms.kernel.desk import Actor, Desk
from pms.search.schema import FlatWeighting
from pms.search.service import build_query, catch_up, close_indexes, reindex, search
from pms.search.typos import NameLexicon

PHONE_PREFIXES = ["+351 91", "+351 93", "+44 7700 9", "+34 612", "+49 151", "+33 6 12", "+39 347"]
STATUSES = [
    ReservationStatus.CHECKED_OUT,
    ReservationStatus.CHECKED_OUT,
    ReservationStatus.CHECKED_OUT,
    ReservationStatus.CONFIRMED,
    ReservationStatus.CONFIRMED,
    ReservationStatus.CHECKED_IN,
    ReservationStatus.CANCELLED,
    ReservationStatus.NO_SHOW,
]


def set_up(desk: Desk, guests: int, reservations: int, seed: int) -> list[dict[str, str]]:
    """A hotel, `guests` bulk-inserted profiles and `reservations` stays; returns the guests."""
    rng = random.Random(seed)
    fake = Faker(["en_GB", "pt_PT", "es_ES", "de_DE", "fr_FR", "it_IT"])
    fake.seed_instance(seed)
    firsts = list({fake.first_name() for _ in range(3000)})
    lasts = list({fake.last_name() for _ in range(5000)})

    def _hotel(session) -> None:  # type: ignore[no-untyped-def]
        create_property(session, "BEN", "Benchmark Hotel", business_date=dt.date.today())
        add_features(session, "BEN", ["sea view"])
        add_room_type(session, "BEN", "DBL", "Double", max_occupancy=3, price=12000)
        add_room_type(session, "BEN", "SUI", "Suite", max_occupancy=4, price=30000,
                      features=["sea view"])  # fmt: skip
        for number in range(100):
            add_room(session, "BEN", f"{number // 20 + 1}{number % 20 + 1:02d}",
                     "SUI" if number % 10 == 0 else "DBL")  # fmt: skip

    desk.run(_hotel)
    rows = []
    for n in range(guests):
        first, last = rng.choice(firsts), rng.choice(lasts)
        local = f"{first}.{last}{n}".lower().replace(" ", "").replace("'", "")
        phone = f"{rng.choice(PHONE_PREFIXES)}{rng.randrange(10**6):06d}".replace(" ", "")
        rows.append(
            {
                "first_name": first,
                "last_name": last,
                "email": f"{local}@example.com",
                "phone": phone,
                "city": fake.city() if n % 50 == 0 else "",
                "loyalty_number": f"LX{n:07d}" if n % 7 == 0 else None,
            }
        )

    def _bulk(session) -> None:  # type: ignore[no-untyped-def]
        for start in range(0, len(rows), 10_000):
            session.execute(insert(Guest), rows[start : start + 10_000])
        ids = list(session.scalars(select(Guest.id)))
        prop = session.scalar(select(Property))
        plan = session.scalar(select(RatePlan))
        types = list(session.scalars(select(RoomType.id)))
        today = prop.business_date
        stays = []
        for _ in range(reservations):
            arrival = today + dt.timedelta(days=rng.randint(-300, 200))
            stays.append(
                {
                    "property_id": prop.id,
                    "confirmation": uuid.uuid4().hex[:4].upper()
                    + "-"
                    + uuid.uuid4().hex[:4].upper(),
                    "guest_id": rng.choice(ids),
                    "room_type_id": rng.choice(types),
                    "rate_plan_id": plan.id,
                    "arrival": arrival,
                    "departure": arrival + dt.timedelta(days=rng.randint(1, 7)),
                    "adults": 2,
                    "status": rng.choice(STATUSES),
                    "version": 1,
                }
            )
        session.execute(insert(Reservation), stays)

    desk.run(_bulk)
    return rows


def queries(rows: list[dict[str, str]], desk: Desk, count: int, seed: int) -> list[str]:
    """As-you-type queries a desk would send, drawn from the data."""
    rng = random.Random(seed + 1)
    confirmations = desk.read(
        lambda s: list(s.scalars(select(Reservation.confirmation).limit(2000)))
    )
    made: list[str] = []
    while len(made) < count:
        guest = rng.choice(rows)
        last, first = guest["last_name"], guest["first_name"]
        roll = rng.random()
        if roll < 0.05:
            made.append(last[0])  # one letter: its start
        elif roll < 0.35:
            made.append(last[: rng.randint(2, 5)])
        elif roll < 0.50:
            made.append(f"{first[:3]} {last[:3]}")
        elif roll < 0.60 and len(last) > 5:
            start = rng.randint(1, len(last) - 4)
            made.append(last[start : start + 3])
        elif roll < 0.70 and len(last) > 4:
            i = rng.randrange(1, len(last))
            made.append(last[:i] + "x" + last[i + 1 :])
        elif roll < 0.75 and len(last) > 3:
            i = rng.randrange(1, len(last) - 1)  # two letters swapped: one typo
            made.append(last[:i] + last[i + 1] + last[i] + last[i + 2 :])
        elif roll < 0.85:
            digits = guest["phone"].lstrip("+")
            made.append(digits[-4:] if rng.random() < 0.5 else "+" + digits[:8])
        elif roll < 0.95:
            made.append(rng.choice(confirmations)[: rng.randint(4, 9)])
        else:
            made.append(last)
    return made


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guests", type=int, default=100_000)
    parser.add_argument("--reservations", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--changes", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="pms-search-bench-"))
    os.environ["XDG_CACHE_HOME"] = str(work / "cache")
    admin_url = os.environ.get(
        "PMS_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    name = f"pms_search_bench_{uuid.uuid4().hex[:8]}"
    if args.backend == "sqlite":
        url = f"sqlite:///{work / 'bench.sqlite3'}"
    else:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    desk = Desk.open(url)
    try:
        desk.upgrade()
        print(f"backend {args.backend}; {args.guests:,} guests, {args.reservations:,} stays")
        started = time.perf_counter()
        rows = set_up(desk, args.guests, args.reservations, args.seed)
        print(f"data generated and inserted in {time.perf_counter() - started:.1f} s")
        desk.actor = Actor("bench", Role.MANAGER)
        run(desk, url, rows, args)
    finally:
        close_indexes()
        desk.close()
        if args.backend == "postgresql":
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
        shutil.rmtree(work, ignore_errors=True)


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (a build's worker processes):
    on a shared machine, the figure that does not move with the other sessions' load."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run(desk: Desk, url: str, rows: list[dict[str, str]], args: argparse.Namespace) -> None:
    cpu = cpu_seconds()
    report = desk.read(reindex)
    cpu = cpu_seconds() - cpu
    size = sum(f.stat().st_size for f in Path(report.path).glob("*")) / 2**20
    documents = report.guests + report.rooms + report.reservations
    segment_count = len(list(Path(report.path).glob("*.seg")))
    print(
        f"build: {report.seconds:.1f} s for {documents:,} documents "
        f"({documents / report.seconds:,.0f} docs/s, aim < 30 s), CPU {cpu:.1f} s (workers "
        f"included), index {size:.0f} MiB in {segment_count} segments, load average "
        f"{os.getloadavg()[0]:.1f}"
    )

    texts = queries(rows, desk, args.queries, args.seed)
    raw_searcher = whoosh_index.open_dir(report.path).searcher(weighting=FlatWeighting())
    # The raw path runs the very query the service builds, typo names found beforehand (the
    # service's own time includes finding them).
    lexicon = NameLexicon()
    built = [build_query(t, typos=lambda w: lexicon.within(raw_searcher, w)) for t in texts]

    def raw(query: object) -> None:
        [hit["data"] for hit in raw_searcher.search(query, limit=20)]

    for t, q in zip(texts, built, strict=True):  # one pass each first: warm file caches
        desk.read(search, t)
        raw(q)
    service_ms, raw_ms = [], []
    for n, (t, q) in enumerate(zip(texts, built, strict=True)):
        # Interleaved, each path first every other time: both see the same machine load.
        timings = [timed(lambda t=t: desk.read(search, t)), timed(lambda q=q: raw(q))]
        if n % 2:
            timings = [timed(lambda q=q: raw(q)), timed(lambda t=t: desk.read(search, t))][::-1]
        service_ms.append(timings[0])
        raw_ms.append(timings[1])
    p50s, p95s = percentile(service_ms, 0.5), percentile(service_ms, 0.95)
    p50r, p95r = percentile(raw_ms, 0.5), percentile(raw_ms, 0.95)
    print(f"{len(texts)} as-you-type queries (limit 20), ms:")
    print(f"  {'':8} {'p50':>7} {'p95':>7} {'max':>7} {'mean':>7}")
    for label, values in (("service", service_ms), ("raw", raw_ms)):
        print(
            f"  {label:8} {percentile(values, 0.5):7.2f} {percentile(values, 0.95):7.2f} "
            f"{max(values):7.2f} {statistics.fmean(values):7.2f}"
        )
    print(f"  service/raw: p50 {p50s / p50r:.2f}×, p95 {p95s / p95r:.2f}× (aim ≤ 1.3×, p95 < 25)")
    slowest = sorted(zip(service_ms, texts, strict=True), reverse=True)[:5]
    print("  slowest through the service: " + ", ".join(f"{t!r} {ms:.1f}" for ms, t in slowest))
    raw_searcher.close()

    other = Desk.open(url)
    other.actor = Actor("other", Role.MANAGER)
    ids = desk.read(lambda s: list(s.scalars(select(Guest.id).limit(args.changes))))
    for n, guest_id in enumerate(ids):
        other.run(update_guest, guest_id, GuestDetails(city=f"Changed City {n}"))
    other.close()
    started = time.perf_counter()
    applied = desk.read(catch_up)
    seconds = time.perf_counter() - started
    check = desk.read(search, f"changed city {len(ids) - 1}", kind="guest")
    print(
        f"catch-up: {applied:,} changes applied in {seconds * 1000:.0f} ms (aim < 1 s); "
        f"found after: {bool(check)}"
    )
    email = desk.read(lambda s: s.scalar(select(Guest.email).where(Guest.id == ids[0])))
    segments_before = {f.name for f in Path(report.path).glob("*.seg")}
    desk.run(anonymise_guest, ids[0])
    # The next query of the desk purges first (as every desk's does): that is the time a clerk
    # waits once, after an anonymisation anywhere.
    cpu = time.process_time()
    seconds = timed(lambda: desk.read(search, "anything")) / 1000
    cpu = time.process_time() - cpu
    left = [f.name for f in Path(report.path).glob("*") if email.encode() in f.read_bytes()]
    rewritten = len(segments_before - {f.name for f in Path(report.path).glob("*.seg")})
    print(
        f"anonymise one guest, the next query purging first: {seconds:.1f} s, CPU {cpu:.1f} s "
        f"(aim < 5 s); "
        f"segments rewritten {rewritten} of {len(segments_before)}; "
        f"files still holding the e-mail: {left or 'none'}"
    )
    print(f"index at {report.path}")


if __name__ == "__main__":
    main()
