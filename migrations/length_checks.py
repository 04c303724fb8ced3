"""Adding and removing `CHECK (length(col) <= N)` constraints in a migration, on both backends.

The checks are named `ck_<table>_<col>_length` (as `db.models.lengths` declares them). On
PostgreSQL they are plain ADD CONSTRAINTs; the names go through `op.f`: they are whole, and the
metadata's naming convention would otherwise prefix them a second time.

On SQLite a batch copy cannot be used: a migration runs in one transaction with foreign keys
on, and dropping a parent table (guests, reservations, properties …) that has child rows fails.
So the constraints are written into the tables' CREATE statements in place, with SQLite's
writable_schema procedure (lang_altertable.html, "making other kinds of table schema changes"),
which rewrites no row. SQLite documents that procedure for changes no stored row can break; a
new CHECK could, so `add_length_checks` first counts the rows already too long and stops,
naming them, and afterwards runs PRAGMA integrity_check, which tests every row against every
CHECK. Either failure rolls the whole transaction back. `drop_length_checks` removes exactly
these clauses and stops if one is not there.

Each revision passes the columns it checks as they were on its day, so the revision does the
same thing whatever the models say later.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

#: ((column, longest), …) of one table.
Columns = Sequence[tuple[str, int]]
#: ((table, columns), …): the checks one revision adds.
Checked = Sequence[tuple[str, Columns]]


def add_length_checks(checked: Checked) -> None:
    """Add the checks to the tables (SQLite: refused first if a stored row breaks one)."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _refuse_long_rows(bind, checked)
        _rewrite_sqlite(bind, checked, _with_checks)
        return
    for table, columns in checked:
        for column, longest in columns:
            op.create_check_constraint(
                op.f(_name(table, column)), table, f"length({column}) <= {longest}"
            )


def drop_length_checks(checked: Checked) -> None:
    """Remove the checks `add_length_checks` added, each of which must be there."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _rewrite_sqlite(bind, checked, _without_checks)
        return
    for table, columns in checked:
        for column, _longest in columns:
            op.drop_constraint(op.f(_name(table, column)), table, type_="check")


def _name(table: str, column: str) -> str:
    return f"ck_{table}_{column}_length"


def _clause(table: str, column: str, longest: int) -> str:
    return f"CONSTRAINT {_name(table, column)} CHECK (length({column}) <= {longest})"


def _found(sql: str, table: str, column: str, longest: int) -> re.Match[str] | None:
    """The check in a stored CREATE TABLE, as this module or SQLAlchemy's DDL writes it."""
    return re.search(
        rf",\s*CONSTRAINT\s+\"?{_name(table, column)}\"?\s+CHECK\s*"
        rf"\(\s*length\(\s*\"?{column}\"?\s*\)\s*<=\s*{longest}\s*\)",
        sql,
    )


def _refuse_long_rows(bind: sa.Connection, checked: Checked) -> None:
    """Stop, naming them, if stored rows are already longer than a limit (SQLite only): the
    schema edit adds a rule without looking at the rows, so none may break it."""
    for table, columns in checked:
        for column, longest in columns:
            found = bind.execute(
                sa.text(f"SELECT count(*) FROM {table} WHERE length({column}) > {longest}")
            ).scalar_one()
            if found:
                raise RuntimeError(
                    f"{found} row(s) of {table} have a {column} longer than {longest} "
                    "characters: shorten them, then upgrade again"
                )


def _with_checks(table: str, sql: str, columns: Columns) -> str:
    body = sql.rstrip()
    if not body.endswith(")"):
        raise RuntimeError(f"the stored definition of {table} does not end its columns with ')'")
    for column, longest in columns:
        if _found(sql, table, column, longest):
            raise RuntimeError(f"{table} already has {_name(table, column)}")
    return body[:-1].rstrip() + "".join(f", {_clause(table, c, n)}" for c, n in columns) + ")"


def _without_checks(table: str, sql: str, columns: Columns) -> str:
    for column, longest in columns:
        found = _found(sql, table, column, longest)
        if found is None:
            raise RuntimeError(f"{table} has no {_name(table, column)} to remove")
        sql = sql[: found.start()] + sql[found.end() :]
    return sql


def _rewrite_sqlite(
    bind: sa.Connection, checked: Checked, edit: Callable[[str, str, Columns], str]
) -> None:
    """SQLite's procedure for a schema change that rewrites no row (lang_altertable.html,
    "making other kinds of table schema changes"), inside Alembic's transaction: edit the
    CREATE statements, bump schema_version so every connection reloads the schema, then
    `PRAGMA integrity_check` (which also checks every row against the CHECKs) before the
    commit; any failure rolls the whole edit back."""
    version = bind.execute(sa.text("PRAGMA schema_version")).scalar_one()
    bind.execute(sa.text("PRAGMA writable_schema=ON"))
    try:
        for table, columns in checked:
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
