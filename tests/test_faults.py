"""Faults survived: a desk killed with SIGKILL in the middle of its day leaves a consistent
house (rooms sold = stays holding them, closed folios at zero with one invoice each, invoice
numbers without a gap), and a database held busy past the timeout is one clear sentence."""

from __future__ import annotations

import os
import signal
import sqlite3
import time

import pytest
from fault_desks import work_the_day
from racers import SPAWN
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.folios import Folio, Invoice, InvoiceSequence, Posting
from db.models import Inventory, Reservation, ReservationNight
from pms.kernel.desk import Desk
from pms.kernel.errors import DatabaseUnavailable

HOLDING = ("tentative", "confirmed", "checked_in", "checked_out")


def house_problems(session: Session) -> list[str]:
    """Every way the house disagrees with itself (none, when it is consistent)."""
    problems = []
    held = {
        (type_id, night): count
        for type_id, night, count in session.execute(
            select(Reservation.room_type_id, ReservationNight.night, func.count())
            .select_from(ReservationNight)
            .join(Reservation, Reservation.id == ReservationNight.reservation_id)
            .where(Reservation.status.in_(HOLDING))
            .group_by(Reservation.room_type_id, ReservationNight.night)
        )
    }
    for row in session.scalars(select(Inventory)):
        if row.sold != held.get((row.room_type_id, row.night), 0):
            problems.append(f"type {row.room_type_id} {row.night}: sold {row.sold}")
    sums = select(Posting.folio_id, func.sum(Posting.amount)).group_by(Posting.folio_id)
    balances = {folio_id: total for folio_id, total in session.execute(sums)}
    invoiced = set(session.scalars(select(Invoice.folio_id)))
    for folio in session.scalars(select(Folio)):
        if folio.status == "closed" and (
            balances.get(folio.id, 0) != 0 or folio.id not in invoiced
        ):
            problems.append(f"folio {folio.id} closed at {balances.get(folio.id)}")
        if folio.status == "open" and folio.id in invoiced:
            problems.append(f"folio {folio.id} open but invoiced")
    numbers = sorted(session.scalars(select(Invoice.number)))
    last = session.scalar(select(func.max(InvoiceSequence.last_number))) or 0
    if numbers != list(range(1, last + 1)):
        problems.append(f"invoice numbers {numbers} for a sequence at {last}")
    return problems


@pytest.mark.slow
def test_a_desk_killed_mid_day_leaves_the_house_consistent(hotel: Desk, db_url: str) -> None:
    cycles = SPAWN.Value("i", 0)
    desk = SPAWN.Process(target=work_the_day, args=(db_url, cycles))
    desk.start()
    deadline = time.monotonic() + 60
    while cycles.value < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.13)  # somewhere inside the next stay's commands
    os.kill(desk.pid, signal.SIGKILL)  # type: ignore[arg-type]
    desk.join()
    assert desk.exitcode == -signal.SIGKILL and cycles.value >= 2
    assert hotel.read(lambda s: s.scalar(select(func.count()).select_from(Invoice))) >= 2
    assert hotel.read(house_problems) == []


def test_a_database_held_past_the_busy_timeout_is_one_sentence(
    hotel: Desk, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite's busy timeout")
    monkeypatch.setattr("db.engine.SQLITE_BUSY_TIMEOUT", 0.2)
    impatient = Desk.open(db_url)
    impatient.actor = hotel.actor
    other_program = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None)
    other_program.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseUnavailable, match="the database is busy: another program held"):
            impatient.run(lambda session: session.execute(select(Inventory)).all())
    finally:
        other_program.execute("ROLLBACK")
        other_program.close()
        impatient.close()
