"""Property: over any sequence of days at the Test Harbour Hotel — stays booked for today, some
never arriving, some leaving early, the audit closing each day — the room revenue posted is
exactly the booked prices of the nights stayed, and each ledger's closing is the next day's
opening."""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
import uuid
from pathlib import Path

import pytest
from conftest import SUPERVISOR, set_up_hotel
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from test_night_audit import book_stay, business_date, pay_up

from db.folios import Folio, Posting
from db.models import LedgerDay, Property, Reservation, ReservationStatus
from pms.frontdesk.check_in import check_in
from pms.frontdesk.check_out import check_out
from pms.kernel.desk import Desk
from pms.kernel.errors import SoldOut
from pms.night_audit.run import run_night_audit
from pms.stays.rooms import free_rooms

pytestmark = pytest.mark.slow

#: A stay booked on the day: room type, nights, whether the guest comes, leaves a day early.
stay = st.tuples(
    st.sampled_from(["DBL", "TWN", "SUI"]), st.integers(1, 3), st.booleans(), st.booleans()
)
days = st.lists(st.lists(stay, max_size=3), min_size=1, max_size=4)


def _live(desk: Desk, plan: list[list[tuple[str, int, bool, bool]]]) -> None:
    early: set[str] = set()
    for number, arrivals in enumerate(plan):
        today = business_date(desk).day  # the test hotel's days are in December
        for confirmation in _leaving(desk, early):
            pay_up(desk, confirmation)
            desk.run(check_out, confirmation)
        for index, (kind, nights, comes, leaves_early) in enumerate(arrivals):
            try:
                conf = book_stay(desk, f"Guest {number}-{index}", kind, today, today + nights)
            except SoldOut:
                continue
            rooms = desk.read(free_rooms, conf)
            if comes and rooms:  # an overbooked one finds no room: it becomes a no-show
                desk.run(check_in, conf, rooms[0].number, allow_dirty=True)
                if leaves_early and nights > 1:
                    early.add(conf)
        run_night_audit(desk, yes=True)


def _leaving(desk: Desk, early: set[str]) -> list[str]:
    """In-house stays due out today, and those leaving early (after their first night)."""

    def _read(session: Session) -> list[str]:
        today = business_date_of(session)
        rows = session.execute(
            select(Reservation.confirmation, Reservation.arrival, Reservation.departure).where(
                Reservation.status == ReservationStatus.CHECKED_IN
            )
        ).all()
        return [c for c, arrival, departure in rows
                if departure <= today or (c in early and arrival < today)]  # fmt: skip

    return desk.read(_read)


def business_date_of(session: Session) -> dt.date:
    return session.scalar(select(Property.business_date))


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plan=days)
def test_room_revenue_is_the_booked_nights_stayed_and_ledgers_carry_over(
    plan: list[list[tuple[str, int, bool, bool]]], sqlite_template: Path, tmp_path: Path
) -> None:
    path = tmp_path / f"{uuid.uuid4().hex}.sqlite3"
    shutil.copy(sqlite_template, path)
    desk = Desk.open(f"sqlite:///{path}")
    set_up_hotel(desk)
    desk.actor = SUPERVISOR
    _live(desk, plan)

    def _figures(session: Session) -> tuple[dict[int, int], dict[int, int]]:
        today = business_date_of(session)
        posted = dict(session.execute(
            select(Folio.reservation_id, func.sum(Posting.amount))
            .join(Folio, Folio.id == Posting.folio_id)
            .where(Posting.code == "ROOM").group_by(Folio.reservation_id)).all())  # fmt: skip
        booked = {}
        for reservation in session.scalars(select(Reservation)):
            if reservation.status in (ReservationStatus.CHECKED_IN, ReservationStatus.CHECKED_OUT):
                stayed = [n.price for n in reservation.nights if n.night < today]
                if sum(stayed):
                    booked[reservation.id] = sum(stayed)
        return posted, booked

    posted, booked = desk.read(_figures)
    assert posted == booked
    rows = desk.read(lambda s: [(r.ledger, r.business_date, r.opening, r.closing)
                                for r in s.scalars(select(LedgerDay).order_by(
                                    LedgerDay.ledger, LedgerDay.business_date))])  # fmt: skip
    for (ledger, _, _, closing), (after, _, opening, _) in itertools.pairwise(rows):
        if ledger == after:
            assert closing == opening
    desk.close()
