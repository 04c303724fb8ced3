"""audit rows queue their change

Every audited change is also queued in the change log, by the database: one INSERT into
audit_log writes both rows (a trigger), so each write of the system sends one statement fewer.
An anonymisation is queued as a 'purge', which every desk applies before its next search.
Reservations get an index by property, status and arrival (in-house lists, the rack's stays
without a room, the dashboard), and the planner's statistics are gathered (ANALYZE).

Revision ID: 5fc0282ae903
Revises: 5d978c426f94
Create Date: 2026-12-07 00:00:00

"""
from typing import Sequence, Union

from alembic import op


# revision identifiers, used by Alembic.
revision: str = '5fc0282ae903'
down_revision: Union[str, Sequence[str], None] = '5d978c426f94'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# The change-log operation of an audited action: what other desks must do with the entity
# ('purge': take every old version of a guest's documents out of the search index files).
_OPERATION = (
    "CASE NEW.action WHEN 'create' THEN 'insert' WHEN 'delete' THEN 'delete' "
    "WHEN 'anonymise' THEN 'purge' ELSE 'update' END"
)
_QUEUE = (
    "INSERT INTO change_log (entity, entity_id, operation) "
    f"VALUES (NEW.entity, NEW.entity_id, {_OPERATION})"
)


def upgrade() -> None:
    """Upgrade schema."""
    op.create_index(
        "ix_reservations_property_status_arrival",
        "reservations",
        ["property_id", "status", "arrival"],
    )
    op.execute("ANALYZE")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_log_queues_change() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {_QUEUE}; RETURN NULL; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_queues_change AFTER INSERT ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_queues_change()"
        )
    else:
        op.execute(
            "CREATE TRIGGER audit_log_queues_change AFTER INSERT ON audit_log "
            f"FOR EACH ROW BEGIN {_QUEUE}; END"
        )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_reservations_property_status_arrival", table_name="reservations")
    op.execute("DROP TRIGGER audit_log_queues_change" + (
        " ON audit_log" if op.get_bind().dialect.name == "postgresql" else ""
    ))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION audit_log_queues_change()")
