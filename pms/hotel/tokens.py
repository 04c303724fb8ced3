"""API tokens: how scripts and cron jobs (the 2 a.m. night audit) sign in without a password.

An administrator makes one for a user; it is shown once, kept only as its SHA-256 (see
`pms.hotel.sign_in`), read from `PMS_TOKEN`, and works until it expires or is revoked.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AccessToken, User
from pms.hotel.sign_in import AccessTokenView, aware, new_token, token_hash
from pms.kernel.audit import record
from pms.kernel.errors import InvalidInput, NotFound
from pms.kernel.permissions import require

#: The longest an API token may live: tokens that never expire are forgotten, not revoked.
MAX_DAYS = 366
_LIFETIME = re.compile(r"^\s*(\d{1,4})\s*d?\s*$")


@dataclass(frozen=True)
class NewToken:
    """A token just made: the only time its text is known."""

    id: int
    username: str
    token: str
    expires_at: dt.datetime


def parse_lifetime(text: str) -> int:
    """Days from `90d` or `90` (1 to MAX_DAYS)."""
    match = _LIFETIME.match(text)
    days = int(match.group(1)) if match else 0
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput("expires", f"expires must be a number of days from 1d to {MAX_DAYS}d")
    return days


def create_api_token(session: Session, username: str, days: int, label: str = "") -> NewToken:
    """A new API token for `username`, valid for `days` days (an administrator's action)."""
    maker = require(session, "token.create")
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None or not user.active:
        raise NotFound(f"no active user named {username!r}")
    token = new_token()
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=days)
    access = AccessToken(
        user_id=user.id,
        kind="api",
        token_hash=token_hash(token),
        label=label[:80],
        created_by=maker.username,
        expires_at=expires,
    )
    session.add(access)
    session.flush()
    record(
        session,
        "create",
        "token",
        access.id,
        after={"username": user.username, "label": access.label, "expires": expires.isoformat()},
    )
    return NewToken(access.id, user.username, token, expires)


def list_tokens(session: Session) -> list[AccessTokenView]:
    """Every API token and session still open or revoked before its end, newest first."""
    require(session, "token.list")
    rows = session.execute(
        select(AccessToken, User.username)
        .join(User, User.id == AccessToken.user_id)
        .order_by(AccessToken.id.desc())
    )
    now = dt.datetime.now(dt.UTC)
    return [
        AccessTokenView(
            a.id, name, a.kind, a.label, aware(a.expires_at), revoked=a.revoked_at is not None
        )
        for a, name in rows
        if aware(a.expires_at) > now
    ]


def revoke_token(session: Session, token_id: int) -> AccessTokenView:
    """End a token or a session now (a laptop lost, a script retired)."""
    require(session, "token.revoke")
    access = session.get(AccessToken, token_id)
    if access is None:
        raise NotFound(f"no token #{token_id}")
    if access.revoked_at is None:
        access.revoked_at = dt.datetime.now(dt.UTC)
        record(session, "revoke", "token", access.id, before={"revoked": False},
               after={"revoked": True})  # fmt: skip
    username = session.get_one(User, access.user_id).username
    return AccessTokenView(
        access.id, username, access.kind, access.label, aware(access.expires_at), revoked=True
    )
