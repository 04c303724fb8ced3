"""the VAT of extras: which tax is inside each charge code's price, and the VAT each posting
carries

- taxes.room: the tax is charged on the room nights, as every tax was until now (true for
  every stored tax, so the rate sheet prices exactly as before);
- charge_taxes (property, code → tax): the VAT inside the price of FNB, MINIBAR, … at the
  property, one per code (the primary key), never ROOM;
- postings.vat_code and postings.vat_amount: the VAT inside a charge, fixed when it was posted
  (both or neither, of the line's sign, never more than the line). Stored postings get none:
  history is what it was.

On SQLite the check of the posting's VAT goes in with its column (ALTER TABLE ADD COLUMN
takes a column's CHECK and tests the stored rows against it), and vat_code's length check is
written in through `migrations.length_checks`; the downgrade drops vat_amount with its check
first, so vat_code is free to go.

Revision ID: a7c2e9f14b30
Revises: 9cd8fd6b90f6
Create Date: 2026-12-07 14:30:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from migrations.length_checks import add_length_checks, drop_length_checks


# revision identifiers, used by Alembic.
revision: str = 'a7c2e9f14b30'
down_revision: Union[str, Sequence[str], None] = '9cd8fd6b90f6'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

#: The posting's VAT as db.folios declared it on this day.
_VAT_WITHIN_AMOUNT = (
    "(vat_code IS NULL AND vat_amount IS NULL) OR "
    "(vat_code IS NOT NULL AND vat_amount IS NOT NULL AND ("
    "(amount > 0 AND vat_amount >= 0 AND vat_amount <= amount) OR "
    "(amount < 0 AND vat_amount <= 0 AND vat_amount >= amount)))"
)
_CHECKED = (('postings', (('vat_code', 12),)),)


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column(
        'taxes', sa.Column('room', sa.Boolean(), server_default=sa.true(), nullable=False)
    )
    op.create_table(
        'charge_taxes',
        sa.Column('property_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=16), nullable=False),
        sa.Column('tax_id', sa.Integer(), nullable=False),
        sa.CheckConstraint("code <> 'ROOM'", name=op.f('ck_charge_taxes_not_room')),
        sa.CheckConstraint('length(code) <= 16', name=op.f('ck_charge_taxes_code_length')),
        sa.ForeignKeyConstraint(
            ['property_id'], ['properties.id'],
            name=op.f('fk_charge_taxes_property_id_properties'),
        ),
        sa.ForeignKeyConstraint(
            ['tax_id'], ['taxes.id'], name=op.f('fk_charge_taxes_tax_id_taxes')
        ),
        sa.PrimaryKeyConstraint('property_id', 'code', name=op.f('pk_charge_taxes')),
    )
    op.create_index(op.f('ix_charge_taxes_tax_id'), 'charge_taxes', ['tax_id'], unique=False)
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE postings ADD COLUMN vat_code VARCHAR(12)')
        op.execute(
            'ALTER TABLE postings ADD COLUMN vat_amount BIGINT CONSTRAINT '
            f'ck_postings_vat_within_amount CHECK ({_VAT_WITHIN_AMOUNT})'
        )
    else:
        op.add_column('postings', sa.Column('vat_code', sa.String(length=12), nullable=True))
        op.add_column('postings', sa.Column('vat_amount', sa.BigInteger(), nullable=True))
        op.create_check_constraint(
            op.f('ck_postings_vat_within_amount'), 'postings', _VAT_WITHIN_AMOUNT
        )
    add_length_checks(_CHECKED)


def downgrade() -> None:
    """Downgrade schema."""
    drop_length_checks(_CHECKED)
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f('ck_postings_vat_within_amount'), 'postings', type_='check')
    op.execute('ALTER TABLE postings DROP COLUMN vat_amount')
    op.execute('ALTER TABLE postings DROP COLUMN vat_code')
    op.drop_index(op.f('ix_charge_taxes_tax_id'), table_name='charge_taxes')
    op.drop_table('charge_taxes')
    op.drop_column('taxes', 'room')
