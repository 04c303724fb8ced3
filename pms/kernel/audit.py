"""The audit trail and the change log, written in the same transaction as the change itself.

Every write of the system ends here, so both rows go out as INSERTs built once and run as Core
on the session's connection: nothing in the transaction reads them back, and flushing them as
ORM objects took ~125 µs a row against ~15 µs for the statement (SQLite, measured for issue 2).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from db.models import AuditLog, ChangeLog
from pms.kernel.desk import actor_of, connection_of

_AUDIT = insert(AuditLog)
_CHANGE = insert(ChangeLog)


def record(
    session: Session,
    action: str,
    entity: str,
    entity_id: int,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Note who did `action` to an entity, and queue the entity for other desks to refresh."""
    operation = {"create": "insert", "delete": "delete"}.get(action, "update")
    connection = connection_of(session)
    connection.execute(
        _AUDIT,
        {
            "username": actor_of(session).username,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "before": before,
            "after": after,
        },
    )
    connection.execute(_CHANGE, {"entity": entity, "entity_id": entity_id, "operation": operation})
