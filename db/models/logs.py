"""Typed models of the two logs every change writes in its own transaction: the append-only audit
log (who did what, before and after) and the change log, the outbox other desks follow to
refresh their search index and live screens."""

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Index, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base
from db.models.lengths import check_lengths


class AuditLog(Base):
    """Who did what, when, where, with the entity before and after: written in the same
    transaction. Append-only: a database trigger refuses every UPDATE and DELETE, except the
    one erasure allowed, blanking the before/after copies of an anonymised guest."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    username: Mapped[str] = mapped_column(String(40))
    #: Where it was done: the face and the machine (`cli@host`, `tui@host`).
    desk: Mapped[str] = mapped_column(String(80), default="", server_default="")
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column(BigInteger)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class ChangeLog(Base):
    """Outbox of changed entity ids: desks follow it to refresh search and live screens."""

    __tablename__ = "change_log"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column(BigInteger)
    operation: Mapped[str] = mapped_column(String(12))


# Loaded on use (see `db.models`): the length checks of these tables are declared here.
check_lengths(Base.metadata)
