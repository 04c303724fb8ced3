"""Who holds the day: the audit run row of (property, business date) is the lock.

UNIQUE(property_id, business_date) lets one run exist per day; its `holder` names the process
working on it (host, pid and a token of the call). A second run finds the holder alive and is
refused with who started it and when; a holder that died (kill -9, a lost machine) is taken
over: on the same host when its pid is gone, elsewhere when its heartbeat is older than
`LEASE`. The row lives in the database, so it works across desks, processes and machines on
SQLite and PostgreSQL alike, and the row lock taken while reading it makes two takers queue.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import AuditRun, Property
from pms.kernel.audit import record
from pms.kernel.desk import actor_of
from pms.kernel.errors import InvalidTransition, PmsError, RetryableConflict

#: A holder on another machine that has not beaten its heart for this long is taken as dead.
LEASE = dt.timedelta(minutes=2)
#: The holders of this process still running (another desk of the same app, a worker).
_RUNNING_HERE: set[str] = set()


class DayHeld(PmsError):
    """Another desk or process is closing this business date right now."""


def new_holder() -> str:
    """This call's name as a holder: `host:pid:token` (the token tells two calls of one
    process apart); alive until `done_here`."""
    holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    _RUNNING_HERE.add(holder)
    return holder


def done_here(holder: str) -> None:
    """The call holding as `holder` has ended (finished or failed): a later call of this
    process may take its day over even if the database still names it."""
    _RUNNING_HERE.discard(holder)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # somebody else's process: alive
        return True
    return True


def holder_alive(holder: str, heartbeat_at: dt.datetime | None, now: dt.datetime) -> bool:
    """Whether the process named by `holder` may still be working on the day."""
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host == socket.gethostname() and pid_text.isdigit():
        if int(pid_text) == os.getpid():
            return holder in _RUNNING_HERE
        return _pid_alive(int(pid_text))
    if heartbeat_at is None:
        return False
    if heartbeat_at.tzinfo is None:  # SQLite gives naive UTC back
        heartbeat_at = heartbeat_at.replace(tzinfo=dt.UTC)
    return now - heartbeat_at < LEASE


def _locked_run(session: Session, prop: Property, day: dt.date) -> AuditRun | None:
    return session.scalar(
        select(AuditRun)
        .where(AuditRun.property_id == prop.id, AuditRun.business_date == day)
        .with_for_update()
    )


def take_day(session: Session, prop: Property, day: dt.date, holder: str) -> int:
    """Hold the business date `day` for `holder`: a new run, or the unfinished one of a holder
    that is gone (it continues from its first unfinished step). Refused while another holds it.

    Returns:
        the run's id.
    """
    now = dt.datetime.now(dt.UTC)
    username = actor_of(session).username
    run = _locked_run(session, prop, day)
    if run is None:
        run = AuditRun(
            property_id=prop.id, business_date=day, status="running", username=username,
            started_at=now, holder=holder, heartbeat_at=now, overrides={},
        )  # fmt: skip
        session.add(run)
        try:
            session.flush()
        except IntegrityError as exc:  # another process created it first: look again
            raise RetryableConflict("audit run created twice at once") from exc
        record(session, "start_audit", "audit_run", run.id, after={"business_date": str(day)})
        return run.id
    if run.status == "done":
        raise InvalidTransition(f"{day:%a %Y-%m-%d} is already closed")
    if run.holder and run.holder != holder and holder_alive(run.holder, run.heartbeat_at, now):
        started = run.started_at.replace(tzinfo=run.started_at.tzinfo or dt.UTC)
        raise DayHeld(
            f"the night audit of {day:%a %Y-%m-%d} is already running: started by "
            f"{run.username} at {started:%H:%M:%S} UTC ({run.holder}) — wait for it, or see "
            "`pms audit status`"
        )
    taken_from = run.holder
    run.holder, run.heartbeat_at, run.status = holder, now, "running"
    session.flush()
    record(
        session, "resume_audit", "audit_run", run.id,
        after={"business_date": str(day), "by": username, "taken_from": taken_from},
    )  # fmt: skip
    return run.id


def beat(session: Session, run_id: int, holder: str) -> None:
    """Show the holder is alive (each step and batch calls it)."""
    run = session.get(AuditRun, run_id, with_for_update=True)
    assert run is not None
    if run.holder != holder:
        raise DayHeld(f"the night audit of {run.business_date} was taken over by {run.holder}")
    run.heartbeat_at = dt.datetime.now(dt.UTC)


def let_go(session: Session, run_id: int, holder: str, *, blocked: bool = False) -> None:
    """Give the day back (the run stopped, finished or failed); a later run continues it."""
    run = session.get(AuditRun, run_id, with_for_update=True)
    if run is not None and run.holder == holder:
        run.holder = None
        if blocked:
            run.status = "blocked"
