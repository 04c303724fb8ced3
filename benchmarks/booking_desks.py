"""Desks in processes: each desk books its share of the stays in a spawned process; a run
collects what they report and checks the database after them.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from booking_checks import Check, verify
from booking_hotel import CLERK, Stay, Target
from booking_raw import raw_desk
from sqlalchemy import event

from pms.kernel.desk import Desk
from pms.kernel.errors import SoldOut
from pms.reservations.booking import book

# ---------------------------------------------------------------------------------------------
# Desks in processes


@dataclass
class DeskResult:
    """What one desk process reports back."""

    started: float = 0.0
    finished: float = 0.0
    cpu: float = 0.0  # process CPU seconds spent on the timed bookings
    booked: list[tuple[str, str]] = field(default_factory=list)  # (key, confirmation)
    timed_ok: int = 0
    failed: Counter[str] = field(default_factory=Counter)
    sold_out: int = 0
    rollbacks: int = 0
    crash: str = ""


def booker(target: Target, path: str) -> tuple[Callable[[Stay], str], Callable[[], int], Any]:
    """A booking function for the path, a rollback counter, and something to close."""
    if path == "raw":
        raw = raw_desk(target)
        return raw.book, lambda: raw.rollbacks, raw
    desk = Desk.open(target.url)
    desk.actor = CLERK
    rollbacks = [0]

    @event.listens_for(desk.engine, "rollback")
    def _count(_conn: Any) -> None:
        rollbacks[0] += 1

    def orm_book(stay: Stay) -> str:
        return desk.run(book, stay.request()).confirmation

    return orm_book, lambda: rollbacks[0], desk


def desk_process(
    target: Target,
    path: str,
    warmup: list[Stay],
    timed: list[Stay],
    barrier: Any,
    results: Any,
) -> None:
    """One desk: warm up, wait for the others, book its share of stays as fast as it can."""
    result = DeskResult()
    try:
        booking, rollbacks, handle = booker(target, path)
        for stays, counted in ((warmup, False), (timed, True)):
            if counted:
                barrier.wait(timeout=120)
                result.started = time.perf_counter()
                cpu = time.process_time()
            for stay in stays:
                try:
                    result.booked.append((stay.key, booking(stay)))
                    result.timed_ok += counted
                except SoldOut:
                    result.sold_out += 1
                except Exception as exc:
                    result.failed[f"{type(exc).__name__}: {str(exc)[:120]}"] += 1
        result.finished = time.perf_counter()
        result.cpu = time.process_time() - cpu
        result.rollbacks = rollbacks()
        handle.close()
    except Exception as exc:
        result.crash = f"{type(exc).__name__}: {exc}"
        barrier.abort()
    results.put(result)


@dataclass
class Run:
    backend: str
    desks: int
    path: str
    timed: int
    ok: int
    seconds: float
    cpu: float
    failed: Counter[str]
    sold_out: int
    retries: int
    check: Check

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms(self) -> float:
        """Desk-side (client) CPU per booking: what the path costs before the database."""
        return 1000 * self.cpu / self.ok if self.ok else 0.0


def run_config(target: Target, path: str, desks: int, stays: list[Stay], warmup: list[Stay]) -> Run:
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(desks)
    results = ctx.Queue()
    procs = [
        ctx.Process(
            target=desk_process,
            args=(target, path, warmup[d::desks], stays[d::desks], barrier, results),
        )
        for d in range(desks)
    ]
    for proc in procs:
        proc.start()
    collected: list[DeskResult] = []
    while len(collected) < desks:
        try:
            collected.append(results.get(timeout=600))
        except queue.Empty:
            raise SystemExit(f"{target.backend} {path} × {desks}: desks did not finish") from None
    for proc in procs:
        proc.join()
    crashes = [r.crash for r in collected if r.crash]
    if crashes:
        raise SystemExit(f"{target.backend} {path} × {desks}: a desk crashed: {crashes[0]}")
    failed: Counter[str] = Counter()
    for r in collected:
        failed.update(r.failed)
    booked = [b for r in collected for b in r.booked]
    by_key = {s.key: s for s in stays + warmup}
    sold_out = sum(r.sold_out for r in collected)
    return Run(
        backend=target.backend,
        desks=desks,
        path=path,
        timed=len(stays),
        ok=sum(r.timed_ok for r in collected),
        seconds=max(r.finished for r in collected) - min(r.started for r in collected),
        cpu=sum(r.cpu for r in collected),
        failed=failed,
        sold_out=sold_out,
        # every rollback is a retry except the ones that ended a failed or sold-out booking
        retries=sum(r.rollbacks for r in collected) - failed.total() - sold_out,
        check=verify(target, booked, by_key),
    )
