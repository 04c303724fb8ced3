"""postings say which are imported history

A stay wholly in the past imported from another PMS gets its folio here, with its nights and
taxes on their dates and the previous system's settlement, closed without one of our invoice
numbers. Its postings are flagged `imported`, so the journal export tells the accountant which
lines the previous system booked already. Every posting made before is ours: false.

Revision ID: 5d7a0b3e91c2
Revises: 5e1f0c2a7b94
Create Date: 2026-12-07 07:30:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision: str = '5d7a0b3e91c2'
down_revision: Union[str, Sequence[str], None] = '5e1f0c2a7b94'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("postings") as batch:
        batch.add_column(
            sa.Column("imported", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("postings") as batch:
        batch.drop_column("imported")
