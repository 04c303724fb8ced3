"""Signing in: the password checked (argon2), every attempt logged, a lockout after repeated
failures, and the session token a `pms login` keeps.

Why tokens are hashed with SHA-256 and not argon2: a token is 32 random bytes, so nobody can
guess it from its hash however fast the hash is, and every command checks one — argon2's
deliberate ~50 ms would be paid by each command of a night auditor's script. Passwords are
chosen by people and guessable, so they get argon2.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from db.models import AccessToken, Role, SignInAttempt, User
from pms.kernel.audit import record
from pms.kernel.desk import Actor, Desk, desk_name_of
from pms.kernel.errors import NotFound, NotSignedIn
from pms.kernel.permissions import require

if TYPE_CHECKING:
    from argon2 import PasswordHasher

#: Failed sign-ins within LOCKOUT_PERIOD that lock a user out for the rest of the period.
LOCKOUT_FAILURES = 5
LOCKOUT_PERIOD = dt.timedelta(minutes=15)
WRONG = "unknown user or wrong password"


@functools.cache
def _hasher() -> PasswordHasher:
    """argon2 loads when a password is checked, not for every command that signs in with a
    token (a command's start, the front desk's)."""
    from argon2 import PasswordHasher

    return PasswordHasher()


@dataclass(frozen=True)
class SignedIn:
    """Who signed in; the session token (shown to the face once, never stored in clear) when
    one was asked for."""

    username: str
    role: Role
    full_name: str
    token: str | None = None
    expires_at: dt.datetime | None = None

    @property
    def actor(self) -> Actor:
        """The actor the desk acts as from now on."""
        return Actor(self.username, self.role)


@dataclass(frozen=True)
class AccessTokenView:
    """A session or API token as `whoami` and `token list` show it (never the token)."""

    id: int
    username: str
    kind: str
    label: str
    expires_at: dt.datetime
    revoked: bool = False


@dataclass(frozen=True)
class _Outcome:
    signed_in: SignedIn | None
    refusal: str = ""


def token_hash(token: str) -> str:
    """What the database keeps of a token (see the module docstring for why SHA-256)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """A fresh high-entropy token (256 bits), URL-safe so it can live in an env variable."""
    return secrets.token_urlsafe(32)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def aware(moment: dt.datetime) -> dt.datetime:
    """A stored time as UTC (SQLite gives them back without their zone)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@functools.cache
def _decoy_hash() -> str:
    """Checked against when the user does not exist, so both answers take as long."""
    return _hasher().hash(new_token())


def sign_in(
    desk: Desk, username: str, password: str, *, session_hours: int | None = None
) -> SignedIn:
    """Check the password and, with `session_hours`, open a session; the attempt is logged and
    committed whatever the outcome (so a failure still counts towards the lockout).

    Raises:
        NotSignedIn: a wrong user or password (one message for both), or a locked user.
    """
    outcome = desk.run(_attempt, username, password, session_hours)
    if outcome.signed_in is None:
        raise NotSignedIn(outcome.refusal)
    return outcome.signed_in


def _attempt(session: Session, username: str, password: str, hours: int | None) -> _Outcome:
    username = username.strip().lower()[:40]
    now = _now()
    locked = locked_until(session, username, now)
    if locked is not None:
        _log(session, username, "refused", now)
        return _Outcome(None, _locked_message(username, locked))
    user = session.scalar(select(User).where(User.username == username))
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        known = user is not None and user.active
        _hasher().verify(user.password_hash if known else _decoy_hash(), password)  # type: ignore[union-attr]
        if not known:
            raise VerificationError
    except (VerificationError, InvalidHashError):
        _log(session, username, "failed", now)
        locked = locked_until(session, username, now)
        return _Outcome(
            None, WRONG if locked is None else f"{WRONG}; {_locked_message(username, locked)}"
        )
    _log(session, username, "ok", now)
    assert user is not None
    if hours is None:
        return _Outcome(SignedIn(user.username, Role(user.role), user.full_name))
    return _Outcome(open_session(session, user.username, hours))


def open_session(session: Session, username: str, hours: int) -> SignedIn:
    """A session token for a user whose password was just checked (`pms login`; the test
    fixtures, which stand for a login each test)."""
    user = session.scalars(select(User).where(User.username == username)).one()
    token, expires = new_token(), _now() + dt.timedelta(hours=hours)
    session.add(
        AccessToken(
            user_id=user.id,
            kind="session",
            token_hash=token_hash(token),
            label=desk_name_of(session),
            created_by=user.username,
            expires_at=expires,
        )
    )
    return SignedIn(user.username, Role(user.role), user.full_name, token, expires)


def _log(session: Session, username: str, outcome: str, now: dt.datetime) -> None:
    session.add(
        SignInAttempt(username=username, outcome=outcome, at=now, desk=desk_name_of(session))
    )
    session.flush()


def _locked_message(username: str, until: dt.datetime) -> str:
    return (
        f"{username} is locked after {LOCKOUT_FAILURES} failed sign-ins until "
        f"{until:%H:%M} UTC — a supervisor can unlock it (pms user unlock {username})"
    )


def locked_until(session: Session, username: str, now: dt.datetime) -> dt.datetime | None:
    """When the lockout ends, or None when the user is not locked out: LOCKOUT_FAILURES failed
    attempts within LOCKOUT_PERIOD, none of them before a success or an unlock."""
    reset = session.scalar(
        select(func.max(SignInAttempt.at)).where(
            SignInAttempt.username == username, SignInAttempt.outcome.in_(("ok", "unlocked"))
        )
    )
    since = now - LOCKOUT_PERIOD
    if reset is not None:
        since = max(since, aware(reset))
    failures = session.scalars(
        select(SignInAttempt.at)
        .where(
            SignInAttempt.username == username,
            SignInAttempt.outcome == "failed",
            SignInAttempt.at > since,
        )
        .order_by(SignInAttempt.at.desc())
        .limit(LOCKOUT_FAILURES)
    ).all()
    if len(failures) < LOCKOUT_FAILURES:
        return None
    return aware(failures[-1]) + LOCKOUT_PERIOD


def unlock_user(session: Session, username: str) -> None:
    """Lift a lockout before its period ends (a supervisor, after checking who is asking)."""
    require(session, "user.unlock")
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise NotFound(f"no user named {username!r}")
    _log(session, user.username, "unlocked", _now())
    record(session, "unlock", "user", user.id, after={"username": user.username})


def actor_for_token(session: Session, token: str) -> tuple[Actor, AccessTokenView]:
    """Who a session or API token signs in, if it is still good.

    Raises:
        NotSignedIn: the token is unknown, revoked or expired, or its user is no longer active.
    """
    row = session.execute(
        select(User, AccessToken)
        .join(AccessToken, AccessToken.user_id == User.id)
        .where(AccessToken.token_hash == token_hash(token))
    ).one_or_none()
    if row is None:
        raise NotSignedIn("the token is not one this database knows")
    user, access = row
    if access.revoked_at is not None or aware(access.expires_at) <= _now() or not user.active:
        state = "was revoked" if access.revoked_at is not None else "has expired"
        raise NotSignedIn(f"the {access.kind} token of {user.username} {state}")
    return Actor(user.username, Role(user.role)), AccessTokenView(
        access.id, user.username, access.kind, access.label, aware(access.expires_at)
    )


def sign_out(session: Session, token: str) -> bool:
    """End a session (or revoke a token) by the token itself; True when one was open."""
    ended = session.execute(
        update(AccessToken)
        .where(AccessToken.token_hash == token_hash(token), AccessToken.revoked_at.is_(None))
        .values(revoked_at=_now())
    )
    return bool(ended.rowcount)
