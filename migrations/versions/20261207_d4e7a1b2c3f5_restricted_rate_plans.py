"""restricted rate plans

Corporate and other restricted rate plans: `rate_plans.restricted`, and the companies entitled
to each restricted plan (`rate_plan_companies`, by the company name a guest profile or a
booking gives). The database cannot tell who is entitled; the pricing and booking services do.

Revision ID: d4e7a1b2c3f5
Revises: 5d7a0b3e91c2
Create Date: 2026-12-07 07:20:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'd4e7a1b2c3f5'
down_revision: Union[str, Sequence[str], None] = '5d7a0b3e91c2'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('rate_plans') as batch:
        batch.add_column(
            sa.Column('restricted', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table('rate_plan_companies',
    sa.Column('rate_plan_id', sa.Integer(), nullable=False),
    sa.Column('company', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['rate_plan_id'], ['rate_plans.id'], name=op.f('fk_rate_plan_companies_rate_plan_id_rate_plans')),
    sa.PrimaryKeyConstraint('rate_plan_id', 'company', name=op.f('pk_rate_plan_companies'))
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('rate_plan_companies')
    with op.batch_alter_table('rate_plans') as batch:
        batch.drop_column('restricted')
