"""Typed models of the booking channels that reach the hotel over HTTP: their API keys (kept as
hashes, never as the key) and the idempotency records that make a retried booking safe.

UNIQUE(key_hash) finds a key in one indexed look-up; UNIQUE(channel, idempotency_key) lets
only one request of a channel claim a key, so two retries racing each other book once.
"""

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, utcnow
from db.models.lengths import check_lengths


class ApiKey(Base):
    """A channel's key (the hotel's website, a channel manager): its scopes and rate limit.

    `key_hash` is the SHA-256 of the key; `key_id` is its public first part, shown in lists and
    used to revoke it. A revoked key keeps its row, so the audit log still names it.
    """

    __tablename__ = "api_keys"
    __table_args__ = (
        CheckConstraint("rate_limit >= 1", name="rate_limit_positive"),
        CheckConstraint("revoked_at IS NULL OR revoked_at >= created_at", name="revoked_after"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The channel: the bookings it makes carry this as their source (reservations.source).
    channel: Mapped[str] = mapped_column(String(20), index=True)
    scopes: Mapped[list[str]] = mapped_column(JSON)
    #: Requests a minute the key may send; more are answered 429 with Retry-After.
    rate_limit: Mapped[int] = mapped_column(Integer, default=600)
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class IdempotencyRecord(Base):
    """The first booking request a channel sent under an Idempotency-Key, and what it made.

    `fingerprint` is the SHA-256 of the request as the service read it: the same key with
    another request is refused, the same request is answered with the booking it made.
    """

    __tablename__ = "api_idempotency"
    __table_args__ = (UniqueConstraint("channel", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    idempotency_key: Mapped[str] = mapped_column(String(80))
    fingerprint: Mapped[str] = mapped_column(String(64))
    reservation_id: Mapped[int | None] = mapped_column(ForeignKey("reservations.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: The request as read, for an operator looking into a disputed booking.
    request: Mapped[dict[str, Any]] = mapped_column(JSON)


# Loaded on use (see `db.models`): the length checks of these tables are declared here.
check_lengths(Base.metadata)
