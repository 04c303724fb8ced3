"""The typed model of the people who sign in at a desk, and the roles that decide what the
services let each of them do."""

import datetime as dt
from enum import StrEnum

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, utcnow


class Role(StrEnum):
    """What a user may do; each role includes the ones before it."""

    CLERK = "clerk"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"
    ADMIN = "admin"


class User(Base):
    """Someone who signs in at a desk; the role decides what the services allow."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('clerk', 'supervisor', 'manager', 'admin')", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    full_name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(12))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)


class AccessToken(Base):
    """A way in without the password: a `pms login` session (expires after a shift) or an API
    token an administrator made for scripts (`PMS_TOKEN`). Only the token's SHA-256 is kept, so
    the table leaks nothing that signs anyone in; a revoked or expired token opens nothing."""

    __tablename__ = "access_tokens"
    __table_args__ = (CheckConstraint("kind IN ('session', 'api')", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(80), default="")
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class SignInAttempt(Base):
    """Every try at signing in, kept (append-only) for the lockout count and for the auditor:
    `outcome` is ok, failed, refused (locked) or unlocked (a supervisor lifted the lock)."""

    __tablename__ = "sign_in_attempts"
    __table_args__ = (
        CheckConstraint("outcome IN ('ok', 'failed', 'refused', 'unlocked')", name="outcome_known"),
        Index("ix_sign_in_attempts_username_at", "username", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    username: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(String(10))
    desk: Mapped[str] = mapped_column(String(80), default="")
