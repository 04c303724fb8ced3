"""Alembic environment: runs on the connection the app hands over, or on the configured URL."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection

from db.engine import make_engine
from db.models import load_all

config = context.config
target_metadata = load_all()  # every table, those loaded on use too


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Use the caller's connection when given one (the app, the tests); else the config's URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    # The bare `alembic` command line: `alembic -x url=...`, or PMS_DATABASE_URL.
    url = (
        context.get_x_argument(as_dictionary=True).get("url")
        or os.environ.get("PMS_DATABASE_URL")
        or config.get_main_option("sqlalchemy.url")
    )
    if not url:
        raise SystemExit("Name the database: alembic -x url=URL ... (or set PMS_DATABASE_URL).")
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported; use `pms db upgrade`.")
run_migrations_online()
