"""What the benchmarks share: throw-away databases, the raw sqlite3 connection, statement
capture and cProfile output.

SQLite is a WAL file in a temporary directory; PostgreSQL is a database created on the server
named by `PMS_BENCH_POSTGRES_URL` (default `postgresql://postgres@127.0.0.1:5432/postgres`) and
dropped at the end.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from rich.console import Console
from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url

ADMIN_URL = os.environ.get(
    "PMS_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)

Statement = tuple[str, Any]


@contextmanager
def temp_sqlite(prefix: str) -> Iterator[tuple[str, str]]:
    """A database file in a temporary directory: (SQLAlchemy URL, file path for sqlite3)."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        path = Path(tmp) / "bench.sqlite3"
        yield f"sqlite:///{path}", str(path)


@contextmanager
def temp_postgres(prefix: str) -> Iterator[tuple[str, str]]:
    """A database created for the run and dropped after it: (SQLAlchemy URL, psycopg DSN)."""
    admin = make_url(ADMIN_URL).set(drivername="postgresql")
    admin_dsn = admin.render_as_string(hide_password=False)
    name = f"{prefix}{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    dsn = admin.set(database=name).render_as_string(hide_password=False)
    try:
        yield dsn.replace("postgresql://", "postgresql+psycopg://", 1), dsn
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def connect_sqlite(path: str) -> sqlite3.Connection:
    """sqlite3 set up like `db.engine`: WAL, foreign keys, synchronous=NORMAL; no implicit
    transactions (the caller sends BEGIN)."""
    conn = sqlite3.connect(path, timeout=30.0, isolation_level=None)
    for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL"):
        conn.execute(f"PRAGMA {pragma}")
    return conn


@contextmanager
def capturing(engine: Engine) -> Iterator[list[Statement]]:
    """Every statement (and its parameters) sent through the engine while inside."""
    seen: list[Statement] = []

    def _capture(_c: Any, _cur: Any, statement: str, params: Any, *_: Any) -> None:
        seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", _capture)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", _capture)


def load_average() -> float:
    """The one-minute load average (printed at the start and the end: the figures are noisy)."""
    return os.getloadavg()[0]


def print_profile(
    console: Console, profiler: cProfile.Profile, title: str, order: str, lines: int
) -> None:
    """A rule titled `title`, then the profile's top `lines` functions sorted by `order`."""
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats(order).print_stats(lines)
    console.rule(title)
    console.print(out.getvalue(), markup=False, highlight=False)
