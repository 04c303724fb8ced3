"""text lengths checked by the database

A CHECK (length(col) <= N) on the text people type (names, e-mails, descriptions, reasons,
idempotency keys, references), named ck_<table>_<col>_length, so SQLite — which ignores VARCHAR
lengths — refuses a 100k-character name as PostgreSQL does.

Both backends through `migrations.length_checks` (on SQLite the writable_schema procedure:
refused first if a stored row is already too long, PRAGMA integrity_check after).

Revision ID: e5f8b2c4d6a7
Revises: d4e7a1b2c3f5
Create Date: 2026-12-07 07:30:00

"""
from typing import Sequence, Union

from migrations.length_checks import add_length_checks, drop_length_checks


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


def upgrade() -> None:
    """Upgrade schema."""
    add_length_checks(_CHECKED)


def downgrade() -> None:
    """Downgrade schema."""
    drop_length_checks(_CHECKED)
