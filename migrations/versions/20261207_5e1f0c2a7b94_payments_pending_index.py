"""payments pending index

An index on payments (state, updated_at): every desk start and every card command asks whether
a card attempt was left pending by a desk that stopped (`pms.payments.reconcile`), and that
question must stay one index look however many payments the hotel has taken.

Revision ID: 5e1f0c2a7b94
Revises: c989657718e0
Create Date: 2026-12-07 07:00:00

"""

from typing import Sequence, Union

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "5e1f0c2a7b94"
down_revision: Union[str, Sequence[str], None] = "c989657718e0"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index("ix_payments_state_updated_at", "payments", ["state", "updated_at"])


def downgrade() -> None:
    op.drop_index("ix_payments_state_updated_at", table_name="payments")
