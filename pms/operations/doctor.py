"""`pms doctor`: is this installation healthy? Each check says ok, warn or fail, and the fix.

The checks read only: nothing is migrated, built or settled here, so the doctor can run from
cron or a probe against a live hotel. A database that cannot be reached or is not migrated
fails its check and the checks that need it are skipped, rather than failing with it.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

import platformdirs
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from db import migrate
from db.folios import Payment
from db.models import AuditRun, ChangeLog, Property
from pms.kernel.config import APP_NAME, DEFAULTS_FILE, user_config_file
from pms.kernel.desk import Desk, safe_url
from pms.kernel.errors import PmsError
from pms.search.index import index_root

OK, WARN, FAIL = "ok", "warn", "fail"
_MB = 1024 * 1024


@dataclass(frozen=True)
class Check:
    """One line of the doctor's report; `fix` says what to do when it is not ok."""

    name: str
    status: str
    detail: str
    fix: str = ""


def _database(desk: Desk) -> Check:
    try:
        with desk.engine.connect() as conn:
            if desk.engine.dialect.name == "sqlite":
                version = "SQLite " + str(conn.execute(text("SELECT sqlite_version()")).scalar())
            else:
                version = "PostgreSQL " + str(conn.execute(text("SHOW server_version")).scalar())
    except Exception as exc:  # any driver's refusal is the answer here, not a crash
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return Check(
            "database",
            FAIL,
            f"{safe_url(desk.engine)}: {reason}",
            "start the server or fix the URL (--db, PMS_DATABASE_URL, config)",
        )
    return Check("database", OK, f"{version} at {safe_url(desk.engine)}")


def _migrations(desk: Desk) -> Check:
    current = migrate.current_revision(desk.engine)
    head = migrate.code_head()
    if current == head:
        return Check("migrations", OK, f"at head {head}")
    return Check(
        "migrations", FAIL, f"at {current or 'nothing'}, code needs {head}", "run `pms db upgrade`"
    )


def _search(session: Session) -> Check:
    """The index of this desk: its size and how far it is behind the change log."""
    from whoosh import index as whoosh_index

    from pms.search.bookmark import read_state

    path = index_root(session.get_bind().engine.url) / "index"
    if not path.exists() or not whoosh_index.exists_in(str(path)):
        return Check(
            "search index",
            WARN,
            "not built on this desk yet",
            "run `pms search reindex` (the first search builds it too)",
        )
    size = sum(f.stat().st_size for f in path.iterdir() if f.is_file())
    with whoosh_index.open_dir(str(path)).searcher() as searcher:
        last_seen = read_state(searcher).last_seen
    newest = session.scalar(select(func.max(ChangeLog.id))) or 0
    lag = max(0, newest - last_seen)
    status = OK if lag < 1000 else WARN
    return Check(
        "search index",
        status,
        f"{size / _MB:.1f} MB, {lag} changes behind",
        "" if status == OK else "run `pms search reindex`",
    )


def payment_states(session: Session) -> dict[str, int]:
    """How many payments are in each state (failed: refused by the gateway; pending: waiting
    to be settled), for the doctor and the API's metrics."""
    rows = session.execute(select(Payment.state, func.count()).group_by(Payment.state))
    return {state: count for state, count in rows}


def _payments(session: Session) -> Check:
    pending = payment_states(session).get("pending", 0)
    if not pending:
        return Check("card payments", OK, "none pending")
    return Check(
        "card payments",
        WARN,
        f"{pending} pending",
        "run `pms payments reconcile` to settle them with the gateway",
    )


def _business_dates(session: Session, now: dt.datetime) -> list[Check]:
    """A business date behind the hotel's calendar means the night audit is not closing days."""
    checks = []
    for prop in session.scalars(select(Property).order_by(Property.code)):
        today = now.astimezone(zoneinfo.ZoneInfo(prop.timezone)).date()
        behind = (today - prop.business_date).days
        last = session.execute(
            select(AuditRun.business_date, AuditRun.username)
            .where(AuditRun.property_id == prop.id, AuditRun.finished_at.is_not(None))
            .order_by(AuditRun.business_date.desc())
            .limit(1)
        ).first()
        closed = f"last audit closed {last[0]} ({last[1]})" if last else "no night audit yet"
        detail = f"business date {prop.business_date} ({behind} days behind the calendar); {closed}"
        if behind <= 1:  # the night audit closes yesterday some time after midnight
            checks.append(Check(f"night audit {prop.code}", OK, detail))
        else:
            checks.append(
                Check(
                    f"night audit {prop.code}",
                    WARN,
                    detail,
                    "run the night audit for each day still open",
                )
            )
    return checks


def _disk(data_dir: Path) -> Check:
    data_dir.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(data_dir).free
    detail = f"{free / _MB / 1024:.1f} GB free in {data_dir}"
    if free < 200 * _MB:
        return Check("disk", FAIL, detail, "free space: the database and backups live here")
    if free < 2048 * _MB:
        return Check("disk", WARN, detail, "free space soon: the database and backups live here")
    return Check("disk", OK, detail)


def _config() -> Check:
    files = [str(DEFAULTS_FILE)]
    if user_config_file().exists():
        files.append(str(user_config_file()))
    if os.environ.get("PMS_CONFIG"):
        files.append(os.environ["PMS_CONFIG"])
    return Check("config", OK, " + ".join(files))


def run_checks(desk: Desk, now: dt.datetime | None = None) -> list[Check]:
    """Every check, in the order an operator would look (the config file has been read
    already: a bad one stops the command before the doctor runs)."""
    checks = [_config(), _database(desk)]
    if checks[-1].status == FAIL:
        return checks
    checks.append(_migrations(desk))
    if checks[-1].status == OK:
        moment = now or dt.datetime.now(dt.UTC)
        try:
            checks.extend(desk.read(lambda s: [_search(s), _payments(s)]))
            checks.extend(desk.read(_business_dates, moment))
        except PmsError as exc:
            checks.append(Check("data", FAIL, str(exc), "see the database check"))
    url = desk.engine.url
    sqlite_file = url.database if url.get_backend_name() == "sqlite" and url.database else None
    data_dir = Path(sqlite_file).resolve().parent if sqlite_file else None
    checks.append(_disk(data_dir or Path(platformdirs.user_data_dir(APP_NAME))))
    return checks
