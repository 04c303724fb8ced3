"""hotel setup multi property

Property details (address, tax number, check-out hour, settings by name), the feature
vocabulary per property, and retirement dates for room types and rooms. The vocabulary starts
with every feature the property's room types and rooms already name, so existing hotels keep
validating.

Revision ID: 5d978c426f94
Revises: e15a7c3d9b21
Create Date: 2026-12-07 21:52:51.589894

"""
import json
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '5d978c426f94'
down_revision: Union[str, Sequence[str], None] = 'e15a7c3d9b21'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    features = op.create_table('features',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('property_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['property_id'], ['properties.id'], name=op.f('fk_features_property_id_properties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_features')),
    sa.UniqueConstraint('property_id', 'name', name=op.f('uq_features_property_id_name'))
    )
    with op.batch_alter_table('properties', schema=None) as batch_op:
        batch_op.add_column(sa.Column('check_out_hour', sa.Integer(), server_default='11', nullable=False))
        batch_op.add_column(sa.Column('address', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('tax_number', sa.String(length=40), server_default='', nullable=False))
        batch_op.add_column(sa.Column('settings', sa.JSON(), server_default='{}', nullable=False))

    with op.batch_alter_table('room_types', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retired_on', sa.Date(), nullable=True))

    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retired_on', sa.Date(), nullable=True))

    _seed_features(features)


def _seed_features(features: sa.Table) -> None:
    """Every feature a room type or room already names joins its property's vocabulary."""
    bind = op.get_bind()
    named: set[tuple[int, str]] = set()
    for table in ('room_types', 'rooms'):
        rows = bind.execute(sa.text(f'SELECT property_id, features FROM {table}'))
        for property_id, listed in rows:
            if isinstance(listed, str):  # a plain text() query hands JSON back as text
                listed = json.loads(listed)
            named.update((property_id, name) for name in listed or [])
    if named:
        op.bulk_insert(
            features, [{'property_id': p, 'name': n[:40]} for p, n in sorted(named)]
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.drop_column('retired_on')

    with op.batch_alter_table('room_types', schema=None) as batch_op:
        batch_op.drop_column('retired_on')

    with op.batch_alter_table('properties', schema=None) as batch_op:
        batch_op.drop_column('settings')
        batch_op.drop_column('tax_number')
        batch_op.drop_column('address')
        batch_op.drop_column('check_out_hour')

    op.drop_table('features')
