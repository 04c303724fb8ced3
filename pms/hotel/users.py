"""Users and their roles. Passwords are kept only as argon2 hashes (checked by
`pms.hotel.sign_in`, which counts the failures)."""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Role, User
from pms.kernel.audit import record
from pms.kernel.errors import InvalidInput
from pms.kernel.permissions import require

_hasher = PasswordHasher()


@dataclass(frozen=True)
class UserView:
    """A user as an admin sees them (never the hash)."""

    username: str
    full_name: str
    role: str
    active: bool


def create_user(
    session: Session, username: str, password: str, role: Role | str, full_name: str = ""
) -> UserView:
    """Add a user; only an admin may, so that nobody grants themselves a role."""
    require(session, "user.add")
    username = username.strip().lower()
    if not username.isidentifier():
        raise InvalidInput("username", f"username {username!r} must be letters, digits or _")
    if len(password) < 4:
        raise InvalidInput("password", "the password must have at least 4 characters")
    try:
        role = Role(role)
    except ValueError as exc:
        roles = ", ".join(r.value for r in Role)
        raise InvalidInput("role", f"role {role!r} is not one of {roles}") from exc
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise InvalidInput("username", f"a user named {username!r} already exists")
    user = User(
        username=username, full_name=full_name, role=role, password_hash=_hasher.hash(password)
    )
    session.add(user)
    session.flush()
    record(session, "create", "user", user.id, after={"username": username, "role": role.value})
    return _view(user)


def list_users(session: Session) -> list[UserView]:
    """Every user, by name."""
    return [_view(u) for u in session.scalars(select(User).order_by(User.username))]


def _view(user: User) -> UserView:
    return UserView(user.username, user.full_name, user.role, user.active)
