"""The desk: one database connection pool and the signed-in user, running services as units of work.

Both faces (CLI and TUI) call services only through `Desk.run` (one write transaction, retried
on serialization failures and deadlocks) and `Desk.read` (one read-only transaction), so they
commit the same way and neither ever builds a query.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import ArgumentError, DataError, DBAPIError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

import pms.kernel.validation  # noqa: F401  (registers the length and control-character guard)
from db import migrate
from db.engine import SQLITE_BUSY_TIMEOUT, describe, make_engine, make_session_factory
from db.models import Property, Role
from pms.kernel.config import RuleSettings
from pms.kernel.errors import (
    ConcurrentChange,
    ConfigError,
    DatabaseUnavailable,
    InvalidInput,
    NotSignedIn,
    RetryableConflict,
)

P = ParamSpec("P")
T = TypeVar("T")

#: How many times a write is tried when the database reports a transient conflict.
MAX_ATTEMPTS = 8

_RETRYABLE_SQLSTATES = {"40001", "40P01"}  # serialization failure, deadlock detected
_ROLE_RANK = {Role.CLERK: 0, Role.SUPERVISOR: 1, Role.MANAGER: 2, Role.ADMIN: 3}


@dataclass(frozen=True)
class Actor:
    """Who is acting: every audit row names them and every service checks their role."""

    username: str
    role: Role

    def can(self, role: Role) -> bool:
        """True when this actor's role is at least `role`."""
        return _ROLE_RANK[self.role] >= _ROLE_RANK[role]


#: The actor used for set-up before any user exists (init, migrations, demo).
SYSTEM = Actor("system", Role.ADMIN)


def actor_of(session: Session) -> Actor:
    """The actor the unit of work runs for; refused when the desk has nobody signed in (a
    session made outside a desk, as migrations make, acts as the system)."""
    actor = session.info.get("actor", SYSTEM)
    if actor is None:
        raise NotSignedIn("nobody is signed in at this desk: sign in first")
    return actor


def desk_name_of(session: Session) -> str:
    """Where the unit of work runs (`cli@host`, `tui@host`), for the audit trail."""
    return session.info.get("desk", "")


def rules_of(session: Session) -> RuleSettings:
    """The business rules the desk was started with."""
    return session.info.get("rules", RuleSettings())


_HELD_CONNECTION = "pms.kernel.desk.connection"


def connection_of(session: Session) -> Connection:
    """The unit of work's connection, for statements built once and run as Core (the hot paths
    do; see `pms.reservations.booking`). Pending ORM changes are flushed first, as an ORM statement
    would flush them, so those statements see everything the session holds."""
    if session.autoflush:
        session.flush()
    # `Session.connection()` walks the session's transaction machinery on every call, for a
    # booking's dozen statements; the connection stays the same until the session's outermost
    # transaction ends, so it is kept beside that transaction.
    transaction = session.get_transaction()
    held = session.info.get(_HELD_CONNECTION)
    active = transaction is not None and transaction.is_active
    if active and held is not None and held[0] is transaction:
        return held[1]  # type: ignore[no-any-return]
    connection = session.connection()
    session.info[_HELD_CONNECTION] = (session.get_transaction(), connection)
    return connection


def _is_retryable(exc: DBAPIError, *, committing: bool) -> bool:
    if exc.connection_invalidated:
        # The connection died: the server restarted or dropped it while it sat in the pool (the
        # pool does not ping it first, which would cost a round trip per transaction). Before
        # COMMIT nothing was written, so the work runs again on a fresh connection; during
        # COMMIT nobody knows whether it was written, so that is reported, never repeated.
        return not committing
    # SQLite needs no retry: BEGIN IMMEDIATE queues writers, and "database is locked" after the
    # busy timeout means something held the lock far too long — say so rather than wait again.
    return getattr(exc.orig, "sqlstate", None) in _RETRYABLE_SQLSTATES


def _out_of_range(exc: Exception) -> InvalidInput:
    """A number beyond what a column holds (an id of 40 digits), refused alike on SQLite (an
    OverflowError in the driver) and PostgreSQL (a DataError): the checks in
    `pms.kernel.validation` stop text and amounts first; this catches what they do not."""
    return InvalidInput("value", "a number given is larger than the hotel's records hold")


def safe_url(engine: Engine) -> str:
    """The engine's URL with any password hidden, fit for messages."""
    return engine.url.render_as_string(hide_password=True)


class Desk:
    """A front desk's handle on the hotel database."""

    def __init__(
        self, engine: Engine, actor: Actor | None = SYSTEM, rules: RuleSettings | None = None
    ) -> None:
        self.engine = engine
        #: Who is signed in; None until someone signs in (then every write is refused).
        self.actor = actor
        self.rules = rules or RuleSettings()
        #: Where this desk runs (`cli@host`, `tui@host`): every audit row names it.
        self.name = ""
        self._writer = make_session_factory(engine)
        self._reader = make_session_factory(engine, read_only=True)

    @classmethod
    def open(cls, url: str, rules: RuleSettings | None = None) -> Desk:
        """A desk on the database at `url` (nothing connects until the first call)."""
        try:
            engine = make_engine(url)
        except ArgumentError as exc:  # NoSuchModuleError (an unknown dialect) is one too
            raise ConfigError(
                "the database URL is not one SQLAlchemy can use "
                f"(e.g. sqlite:///path/pms.sqlite3 or postgresql://user@host/db): {exc}"
            ) from exc
        return cls(engine, rules=rules)

    @property
    def database_tag(self) -> str:
        """'SQLite' or 'PostgreSQL host', for the header."""
        return describe(self.engine)

    def run(
        self, action: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run a service in one write transaction, retrying transient conflicts a bounded time.

        A retry runs the whole service again in a new transaction, so services must not act
        outside the database before their transaction commits.
        """
        for attempt in range(1, MAX_ATTEMPTS + 1):
            committing = False
            try:
                with self._writer() as session, session.begin():
                    session.info.update(actor=self.actor, rules=self.rules, desk=self.name)
                    result = action(session, *args, **kwargs)
                    committing = True
                return result
            except RetryableConflict:
                if attempt == MAX_ATTEMPTS:
                    raise
            except (OverflowError, DataError) as exc:
                raise _out_of_range(exc) from exc
            except StaleDataError as exc:
                raise ConcurrentChange(
                    "this was changed by someone else at another desk — reload it and try again"
                ) from exc
            except OperationalError as exc:  # psycopg reports 40001 / 40P01 as these
                if not _is_retryable(exc, committing=committing) or attempt == MAX_ATTEMPTS:
                    raise self._unavailable(exc) from exc
            time.sleep(0.005 * attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def read(
        self, action: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run a service that only reads, in a transaction that never takes a write lock.

        A connection found dead is replaced and the read run again, once.
        """
        for attempt in (1, 2):
            try:
                with self._reader() as session, session.begin():
                    session.info.update(actor=self.actor, rules=self.rules, desk=self.name)
                    return action(session, *args, **kwargs)
            except (OverflowError, DataError) as exc:
                raise _out_of_range(exc) from exc
            except OperationalError as exc:
                if not exc.connection_invalidated or attempt == 2:
                    raise self._unavailable(exc) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _unavailable(self, exc: OperationalError) -> DatabaseUnavailable:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        if reason == "database is locked":  # SQLite, after waiting the whole busy timeout
            return DatabaseUnavailable(
                f"the database is busy: another program held {safe_url(self.engine)} for more "
                f"than {SQLITE_BUSY_TIMEOUT:g} s — try again in a moment"
            )
        return DatabaseUnavailable(f"cannot use the database at {safe_url(self.engine)}: {reason}")

    def check_ready(self) -> None:
        """Fail with one clear sentence unless the database answers and is fully migrated.

        One query (the Alembic version row) against the head read from the revision files:
        every command runs this, so it must not load Alembic.
        """
        try:
            current = migrate.current_revision(self.engine)
        except OperationalError as exc:
            raise self._unavailable(exc) from exc
        head = migrate.code_head()
        if current != head:
            state = "is not migrated" if current is None else f"is at revision {current}"
            raise DatabaseUnavailable(
                f"the database at {safe_url(self.engine)} {state} (code needs {head}) "
                "— run `pms db upgrade`"
            )

    def upgrade(self) -> None:
        """Bring the schema to the newest revision."""
        try:
            migrate.upgrade(self.engine)
        except OperationalError as exc:
            raise self._unavailable(exc) from exc

    def revisions(self) -> tuple[str | None, str | None]:
        """The revision the database is at (None when never migrated) and the newest one the
        code knows, for `pms db current`."""
        try:
            current = migrate.current_revision(self.engine)
        except OperationalError as exc:
            raise self._unavailable(exc) from exc
        return current, migrate.head_revision()

    def is_empty(self) -> bool:
        """True when no property has been set up yet (first run)."""
        return self.read(lambda session: session.scalar(select(Property.id).limit(1)) is None)

    def close(self) -> None:
        """Release pooled connections."""
        self.engine.dispose()
