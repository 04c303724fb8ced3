"""The models and the Alembic migrations describe the same schema, on both databases."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from db import migrate
from db.models import Base
from pms.kernel.desk import Desk
from pms.kernel.errors import DatabaseUnavailable


def test_autogenerate_finds_nothing_to_migrate(desk: Desk) -> None:
    with desk.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    assert migrate.current_revision(desk.engine) == migrate.head_revision()


def test_a_database_that_was_never_migrated_says_what_to_run(tmp_path) -> None:  # type: ignore[no-untyped-def]
    desk = Desk.open(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    with pytest.raises(DatabaseUnavailable, match=r"is not migrated .* run `pms db upgrade`"):
        desk.check_ready()
    desk.upgrade()
    desk.check_ready()


def test_a_server_that_does_not_answer_gives_one_sentence() -> None:
    desk = Desk.open("postgresql://postgres@127.0.0.1:1/nowhere")
    with pytest.raises(DatabaseUnavailable, match=r"cannot use the database at postgresql"):
        desk.check_ready()
