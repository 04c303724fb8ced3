"""Every text column of a set length has that length checked by the database itself, on SQLite
as on PostgreSQL.

SQLite ignores VARCHAR lengths, so without a CHECK a raw INSERT (a script, another tool, a bug
that skips `pms.kernel.validation`) stores a 100k-character name that PostgreSQL would refuse.
Every `String(N)` column of the metadata gets `CHECK (length(col) <= N)`, named
`ck_<table>_<col>_length`, N being the column's own length: the same limit the validation
checks before every flush. The columns are read from the metadata rather than listed, so a
column added later is checked without anyone remembering to; none is left out (a code, a state
or a hash set by the system is held to its length as much as a name typed by a clerk).
Unbounded text (`Text`, `String()` without a length) has no limit to check.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, MetaData, String


def check_lengths(metadata: MetaData) -> None:
    """Declare the length checks on the tables of `metadata` defined so far (idempotent: the
    models' modules call it as their tables appear)."""
    for table in metadata.tables.values():
        have = {c.name for c in table.constraints if isinstance(c, CheckConstraint)}
        for column in table.columns:
            column_type = column.type
            if not isinstance(column_type, String) or not column_type.length:
                continue
            if f"ck_{table.name}_{column.name}_length" in have:  # the convention's full name
                continue
            table.append_constraint(
                CheckConstraint(
                    f"length({column.name}) <= {column_type.length}", name=f"{column.name}_length"
                )
            )
