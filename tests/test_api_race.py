"""The desk and the API racing for the last room, and a channel's retries racing each other,
each racer a separate process at one barrier: never an oversell, never a double booking."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from api_racers import book_over_api_at_once
from racers import SPAWN, book_at_once
from sqlalchemy import select
from test_api import make_key

from db.models import Inventory, Reservation, RoomType
from pms.kernel.desk import Desk

pytestmark = pytest.mark.slow


@pytest.fixture
def pg_url(db_url: str) -> str:
    """Only PostgreSQL races: SQLite's one writer at a time (BEGIN IMMEDIATE) has nothing to
    race, and its desks' races are in test_concurrency.py."""
    if not db_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL race")
    return db_url


def _race(runs: list[tuple[Any, ...]]) -> list[tuple[str, str]]:
    """Start every (target, url, *args) at one barrier; what each got."""
    barrier = SPAWN.Barrier(len(runs))
    results = SPAWN.Queue()
    processes = [
        SPAWN.Process(target=target, args=(url, barrier, results, *args))
        for target, url, *args in runs
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    return outcomes


def _suite(desk: Desk) -> tuple[list[int], int]:
    def _read(session: Any) -> tuple[list[int], int]:
        suite = session.scalar(select(RoomType.id).where(RoomType.code == "SUI"))
        sold = session.scalars(
            select(Inventory.sold).where(Inventory.room_type_id == suite).order_by(Inventory.night)
        ).all()
        stays = session.scalars(
            select(Reservation.id).where(
                Reservation.room_type_id == suite, Reservation.status == "confirmed"
            )
        ).all()
        return list(sold), len(stays)

    return desk.read(_read)


def test_desks_and_the_api_race_for_the_last_suite_and_one_wins(hotel: Desk, pg_url: str) -> None:
    key = make_key(hotel)
    desks = [(book_at_once, pg_url, "SUI", None, f"Desk Guest{i}") for i in range(2)]
    channels = [(book_over_api_at_once, pg_url, key, f"web-{i}", f"Web{i}") for i in range(2)]
    outcomes = _race([*desks, *channels])
    kinds = Counter(kind for kind, _ in outcomes)
    assert kinds["ok"] == 1, outcomes
    assert kinds["SoldOut"] + kinds["sold_out"] == 3, outcomes
    assert _suite(hotel) == ([1, 1], 1)


def test_a_channel_retrying_at_once_books_once(hotel: Desk, pg_url: str) -> None:
    key = make_key(hotel)
    outcomes = _race([(book_over_api_at_once, pg_url, key, "same-key", "Lee")] * 3)
    assert {kind for kind, _ in outcomes} == {"ok"}, outcomes
    assert len({confirmation for _, confirmation in outcomes}) == 1
    assert _suite(hotel) == ([1, 1], 1)
