"""The database itself holds every text of a set length to it, on SQLite as on PostgreSQL.

A script or another tool that writes past `pms` (a raw INSERT) meets the same limit the
validation gives a clerk: SQLite through the `ck_<table>_<column>_length` checks, PostgreSQL
through the VARCHAR length and the same checks. That holds for the names a clerk types as for
the codes and states the system writes, and for the names an administrator gives loyalty
programmes, review categories or a property's time zone, which the commands refuse in one line.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import CLERK, MANAGER
from sqlalchemy import CheckConstraint, Engine, String, insert, inspect, select, text, update
from sqlalchemy.exc import DataError, IntegrityError
from test_cli import one_line_error, pms

from db import migrate
from db.folios import Folio, Posting
from db.models import (
    Guest,
    LoyaltyProgramme,
    Property,
    Reservation,
    ReviewCategory,
    SignInAttempt,
    load_all,
)
from pms.guests.lookup import GuestInput
from pms.kernel.desk import Desk
from pms.loyalty.programme import ProgrammeTerms, set_programme
from pms.rates.entitlement import entitle_company
from pms.rates.plan_terms import PlanTermsInput
from pms.rates.plans import create_rate_plan
from pms.reservations.booking import BookingRequest, book
from pms.reviews.entry import review_categories

#: The revision before the length checks.
BEFORE_CHECKS = "d4e7a1b2c3f5"
#: The revision that checked the text people type, before every String(N) was checked and
#: reservations had a company.
TYPED_TEXT_CHECKED = "e5f8b2c4d6a7"
#: What each backend raises for text past its column: SQLite's CHECK, PostgreSQL's VARCHAR.
TOO_LONG = (IntegrityError, DataError)
#: Every table the models declare, those loaded on use too.
SCHEMA = load_all()


def declared_checks() -> set[str]:
    """The names of the length checks the models declare."""
    return {
        str(check.name)
        for table in SCHEMA.tables.values()
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


def limited_columns() -> set[str]:
    """`table.column` of every text column of a set length in the models."""
    return {
        f"{table.name}.{column.name}"
        for table in SCHEMA.tables.values()
        for column in table.columns
        if isinstance(column.type, String) and column.type.length
    }


def test_every_text_column_of_a_set_length_has_its_check() -> None:
    # Derived from the metadata, not a list: a column added later is checked too.
    assert len(limited_columns()) == 116  # the VAT of extras: charge_taxes.code, postings.vat_code
    assert {"loyalty_programmes.name", "review_categories.name", "properties.timezone",
            "reservations.company", "reservations.status"} <= limited_columns()  # fmt: skip
    assert declared_checks() == {
        f"ck_{name.replace('.', '_')}_length" for name in limited_columns()
    }


def test_a_reservation_s_company_is_as_long_as_a_guest_s() -> None:
    assert Reservation.__table__.c.company.type.length == Guest.__table__.c.company.type.length


def test_each_check_allows_what_the_validation_allows() -> None:
    # `guard_lengths` refuses text longer than its column before every flush: each database
    # check names that same column and that same length, so the two never disagree.
    checks = {
        str(check.name): (str(check.sqltext), table.name)
        for table in SCHEMA.tables.values()
        for check in table.constraints
        if isinstance(check, CheckConstraint) and str(check.name).endswith("_length")
    }
    for name, (sql, table) in checks.items():
        column = name.removeprefix(f"ck_{table}_").removesuffix("_length")
        longest = SCHEMA.tables[table].c[column].type.length
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


def refused(engine: Engine, statement: Any, check: str) -> None:
    """`statement` run raw fails on the database's length rule (named, on SQLite)."""
    with pytest.raises(TOO_LONG) as failed, engine.begin() as conn:
        conn.execute(statement)
    if engine.dialect.name == "sqlite":
        assert check in str(failed.value)


def test_raw_writes_of_codes_and_administrators_names_too_long_are_refused(hotel: Desk) -> None:
    engine = hotel.engine
    with engine.connect() as conn:
        property_id = conn.execute(select(Property.id)).scalar_one()
    category = {"property_id": property_id, "code": "breakfast", "position": 9}
    programme = {"code": "HARBOUR", "qualify_on": "nights", "period": "rolling"}
    with engine.begin() as conn:  # at the limit: stored
        conn.execute(insert(ReviewCategory).values(category | {"name": "B" * 80}))
        conn.execute(insert(LoyaltyProgramme).values(programme | {"name": "H" * 80}))
    refused(engine, insert(ReviewCategory).values(category | {"code": "view", "name": "B" * 81}),
            "ck_review_categories_name_length")  # fmt: skip
    other = programme | {"code": "OTHER", "name": "H" * 81}
    refused(engine, insert(LoyaltyProgramme).values(other), "ck_loyalty_programmes_name_length")
    refused(engine, update(Property).values(timezone="Europe/" + "X" * 58),
            "ck_properties_timezone_length")  # fmt: skip
    refused(engine, insert(SignInAttempt).values(username="u" * 41, outcome="failed"),
            "ck_sign_in_attempts_username_length")  # fmt: skip
    hotel.run(book, BookingRequest(arrival="3.12", nights=1, room_type="DBL",
                                   guest=GuestInput("Rui Costa")))  # fmt: skip
    refused(engine, update(Reservation).values(company="T" * 121), "ck_reservations_company_length")
    refused(engine, update(Reservation).values(source="a channel with a long name"),
            "ck_reservations_source_length")  # fmt: skip
    with engine.connect() as conn:
        assert conn.execute(select(Property.timezone)).scalar_one() == "Europe/Lisbon"
        assert conn.execute(select(Reservation.company)).scalar_one() is None


def test_the_commands_refuse_an_administrator_s_name_too_long_in_one_line(
    hotel: Desk, db_url: str
) -> None:
    # Refused by the validation before the database sees it: one line naming the field, the
    # same on both backends, never a DataError or an IntegrityError.
    maria, admin, long = ("--user", "maria"), ("--user", "admin"), "N" * 81
    programme = ("loyalty", "programme", "set", "HARBOUR", "--name")
    assert one_line_error(pms(db_url, *maria, *programme, long)) == (
        "a programme needs a name of 1 to 80 characters"
    )
    assert pms(db_url, *maria, *programme, "Harbour Rewards").exit_code == 0
    tier = ("loyalty", "tier", "set", "HARBOUR", "BLUE", "--rank", "0", "--name")
    assert one_line_error(pms(db_url, *maria, *tier, long)) == (
        "a tier needs a name of 1 to 80 characters"
    )
    category = ("review", "category", "breakfast", "--name")
    assert one_line_error(pms(db_url, *maria, *category, long)) == (
        "a category's name is at most 80 characters"
    )
    too_long_zone = "Europe/" + "X" * 58
    edited = one_line_error(pms(db_url, *maria, "property", "edit", "--timezone", too_long_zone))
    assert edited.startswith("timezone: 'Europe/XXX")
    assert edited.endswith("is not a time zone (e.g. Europe/Lisbon)")
    added = one_line_error(pms(db_url, *admin, "property", "add", "NEW", "--name", "New Inn",
                               "--timezone", too_long_zone))  # fmt: skip
    assert added.startswith("timezone: ") and "is not a time zone" in added
    assert len(edited) < 120 and len(added) < 120  # the value is not echoed whole
    with hotel.engine.connect() as conn:
        assert conn.execute(select(Property.code, Property.timezone)).all() == [
            ("TST", "Europe/Lisbon")
        ]
    assert "breakfast" not in {code for code, _ in hotel.read(review_categories)}


def downgrade_to(engine: Engine, revision: str) -> None:
    from alembic import command

    config = migrate.alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)


def integrity(engine: Engine) -> str:
    with engine.connect() as conn:
        return conn.execute(text("PRAGMA integrity_check")).scalar_one()


def test_the_checks_go_down_and_up_again(desk: Desk) -> None:
    downgrade_to(desk.engine, BEFORE_CHECKS)
    assert stored_checks(desk.engine) == set()
    migrate.upgrade(desk.engine)
    assert stored_checks(desk.engine) == declared_checks()
    if desk.engine.dialect.name == "sqlite":
        assert integrity(desk.engine) == "ok"


def test_an_sqlite_file_with_a_name_already_too_long_is_not_upgraded(
    tmp_path: Path, sqlite_template: Path
) -> None:
    # Before the checks SQLite stored any length; the upgrade names what to shorten and
    # leaves the file as it was rather than add a rule its rows already break.
    path = tmp_path / "old.sqlite3"
    shutil.copy(sqlite_template, path)
    desk = Desk.open(f"sqlite:///{path}")
    downgrade_to(desk.engine, BEFORE_CHECKS)
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


def test_every_check_and_the_company_go_down_and_up_on_a_hotel_with_stays(
    hotel: Desk,
) -> None:
    # A hotel in use: a corporate stay booked for Tejo Consulting, a walk-in, a programme.
    hotel.actor = MANAGER
    hotel.run(create_rate_plan, "TST", PlanTermsInput("CORP", "Corporate", "BAR", -1000))
    hotel.run(entitle_company, "TST", "CORP", "Tejo Consulting")
    hotel.run(set_programme, ProgrammeTerms("HARBOUR", "Harbour Rewards", "nights", "rolling"))
    hotel.actor = CLERK
    stay = {"arrival": "3.12", "nights": 2, "room_type": "DBL"}
    hotel.run(book, BookingRequest(**stay, guest=GuestInput("Rui Costa"), rate_plan="CORP",
                                   company="Tejo Consulting"))  # fmt: skip
    hotel.run(book, BookingRequest(**stay, guest=GuestInput("Walk In")))
    engine, every_check = hotel.engine, declared_checks()

    downgrade_to(engine, TYPED_TEXT_CHECKED)
    typed = stored_checks(engine)
    assert len(typed) == 42 and typed < every_check
    assert "company" not in {c["name"] for c in inspect(engine).get_columns("reservations")}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM reservations")).scalar_one() == 2
    if engine.dialect.name == "sqlite":
        assert integrity(engine) == "ok"

    migrate.upgrade(engine)
    assert stored_checks(engine) == every_check
    with engine.connect() as conn:  # the stays are kept; the company went with its column
        assert conn.execute(select(Reservation.company)).scalars().all() == [None, None]
        assert conn.execute(select(LoyaltyProgramme.name)).scalar_one() == "Harbour Rewards"
    if engine.dialect.name == "sqlite":
        assert integrity(engine) == "ok"
    refused(engine, update(Reservation).values(company="T" * 121),
            "ck_reservations_company_length")  # fmt: skip


def test_an_sqlite_file_with_a_time_zone_already_too_long_is_not_upgraded(
    tmp_path: Path, sqlite_template: Path
) -> None:
    # A system column too: before this revision SQLite stored any length there.
    path = tmp_path / "old.sqlite3"
    shutil.copy(sqlite_template, path)
    desk = Desk.open(f"sqlite:///{path}")
    downgrade_to(desk.engine, TYPED_TEXT_CHECKED)
    with desk.engine.begin() as conn:
        conn.execute(
            insert(Property).values(
                code="OLD", name="Old Inn", currency="EUR", timezone="X" * 65,
                business_date=dt.date(2026, 12, 1),
            )
        )  # fmt: skip
    with pytest.raises(
        RuntimeError, match=r"1 row\(s\) of properties have a timezone longer than 64"
    ):
        migrate.upgrade(desk.engine)
    assert migrate.current_revision(desk.engine) == TYPED_TEXT_CHECKED
    assert len(stored_checks(desk.engine)) == 42
    with desk.engine.begin() as conn:
        conn.execute(text("UPDATE properties SET timezone = 'Europe/Lisbon'"))
    migrate.upgrade(desk.engine)
    assert stored_checks(desk.engine) == declared_checks()
    assert integrity(desk.engine) == "ok"
    desk.close()
