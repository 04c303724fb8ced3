"""The night audit against real processes: killed with SIGKILL at random points and run again,
and refused while another process holds the day (SQLite and PostgreSQL).

Each audit runs in a forked child (a real process with its own connections; forking skips the
import time of a fresh interpreter, so twenty kills stay quick).
"""

from __future__ import annotations

import multiprocessing
import os
import random
import shutil
import signal
import time
from pathlib import Path

import pytest
from conftest import CLERK, set_up_hotel
from sqlalchemy import func, select
from test_night_audit import book_stay, business_date, d

from db.folios import Posting
from db.models import AuditRun
from pms.frontdesk.check_in import check_in
from pms.kernel.desk import Desk
from pms.night_audit.lease import DayHeld
from pms.night_audit.run import run_night_audit

pytestmark = pytest.mark.slow
_FORK = multiprocessing.get_context("fork")


def _evening(desk: Desk) -> None:
    """Five stays in the house, one arrival that will not come, a stay leaving tomorrow."""
    set_up_hotel(desk)
    desk.actor = CLERK
    for number, (name, kind, room) in enumerate([
        ("Lucía García", "DBL", "101"), ("Chidi Okafor", "DBL", "102"), ("Li Wei", "TWN", "201"),
        ("Ann Lee", "TWN", "202"), ("Jo Park", "SUI", "301"),
    ]):  # fmt: skip
        conf = book_stay(desk, name, kind, 1, 2 + number % 3)
        desk.run(check_in, conf, room)
    book_stay(desk, "Ana Silva", "DBL", 1, 2)


def _audit_in_child(url: str, pause: float) -> None:
    """A night auditor's process: open a desk and close the day (pausing in each step when
    asked, so that the parent can see it hold the day)."""
    desk = Desk.open(url)
    desk.actor = CLERK

    def progress(step: str, done: int, total: int) -> None:
        if pause and step == "room_and_tax" and done == 0:
            time.sleep(pause)

    run_night_audit(desk, yes=True, progress=progress)
    desk.close()


def _closed_once(desk: Desk) -> None:
    """The day is closed once: the date rolled one day, each key posted once, every in-house
    night of 1 December posted."""
    assert business_date(desk) == d(2)
    keys = desk.read(
        lambda s: s.execute(
            select(Posting.unique_key, func.count())
            .where(Posting.unique_key.like("night:%"))
            .group_by(Posting.unique_key)
        ).all()
    )
    assert len(keys) == 5 and all(count == 1 for _, count in keys)


def test_an_audit_killed_at_random_points_completes_when_run_again(tmp_path: Path) -> None:
    template = tmp_path / "evening.sqlite3"
    desk = Desk.open(f"sqlite:///{template}")
    desk.upgrade()
    _evening(desk)
    desk.close()
    copy = tmp_path / "timed.sqlite3"
    shutil.copy(template, copy)
    started = time.perf_counter()
    first = _FORK.Process(target=_audit_in_child, args=(f"sqlite:///{copy}", 0.0))
    first.start()
    first.join()
    took = time.perf_counter() - started  # the kills fall anywhere in a run this long
    rng = random.Random(10)
    interrupted = 0
    for run in range(20):
        path = tmp_path / f"run{run}.sqlite3"
        shutil.copy(template, path)
        url = f"sqlite:///{path}"
        child = _FORK.Process(target=_audit_in_child, args=(url, 0.0))
        child.start()
        time.sleep(rng.uniform(0, took))
        if child.pid is not None and child.is_alive():
            os.kill(child.pid, signal.SIGKILL)
        child.join()
        again = Desk.open(url)
        again.actor = CLERK
        if business_date(again) == d(1):
            started_runs = again.read(lambda s: s.scalar(select(func.count(AuditRun.id))))
            interrupted += started_runs  # killed half-way (not before it began)
            run_night_audit(again, yes=True)  # takes the day over from the dead process
        _closed_once(again)
        again.close()
    assert interrupted >= 5  # enough of the kills fell inside a run


def test_a_second_process_is_refused_while_the_first_holds_the_day(db_url: str) -> None:
    desk = Desk.open(db_url)
    _evening(desk)
    child = _FORK.Process(target=_audit_in_child, args=(db_url, 3.0))
    child.start()
    holder = f":{child.pid}:"
    deadline = time.monotonic() + 20
    while holder not in (desk.read(lambda s: s.scalar(select(AuditRun.holder))) or ""):
        assert time.monotonic() < deadline, "the first audit never took the day"
        time.sleep(0.02)
    with pytest.raises(DayHeld, match=r"already running: started by ana at \d\d:\d\d:\d\d") as held:
        run_night_audit(desk, yes=True)
    assert holder in str(held.value)  # which process holds it
    child.join(30)
    assert child.exitcode == 0
    _closed_once(desk)
    desk.close()
