"""reservations keep the other system's confirmation number

A stay imported from another PMS keeps that system's confirmation number (`external_ref`),
unique per property, so importing the same file again finds the stays it made and writes
nothing twice. NULL for stays booked here (NULLs never collide in a unique constraint).

Revision ID: 8e1f4c2a9b70
Revises: a9c3e1f7b204
Create Date: 2026-12-07 01:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision: str = '8e1f4c2a9b70'
down_revision: Union[str, Sequence[str], None] = 'a9c3e1f7b204'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("reservations") as batch:
        batch.add_column(sa.Column("external_ref", sa.String(length=40), nullable=True))
        batch.create_unique_constraint(
            "uq_reservations_property_id_external_ref", ["property_id", "external_ref"]
        )


def downgrade() -> None:
    with op.batch_alter_table("reservations") as batch:
        batch.drop_constraint("uq_reservations_property_id_external_ref", type_="unique")
        batch.drop_column("external_ref")
