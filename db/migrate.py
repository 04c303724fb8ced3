"""Schema migrations through Alembic, run on an engine the caller owns.

Alembic itself loads only to migrate (`pms db upgrade`, `pms init`): the check every desk makes
when it starts reads the revision files' headers and the database's version row, one query.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from alembic.config import Config

#: `revision = 'abc'` and `down_revision = 'def'` (or a tuple, or None) in a revision file.
_REVISION = re.compile(r"^revision\b[^=]*=\s*['\"]([0-9a-zA-Z_]+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\b[^=]*=(.*)$", re.MULTILINE)
_QUOTED = re.compile(r"['\"]([0-9a-zA-Z_]+)['\"]")


def _migrations_dir() -> Path:
    """The top-level `migrations/` folder, found without importing it: importing would run
    nothing, but a `db -> migrations` arrow would tie the bottom floor to Alembic's scripts."""
    spec = importlib.util.find_spec("migrations")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the migrations/ package is not installed beside db/")
    return Path(next(iter(spec.submodule_search_locations)))


MIGRATIONS_DIR = _migrations_dir()


def alembic_config() -> Config:
    """Alembic's config pointing at our migrations, with dated file names."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    return config


def head_revision() -> str | None:
    """The newest revision the code knows, as Alembic's script directory says."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


@functools.cache
def code_head() -> str | None:
    """The newest revision the code knows, read from the revision files' headers without
    loading Alembic (a test holds it equal to `head_revision`).

    The head is the one revision no other revision names as its `down_revision`.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        found = _REVISION.search(source)
        if found is None:
            continue
        revisions.add(found.group(1))
        down = _DOWN_REVISION.search(source)
        if down is not None:
            parents.update(_QUOTED.findall(down.group(1)))
    heads = sorted(revisions - parents)
    if len(heads) > 1:
        raise RuntimeError(f"the migrations have more than one head: {', '.join(heads)}")
    return heads[0] if heads else None


def stored_revision(conn: Connection) -> str | None:
    """The revision the database is at, from Alembic's version row (None when never migrated).

    One query: a database without the version table was never migrated.
    """
    try:
        rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except DBAPIError as exc:
        if _is_missing_table(exc):
            return None
        raise
    return ",".join(sorted(rows)) if rows else None


def _is_missing_table(exc: DBAPIError) -> bool:
    if getattr(exc.orig, "sqlstate", None) == "42P01":  # PostgreSQL: undefined_table
        return True
    return "no such table" in str(exc.orig)  # SQLite


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None when it was never migrated)."""
    with engine.connect() as conn:
        return stored_revision(conn)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision` in one transaction."""
    from alembic import command

    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
