"""Engines and sessions for SQLite (one desk) and PostgreSQL (many desks).

Nothing connects at import time: the app and the tests decide the URL.
"""

from __future__ import annotations

import contextlib
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from db.prepared import execute_plain

#: How long an SQLite writer waits for another desk's write lock before giving up (seconds).
SQLITE_BUSY_TIMEOUT = 30.0

#: Execution option that marks a connection as read-only, so SQLite need not take the write lock.
READ_ONLY = "pms_read_only"


def normalise_url(url: str | URL) -> URL:
    """Use psycopg 3 for PostgreSQL whatever driver the URL names (or none)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() != "psycopg":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str | URL, **kwargs: Any) -> Engine:
    """Create an engine set up for the dialect's locking rules.

    SQLite runs in WAL mode with foreign keys on and takes its write lock at BEGIN
    (`BEGIN IMMEDIATE`): pysqlite's default deferred transactions lose updates when two desks
    write at once. PostgreSQL runs READ COMMITTED; the guarded updates keep it correct. Pooled
    PostgreSQL connections are not pinged before use (a round trip per transaction): a dead one
    fails its first statement, which invalidates it and the connections pooled with it, and
    `pms.kernel.desk.Desk` runs the unit of work again on a fresh connection.
    """
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT}, **kwargs)
        _set_up_sqlite(engine)
        return engine
    return create_engine(parsed, isolation_level="READ COMMITTED", **kwargs)


def _set_up_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control from pysqlite so that our BEGIN is the one that runs.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "close")
    def _on_close(dbapi_conn: Any, _record: Any) -> None:
        # SQLite's advice for every connection: gather the planner's statistics where they
        # are missing or stale (a no-op most of the time). Without them it reads a property's
        # whole history through the arrival index for a status or departure list.
        with contextlib.suppress(Exception):  # a broken connection is closed all the same
            dbapi_conn.execute("PRAGMA optimize")

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        read_only = conn.get_execution_options().get(READ_ONLY)
        execute_plain(conn, "BEGIN" if read_only else "BEGIN IMMEDIATE")


def make_session_factory(engine: Engine, *, read_only: bool = False) -> sessionmaker[Session]:
    """A session factory bound to the engine; read-only sessions never take a write lock."""
    bind = engine.execution_options(**{READ_ONLY: True}) if read_only else engine
    return sessionmaker(bind=bind, expire_on_commit=False)


def describe(engine: Engine) -> str:
    """A short tag for the header: 'SQLite' or 'PostgreSQL host'."""
    url = engine.url
    if url.get_backend_name() == "sqlite":
        return "SQLite"
    return f"PostgreSQL {url.host or 'local'}"


def dialect_insert(dialect_name: str, table: Any) -> Any:
    """The dialect's own INSERT (the one with `on_conflict_do_nothing`), imported for the
    dialect in use only: a desk on SQLite never loads the PostgreSQL dialect."""
    if dialect_name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)
