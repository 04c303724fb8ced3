"""The typed model of the people who sign in at a desk, and the roles that decide what the
services let each of them do."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base


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
