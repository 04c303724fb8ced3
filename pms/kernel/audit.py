"""The audit trail and the change log, written in the same transaction as the change itself.

Every write of the system ends here, so it sends one INSERT, built once and run as Core on the
session's connection (on SQLite straight on the driver: `db.prepared`): nothing in the
transaction reads it back, and flushing ORM objects took ~125 µs a row against ~15 µs for the
statement (SQLite, measured for issue 2). The change-log row
is written by the database itself: a trigger on `audit_log` (revision 5fc0282ae903) queues every
audited entity for the other desks, with the operation its action means (`create` → insert,
`delete` → delete, `anonymise` → purge, anything else → update).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from db.models import AuditLog
from db.prepared import Prepared
from pms.kernel.desk import actor_of, connection_of, desk_name_of

_AUDIT = Prepared(insert(AuditLog))


def record(
    session: Session,
    action: str,
    entity: str,
    entity_id: int,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Note who did `action` to an entity, at which desk, and queue the entity for other desks
    to refresh. The row can never be changed or deleted afterwards (a trigger refuses it)."""
    _AUDIT.execute(
        connection_of(session),
        {
            "username": actor_of(session).username,
            "desk": desk_name_of(session),
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "before": before,
            "after": after,
        },
    )


def record_many(
    session: Session, action: str, entity: str, entries: list[tuple[int, dict[str, Any] | None]]
) -> None:
    """`record` for many entities at once (an import): one row each, `(entity id, after)`,
    sent in one call; the change log follows each row as it does for one."""
    username = actor_of(session).username
    _AUDIT.execute_many(
        connection_of(session),
        [
            {
                "username": username,
                "action": action,
                "entity": entity,
                "entity_id": entity_id,
                "before": None,
                "after": after,
            }
            for entity_id, after in entries
        ],
    )
