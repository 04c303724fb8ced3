"""Whatever a day of bookings, changes and cancellations looks like, `sold` on every inventory
row equals the number of live reservations on that night (hypothesis, on both databases)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter

import pytest
from conftest import BUSINESS_DATE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Inventory, Reservation, ReservationNight, RoomType
from pms.guests.lookup import GuestInput
from pms.hotel.properties import add_room, add_room_type, create_property
from pms.kernel.desk import Desk
from pms.kernel.errors import PmsError
from pms.reservations.booking import BookingRequest, book
from pms.reservations.changes import StayChanges, cancel, modify
from pms.stays.reservation_views import HOLDING

#: Races, faults and properties: the long tests, left out of `make test-fast`.
pytestmark = pytest.mark.slow

_hotels = itertools.count()

room_types = st.sampled_from(["A", "B"])
offsets = st.integers(min_value=0, max_value=6)
lengths = st.integers(min_value=1, max_value=4)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("book"), room_types, offsets, lengths),
        st.tuples(st.just("modify"), st.integers(0, 20), room_types, offsets, lengths),
        st.tuples(st.just("cancel"), st.integers(0, 20)),
    ),
    max_size=25,
)


def _small_hotel(session: Session, code: str) -> None:
    create_property(session, code, "Hypothesis Inn", business_date=BUSINESS_DATE)
    add_room_type(session, code, "A", "A", max_occupancy=2, price=8000, overbooking_allowance=1)
    add_room_type(session, code, "B", "B", max_occupancy=2, price=9000)
    for number, kind in [("1", "A"), ("2", "A"), ("3", "B")]:
        add_room(session, code, number, kind, floor=1)


def _sold_matches_live_nights(session: Session, code: str) -> None:
    holding = [status.value for status in HOLDING]
    live = Counter(
        session.execute(
            select(ReservationNight.night, RoomType.code)
            .join(Reservation, Reservation.id == ReservationNight.reservation_id)
            .join(RoomType, RoomType.id == Reservation.room_type_id)
            .where(RoomType.property.has(code=code), Reservation.status.in_(holding))
        ).all()
    )
    sold = {
        (night, type_code): count
        for night, type_code, count in session.execute(
            select(Inventory.night, RoomType.code, Inventory.sold)
            .join(RoomType)
            .where(RoomType.property.has(code=code))
        ).all()
    }
    assert {key: n for key, n in sold.items() if n} == dict(live)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_sold_always_equals_live_reservations(desk: Desk, ops: list[tuple]) -> None:
    code = f"H{next(_hotels)}"
    desk.run(_small_hotel, code)
    confirmations: list[str] = []
    start = BUSINESS_DATE
    for op in ops:
        try:
            if op[0] == "book":
                _, kind, offset, nights = op
                view = desk.run(
                    book,
                    BookingRequest(
                        arrival=start + dt.timedelta(days=offset),
                        nights=nights,
                        room_type=kind,
                        guest=GuestInput("Test Guest"),
                        property_code=code,
                    ),
                )
                confirmations.append(view.confirmation)
            elif confirmations and op[0] == "modify":
                _, index, kind, offset, nights = op
                changes = StayChanges(
                    arrival=start + dt.timedelta(days=offset), nights=nights, room_type=kind
                )
                desk.run(modify, confirmations[index % len(confirmations)], changes)
            elif confirmations and op[0] == "cancel":
                desk.run(cancel, confirmations[op[1] % len(confirmations)])
        except PmsError:
            pass  # sold out, already cancelled …: refused, and must have changed nothing
        desk.read(_sold_matches_live_nights, code)
