"""The database itself holds typed text to its column's length, on SQLite as on PostgreSQL.

A script or another tool that writes past `pms` (a raw INSERT) meets the same limit the
validation gives a clerk: SQLite through the `ck_<table>_<column>_length` checks, PostgreSQL
through the VARCHAR length and the same checks.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import CheckConstraint, Engine, insert, inspect, select, text
from sqlalchemy.exc import DataError, IntegrityError

from db import migrate
from db.folios import Folio, Posting
from db.models import Base, Guest, Property
from pms.kernel.desk import Desk

#: The revision before the length checks.
BEFORE_CHECKS = "d4e7a1b2c3f5"
#: What each backend raises for text past its column: SQLite's CHECK, PostgreSQL's VARCHAR.
TOO_LONG = (IntegrityError, DataError)


def declared_checks() -> set[str]:
    """The names of the length checks the models declare."""
    return {
        str(check.name)
        for table in Base.metadata.tables.values()
        for check in table.constraints
        if isinstance(check, CheckConstraint) and str(check.name).endswith("_length")
    }


def stored_checks(engine: Engine) -> set[str]:
    """The names of the length checks the database holds."""
    inspector = inspect(engine)
    return {
        check["name"]
        for table in inspector.get_table_names()
        for check in inspector.get_check_constraints(table)
        if check["name"] and check["name"].endswith("_length")
    }


def test_each_check_allows_what_the_validation_allows() -> None:
    # `guard_lengths` refuses text longer than its column before every flush: each database
    # check names that same column and that same length, so the two never disagree.
    checks = {
        str(check.name): (str(check.sqltext), table.name)
        for table in Base.metadata.tables.values()
        for check in table.constraints
        if isinstance(check, CheckConstraint) and str(check.name).endswith("_length")
    }
    assert len(checks) == 42
    for name, (sql, table) in checks.items():
        column = name.removeprefix(f"ck_{table}_").removesuffix("_length")
        longest = Base.metadata.tables[table].c[column].type.length
        assert sql == f"length({column}) <= {longest}", name


def test_the_database_holds_the_checks_the_models_declare(desk: Desk) -> None:
    assert stored_checks(desk.engine) == declared_checks()


def test_a_raw_insert_of_a_guest_name_too_long_is_refused(desk: Desk) -> None:
    with desk.engine.begin() as conn:  # the longest name the desk accepts is stored
        conn.execute(insert(Guest).values(first_name="A" * 80, last_name="B" * 80))
    with pytest.raises(TOO_LONG) as refused, desk.engine.begin() as conn:
        conn.execute(insert(Guest).values(first_name="Ada", last_name="L" * 100_000))
    if desk.engine.dialect.name == "sqlite":
        assert "ck_guests_last_name_length" in str(refused.value)
    with pytest.raises(TOO_LONG), desk.engine.begin() as conn:  # not past `insert()` either
        conn.execute(
            text(
                "INSERT INTO guests (first_name, last_name, email, phone, company, city, "
                "country, vip_level, preferences, notes, do_not_rent, do_not_rent_reason, "
                "created_at) VALUES (:name, 'Lovelace', '', '', '', '', '', 0, '{}', '', "
                "false, '', CURRENT_TIMESTAMP)"
            ),
            {"name": "A" * 81},
        )
    with desk.engine.connect() as conn:
        assert conn.execute(select(Guest.last_name)).scalars().all() == ["B" * 80]


def test_a_raw_insert_of_a_posting_description_too_long_is_refused(hotel: Desk) -> None:
    with hotel.engine.begin() as conn:
        property_id, today = conn.execute(select(Property.id, Property.business_date)).first()
        folio_id = conn.execute(
            insert(Folio)
            .values(property_id=property_id, name="Acme Ltd", kind="city_ledger", version=1)
            .returning(Folio.id)
        ).scalar_one()

    def post(description: str) -> None:
        with hotel.engine.begin() as conn:
            conn.execute(
                insert(Posting).values(
                    folio_id=folio_id,
                    business_date=today,
                    kind="charge",
                    code="MISC",
                    description=description,
                    amount=1000,
                    username="script",
                )
            )

    post("D" * 200)
    with pytest.raises(TOO_LONG) as refused:
        post("D" * 201)
    if hotel.engine.dialect.name == "sqlite":
        assert "ck_postings_description_length" in str(refused.value)


def test_the_checks_go_down_and_up_again(desk: Desk) -> None:
    from alembic import command

    config = migrate.alembic_config()
    with desk.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, BEFORE_CHECKS)
    assert stored_checks(desk.engine) == set()
    migrate.upgrade(desk.engine)
    assert stored_checks(desk.engine) == declared_checks()
    with desk.engine.connect() as conn:
        if desk.engine.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"


def test_an_sqlite_file_with_a_name_already_too_long_is_not_upgraded(
    tmp_path: Path, sqlite_template: Path
) -> None:
    # Before the checks SQLite stored any length; the upgrade names what to shorten and
    # leaves the file as it was rather than add a rule its rows already break.
    from alembic import command

    path = tmp_path / "old.sqlite3"
    shutil.copy(sqlite_template, path)
    desk = Desk.open(f"sqlite:///{path}")
    config = migrate.alembic_config()
    with desk.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, BEFORE_CHECKS)
    with desk.engine.begin() as conn:
        conn.execute(insert(Guest).values(last_name="L" * 300))
    with pytest.raises(RuntimeError, match=r"1 row\(s\) of guests have a last_name longer than 80"):
        migrate.upgrade(desk.engine)
    assert migrate.current_revision(desk.engine) == BEFORE_CHECKS
    assert stored_checks(desk.engine) == set()
    with desk.engine.begin() as conn:
        conn.execute(text("UPDATE guests SET last_name = 'Lovelace'"))
    migrate.upgrade(desk.engine)
    assert stored_checks(desk.engine) == declared_checks()
    desk.close()
