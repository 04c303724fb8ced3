"""Desks in separate processes, for the race tests: each opens its own engine from a URL,
waits at a barrier so that all of them hit the database at once, and reports what it got."""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
from collections.abc import Callable
from typing import Any

from db.models import Role
from pms.guests.lookup import GuestInput
from pms.kernel.desk import Actor, Desk
from pms.kernel.errors import PmsError
from pms.reservations.booking import BookingRequest, book
from pms.stays.rooms import assign_room

SPAWN = mp.get_context("spawn")


def book_at_once(
    url: str, barrier: Any, results: Any, room_type: str, key: str | None, name: str
) -> None:
    """Book a stay on 3–5 December as soon as every desk is ready."""
    desk = Desk.open(url)
    desk.actor = Actor("ana", Role.CLERK)
    request = BookingRequest(
        arrival=dt.date(2026, 12, 3),
        departure=dt.date(2026, 12, 5),
        room_type=room_type,
        guest=GuestInput(name),
        idempotency_key=key,
    )
    _report(desk, barrier, results, lambda: desk.run(book, request).confirmation)


def assign_at_once(url: str, barrier: Any, results: Any, confirmation: str, room: str) -> None:
    """Give `room` to the stay as soon as every desk is ready."""
    desk = Desk.open(url)
    desk.actor = Actor("ana", Role.CLERK)
    _report(desk, barrier, results, lambda: desk.run(assign_room, confirmation, room).confirmation)


def _report(desk: Desk, barrier: Any, results: Any, action: Callable[[], str]) -> None:
    desk.read(lambda session: None)  # connect before the start line, not after it
    barrier.wait()
    try:
        results.put(("ok", action()))
    except PmsError as exc:
        results.put((type(exc).__name__, str(exc)))
    except Exception as exc:
        results.put(("crash", repr(exc)))
    finally:
        desk.close()


def race(target: Callable[..., None], runs: list[tuple[Any, ...]]) -> list[tuple[str, str]]:
    """Start one process per argument tuple and collect what each one got."""
    barrier = SPAWN.Barrier(len(runs))
    results = SPAWN.Queue()
    processes = [
        SPAWN.Process(target=target, args=(args[0], barrier, results, *args[1:])) for args in runs
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    return outcomes
