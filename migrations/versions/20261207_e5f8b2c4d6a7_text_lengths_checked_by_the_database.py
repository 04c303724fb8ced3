"""text lengths checked by the database

A CHECK (length(col) <= N) on the text people type (names, e-mails, descriptions, reasons,
idempotency keys, references), named ck_<table>_<col>_length, so SQLite — which ignores VARCHAR
lengths — refuses a 100k-character name as PostgreSQL does.

On PostgreSQL these are plain ADD CONSTRAINTs (VARCHAR already holds the length there; the
checks make both databases hold the same named rules). The names go through op.f: they are
whole, and the metadata's naming convention would otherwise prefix them a second time.

On SQLite a batch copy cannot be used: the migration runs in one transaction with foreign keys
on, and dropping a parent table (guests, reservations, properties …) that has child rows fails.
So the constraints are written into the tables' CREATE statements in place, with SQLite's
writable_schema procedure (lang_altertable.html, "other kinds of table schema changes"), which
rewrites no row. SQLite documents that procedure for changes no stored row can break; a new
CHECK could, so the upgrade first counts the rows already too long and stops, naming them, and
afterwards runs PRAGMA integrity_check, which tests every row against every CHECK. Either
failure rolls the whole transaction back. The downgrade removes exactly these clauses and stops
if one is not there.

Revision ID: e5f8b2c4d6a7
Revises: d4e7a1b2c3f5
Create Date: 2026-12-07 07:30:00

"""
import re
from typing import Callable, Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'e5f8b2c4d6a7'
down_revision: Union[str, Sequence[str], None] = 'd4e7a1b2c3f5'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

#: (table, ((column, longest), …)), as the models declare them on this day (db/models/lengths.py).
_CHECKED = (
    ('guests', (('first_name', 80), ('last_name', 80), ('email', 254), ('phone', 40), ('company', 120), ('city', 80), ('country', 2), ('loyalty_number', 20), ('do_not_rent_reason', 200),)),
    ('reservations', (('idempotency_key', 80), ('external_ref', 40),)),
    ('postings', (('description', 200), ('reason', 200), ('unique_key', 80),)),
    ('payments', (('reference', 80), ('idempotency_key', 80),)),
    ('api_idempotency', (('idempotency_key', 80),)),
    ('loyalty_lines', (('description', 200), ('unique_key', 80),)),
    ('out_of_order', (('reason', 200),)),
    ('rooms', (('number', 10), ('out_of_service', 200),)),
    ('folios', (('name', 80),)),
    ('rate_plans', (('code', 12), ('name', 80),)),
    ('rate_plan_companies', (('company', 120),)),
    ('room_types', (('code', 12), ('name', 80),)),
    ('taxes', (('code', 12), ('name', 80),)),
    ('properties', (('code', 12), ('name', 120), ('city', 80), ('address', 200), ('tax_number', 40),)),
    ('users', (('username', 40), ('full_name', 120),)),
    ('reviews', (('title', 120), ('hidden_reason', 200), ('external_ref', 80),)),
    ('features', (('name', 40),)),
    ('access_tokens', (('label', 80),)),
)


def _name(table: str, column: str) -> str:
    return f"ck_{table}_{column}_length"


def _clause(table: str, column: str, longest: int) -> str:
    return f"CONSTRAINT {_name(table, column)} CHECK (length({column}) <= {longest})"


def _found(sql: str, table: str, column: str, longest: int) -> "re.Match[str] | None":
    """The check in a stored CREATE TABLE, as this migration or SQLAlchemy's DDL writes it."""
    return re.search(
        rf",\s*CONSTRAINT\s+\"?{_name(table, column)}\"?\s+CHECK\s*"
        rf"\(\s*length\(\s*\"?{column}\"?\s*\)\s*<=\s*{longest}\s*\)",
        sql,
    )


def _refuse_long_rows(bind: sa.Connection) -> None:
    """Stop, naming them, if stored rows are already longer than a limit (SQLite only): the
    schema edit adds a rule without looking at the rows, so none may break it."""
    for table, columns in _CHECKED:
        for column, longest in columns:
            found = bind.execute(
                sa.text(f"SELECT count(*) FROM {table} WHERE length({column}) > {longest}")
            ).scalar_one()
            if found:
                raise RuntimeError(
                    f"{found} row(s) of {table} have a {column} longer than {longest} "
                    "characters: shorten them, then upgrade again"
                )


def _with_checks(table: str, sql: str, columns: tuple[tuple[str, int], ...]) -> str:
    body = sql.rstrip()
    if not body.endswith(")"):
        raise RuntimeError(f"the stored definition of {table} does not end its columns with ')'")
    for column, longest in columns:
        if _found(sql, table, column, longest):
            raise RuntimeError(f"{table} already has {_name(table, column)}")
    return body[:-1].rstrip() + "".join(f", {_clause(table, c, n)}" for c, n in columns) + ")"


def _without_checks(table: str, sql: str, columns: tuple[tuple[str, int], ...]) -> str:
    for column, longest in columns:
        found = _found(sql, table, column, longest)
        if found is None:
            raise RuntimeError(f"{table} has no {_name(table, column)} to remove")
        sql = sql[: found.start()] + sql[found.end() :]
    return sql


def _rewrite_sqlite(bind: sa.Connection, edit: Callable[..., str]) -> None:
    """SQLite's procedure for a schema change that rewrites no row (lang_altertable.html,
    "making other kinds of table schema changes"), inside Alembic's transaction: edit the
    CREATE statements, bump schema_version so every connection reloads the schema, then
    `PRAGMA integrity_check` (which also checks every row against the CHECKs) before the
    commit; any failure rolls the whole edit back."""
    version = bind.execute(sa.text("PRAGMA schema_version")).scalar_one()
    bind.execute(sa.text("PRAGMA writable_schema=ON"))
    try:
        for table, columns in _CHECKED:
            sql = bind.execute(
                sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :name"),
                {"name": table},
            ).scalar_one()
            bind.execute(
                sa.text(
                    "UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = :name"
                ),
                {"sql": edit(table, sql, columns), "name": table},
            )
        bind.execute(sa.text(f"PRAGMA schema_version={version + 1}"))
    finally:
        bind.execute(sa.text("PRAGMA writable_schema=OFF"))
    problems = bind.execute(sa.text("PRAGMA integrity_check")).scalars().all()
    if problems != ["ok"]:
        raise RuntimeError("the schema edit failed PRAGMA integrity_check: " + "; ".join(problems))


def upgrade() -> None:
    """Upgrade schema."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _refuse_long_rows(bind)
        _rewrite_sqlite(bind, _with_checks)
        return
    for table, columns in _CHECKED:
        for column, longest in columns:
            op.create_check_constraint(  # op.f: the name is whole, not for the convention
                op.f(_name(table, column)), table, f"length({column}) <= {longest}"
            )


def downgrade() -> None:
    """Downgrade schema."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _rewrite_sqlite(bind, _without_checks)
        return
    for table, columns in _CHECKED:
        for column, _longest in columns:
            op.drop_constraint(op.f(_name(table, column)), table, type_="check")
