"""The audit trail and the change log, written in the same transaction as the change itself."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from db.models import AuditLog, ChangeLog
from pms.desk import actor_of


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
    session.add(
        AuditLog(
            username=actor_of(session).username,
            action=action,
            entity=entity,
            entity_id=entity_id,
            before=before,
            after=after,
        )
    )
    operation = {"create": "insert", "delete": "delete"}.get(action, "update")
    session.add(ChangeLog(entity=entity, entity_id=entity_id, operation=operation))
