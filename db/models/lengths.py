"""The text columns whose length the database checks itself, on SQLite as on PostgreSQL.

SQLite ignores VARCHAR lengths, so without a CHECK a raw INSERT (a script, another tool, a bug
that skips `pms.kernel.validation`) stores a 100k-character name that PostgreSQL would refuse.
Each column named here gets `CHECK (length(col) <= N)`, named `ck_<table>_<col>_length`, N
being the column's own length: the same limit the validation checks before every flush.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, MetaData, String

#: The text people type (names, e-mails, descriptions, reasons, keys, references), by table.
LENGTH_CHECKED: dict[str, tuple[str, ...]] = {
    "guests": (
        "first_name", "last_name", "email", "phone", "company", "city", "country",
        "loyalty_number", "do_not_rent_reason",
    ),
    "reservations": ("idempotency_key", "external_ref"),
    "postings": ("description", "reason", "unique_key"),
    "payments": ("reference", "idempotency_key"),
    "api_idempotency": ("idempotency_key",),
    "loyalty_lines": ("description", "unique_key"),
    "out_of_order": ("reason",),
    "rooms": ("number", "out_of_service"),
    "folios": ("name",),
    "rate_plans": ("code", "name"),
    "rate_plan_companies": ("company",),
    "room_types": ("code", "name"),
    "taxes": ("code", "name"),
    "properties": ("code", "name", "city", "address", "tax_number"),
    "users": ("username", "full_name"),
    "reviews": ("title", "hidden_reason", "external_ref"),
    "features": ("name",),
    "access_tokens": ("label",),
}  # fmt: skip


def check_lengths(metadata: MetaData) -> None:
    """Declare the length checks on the tables of `metadata` defined so far (idempotent: the
    models' modules call it as their tables appear)."""
    for table_name, columns in LENGTH_CHECKED.items():
        table = metadata.tables.get(table_name)
        if table is None:
            continue
        have = {c.name for c in table.constraints if isinstance(c, CheckConstraint)}
        for name in columns:
            column_type = table.c[name].type
            if not isinstance(column_type, String) or not column_type.length:
                raise TypeError(f"{table_name}.{name} is not text of a set length")
            if f"ck_{table_name}_{name}_length" in have:  # the naming convention's full name
                continue
            table.append_constraint(
                CheckConstraint(f"length({name}) <= {column_type.length}", name=f"{name}_length")
            )
