"""The models and the Alembic migrations describe the same schema, on both databases."""

from __future__ import annotations

import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from db import migrate
from db.models import load_all
from pms.kernel.desk import Desk
from pms.kernel.errors import DatabaseUnavailable


def test_autogenerate_finds_nothing_to_migrate(desk: Desk) -> None:
    with desk.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, load_all()) == []
    assert migrate.current_revision(desk.engine) == migrate.head_revision()


def test_the_models_no_relationship_joins_load_when_first_named() -> None:
    """A read command builds only the mappers it reads with: the house, rates, guests, stays and
    users load with `db.models`; the others (and `db.folios`) when first named or all at once."""
    script = (
        "import sys\nimport db.models\n"
        "on_use = ['db.models.' + m for m in ('channels', 'logs', 'loyalty', 'night_audit', "
        "'reviews')] + ['db.folios']\n"
        "print(*[m for m in on_use if m in sys.modules])\n"
        "db.models.Review\nprint(*[m for m in on_use if m in sys.modules])\n"
        "tables = len(db.models.load_all().tables)\n"
        "print(*[m for m in on_use if m not in sys.modules], tables)\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert run.stdout.splitlines() == ["", "db.models.reviews", str(len(load_all().tables))]


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


def test_the_start_up_check_knows_the_same_head_as_alembic() -> None:
    # Every desk compares the database with the head read from the revision files' headers,
    # so that starting a command never loads Alembic; the two must agree.
    assert migrate.code_head() == migrate.head_revision()


def test_every_audit_row_queues_its_entity_in_the_change_log(desk: Desk) -> None:
    # One INSERT per audited change: the database's trigger writes the change-log row.
    from sqlalchemy import select

    from db.models import ChangeLog
    from pms.kernel.audit import record

    def _audit(session) -> None:  # type: ignore[no-untyped-def]
        record(session, "create", "guest", 7, after={"name": "Ada"})
        record(session, "update", "guest", 7)
        record(session, "delete", "room", 3)
        record(session, "anonymise", "guest", 7)

    desk.run(_audit)
    queued = desk.read(
        lambda session: [
            tuple(row)
            for row in session.execute(
                select(ChangeLog.entity, ChangeLog.entity_id, ChangeLog.operation).order_by(
                    ChangeLog.id
                )
            )
        ]
    )
    assert queued == [
        ("guest", 7, "insert"), ("guest", 7, "update"), ("room", 3, "delete"), ("guest", 7, "purge")
    ]  # fmt: skip


def test_postings_flagged_imported_go_down_and_up_again(desk: Desk) -> None:
    # The column marking imported history comes and goes with its migration; the postings
    # already on file are ours (false).
    from alembic import command
    from alembic.script import ScriptDirectory
    from sqlalchemy import inspect

    def columns() -> set[str]:
        return {c["name"] for c in inspect(desk.engine).get_columns("postings")}

    config = migrate.alembic_config()
    below = ScriptDirectory.from_config(config).get_revision("5d7a0b3e91c2").down_revision
    with desk.engine.begin() as conn:  # below it, wherever the chain puts it
        config.attributes["connection"] = conn
        command.downgrade(config, str(below))
    assert "imported" not in columns()
    migrate.upgrade(desk.engine)
    assert "imported" in columns()
    assert migrate.current_revision(desk.engine) == migrate.head_revision()


def test_the_newest_migrations_go_down_and_up_again(desk: Desk) -> None:
    # This session's migrations (the payments' pending index, imported postings, restricted
    # rate plans) come after c989657718e0: both directions run
    # on each database, and the way back up ends where the models are.
    from alembic import command

    config = migrate.alembic_config()
    with desk.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "c989657718e0")
    assert migrate.current_revision(desk.engine) == "c989657718e0"
    migrate.upgrade(desk.engine)
    test_autogenerate_finds_nothing_to_migrate(desk)
