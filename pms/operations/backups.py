"""Backups and restores of the database: `pms backup` and `pms restore`.

SQLite is copied with its online backup API, page by page under the database's own locks, so
the copy is consistent while desks go on working (a file copy of a WAL database is not).
PostgreSQL is dumped by `pg_dump --format=custom` and restored by `pg_restore --clean` in one
transaction. The password, if the URL has one, goes to the tools through PGPASSWORD, never on
their command line where `ps` would show it.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import platformdirs
from sqlalchemy import Engine
from sqlalchemy.engine import URL

from pms.kernel.config import APP_NAME
from pms.kernel.errors import ConfigError, InvalidInput


def default_backup_path(engine: Engine, now: dt.datetime | None = None) -> Path:
    """backups/pms-<when>.<kind> in the user's data directory."""
    moment = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%d-%H%M%S")
    suffix = "sqlite3" if engine.dialect.name == "sqlite" else "dump"
    return Path(platformdirs.user_data_dir(APP_NAME)) / "backups" / f"pms-{moment}.{suffix}"


def _sqlite_file(url: URL) -> str:
    if not url.database or url.database == ":memory:":
        raise InvalidInput("db", "an in-memory database has nothing to back up")
    return url.database


def _pg_tool(tool: str, url: URL, *args: str) -> None:
    found = shutil.which(tool)
    if found is None:
        raise ConfigError(f"{tool} is not installed (it comes with PostgreSQL's client tools)")
    env = os.environ | ({"PGPASSWORD": url.password} if url.password else {})
    dsn = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    done = subprocess.run(
        [found, *args, "--dbname", dsn], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or [f"exit code {done.returncode}"]
        raise ConfigError(f"{tool} failed: {lines[0]}")


def backup(engine: Engine, output: Path | None = None) -> Path:
    """Write a consistent copy of the database to `output` (default: the backups directory)."""
    target = output or default_backup_path(engine)
    target.parent.mkdir(parents=True, exist_ok=True)
    url = engine.url
    if engine.dialect.name == "sqlite":
        with sqlite3.connect(_sqlite_file(url)) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        return target
    _pg_tool("pg_dump", url, "--format=custom", "--no-owner", "--file", str(target))
    return target


def restore(engine: Engine, source: Path) -> None:
    """Replace every row of the database with the backup's (desks should be closed first)."""
    if not source.is_file():
        raise InvalidInput("file", f"there is no backup file {source}")
    engine.dispose()  # no pooled connection of ours holds the database while it is replaced
    url = engine.url
    if engine.dialect.name == "sqlite":
        try:
            with sqlite3.connect(source) as backup_db, sqlite3.connect(_sqlite_file(url)) as db:
                backup_db.execute("PRAGMA schema_version")  # refuses a file that is no database
                backup_db.backup(db)
        except sqlite3.DatabaseError as exc:
            raise InvalidInput("file", f"{source} is not an SQLite backup: {exc}") from exc
        return
    _pg_tool(
        "pg_restore",
        url,
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        str(source),
    )
