"""every text length checked, and the company a reservation is booked for

The length checks of e5f8b2c4d6a7 held the text people type; this revision adds the same
CHECK (length(col) <= N), named ck_<table>_<col>_length, to every other column of a set length
(codes, states, hashes, user names the system writes, and the names an administrator types
for loyalty programmes and tiers, review categories, a property's time zone …), so that every
String(N) of the models is held to its length on SQLite as on PostgreSQL (db/models/lengths.py
now declares them from the metadata).

It also adds reservations.company, the company a stay is booked for (a corporate rate's
entitlement), as long as guests.company, with its length check.

Both backends through `migrations.length_checks` (on SQLite the writable_schema procedure:
refused first if a stored row is already too long, PRAGMA integrity_check after). On SQLite the
new column is added with ALTER TABLE ADD COLUMN first, then its check is written in with the
others; the downgrade removes the checks, then drops the column.

Revision ID: 9cd8fd6b90f6
Revises: e5f8b2c4d6a7
Create Date: 2026-12-07 11:30:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from migrations.length_checks import add_length_checks, drop_length_checks


# revision identifiers, used by Alembic.
revision: str = '9cd8fd6b90f6'
down_revision: Union[str, Sequence[str], None] = 'e5f8b2c4d6a7'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

#: (table, ((column, longest), …)): every String(N) column of the models on this day that
#: e5f8b2c4d6a7 did not check, reservations.company included.
_CHECKED = (
    ('access_tokens', (('kind', 8), ('token_hash', 64), ('created_by', 40),)),
    ('api_idempotency', (('channel', 20), ('fingerprint', 64),)),
    ('api_keys', (('key_id', 16), ('key_hash', 64), ('channel', 20), ('created_by', 40),)),
    ('audit_log', (('username', 40), ('desk', 80), ('action', 40), ('entity', 40),)),
    ('audit_reports', (('name', 24),)),
    ('audit_runs', (('status', 8), ('username', 40), ('holder', 120),)),
    ('audit_steps', (('step', 24), ('status', 8), ('username', 40),)),
    ('change_log', (('entity', 40), ('operation', 12),)),
    ('folios', (('kind', 12), ('status', 8),)),
    ('invoices', (('username', 40),)),
    ('ledger_days', (('ledger', 8),)),
    ('loyalty_lines', (('kind', 8), ('username', 40),)),
    ('loyalty_programmes', (('code', 12), ('name', 80), ('qualify_on', 8), ('period', 8), ('expiry', 12),)),
    ('loyalty_tier_changes', (('username', 40),)),
    ('loyalty_tiers', (('code', 12), ('name', 80),)),
    ('payments', (('gateway', 12), ('state', 12), ('currency', 3), ('intent_id', 64), ('error', 200), ('username', 40),)),
    ('postings', (('kind', 12), ('code', 16), ('username', 40), ('transfer_group', 36),)),
    ('properties', (('currency', 3), ('timezone', 64),)),
    ('rate_plans', (('meal_plan', 4), ('guarantee', 10), ('cancel_penalty', 12),)),
    ('reservation_taxes', (('code', 12),)),
    ('reservations', (('confirmation', 16), ('status', 12), ('source', 20), ('company', 120),)),
    ('review_categories', (('code', 20), ('name', 80),)),
    ('review_stats', (('measure', 20),)),
    ('reviews', (('language', 12), ('source', 8), ('status', 10), ('hidden_by', 40), ('replied_by', 40), ('username', 40),)),
    ('rooms', (('housekeeping', 12),)),
    ('routing_rules', (('code', 16),)),
    ('sign_in_attempts', (('username', 40), ('outcome', 10), ('desk', 80),)),
    ('users', (('role', 12), ('password_hash', 200),)),
)


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column('reservations', sa.Column('company', sa.String(length=120), nullable=True))
    add_length_checks(_CHECKED)


def downgrade() -> None:
    """Downgrade schema."""
    drop_length_checks(_CHECKED)
    op.drop_column('reservations', 'company')
