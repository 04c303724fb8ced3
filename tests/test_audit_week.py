"""A week at the Test Harbour Hotel, Tuesday 1 to Saturday 5 December, day by day with the
night audit closing each day; every figure of the reports is worked out by hand below.

Rooms: 3 DBL at €100, 2 TWN at €90, 1 SUI at €250 — 6 rooms, no taxes, all in order.

    Tue 1  Lucía DBL 1→4 and Chidi TWN 1→3 arrive; Ana DBL 1→2 never comes (no-show)
    Wed 2  Li Wei walks into the suite for one night; Lucía moves from 101 to 102
    Thu 3  Chidi and Li Wei pay and leave; Jo Park DBL 3→6 arrives in 103
    Fri 4  Lucía pays and leaves
    Sat 5  Jo leaves a night early

    night   occupied          room revenue
    Tue 1   Lucía, Chidi      100 + 90        = 190
    Wed 2   Lucía, Chidi, Li  100 + 90 + 250  = 440
    Thu 3   Lucía, Jo         100 + 100       = 200
    Fri 4   Jo                100             = 100
    Sat 5   —                 0
"""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import update
from test_night_audit import book_stay, business_date, d, pay_up, stats_of

from db.models import Property
from pms.billing.folios import post_to_stay
from pms.frontdesk.check_in import check_in, walk_in
from pms.frontdesk.check_out import check_out
from pms.frontdesk.stay_changes import move_room
from pms.guests.lookup import GuestInput
from pms.kernel.desk import Desk
from pms.kernel.errors import InvalidTransition
from pms.night_audit.run import run_night_audit
from pms.reports.flash import flash_report
from pms.reports.history import history
from pms.reports.journal import trial_balance
from pms.reports.lists import stay_list
from pms.reservations.booking import BookingRequest
from pms.stays.reservation_views import get_reservation, load_reservation


def leave(hotel: Desk, confirmation: str) -> None:
    pay_up(hotel, confirmation)
    hotel.run(check_out, confirmation)


def test_a_week_of_days_closed_one_by_one(hotel: Desk) -> None:
    # Tuesday 1
    lucia = book_stay(hotel, "Lucía García", "DBL", 1, 4)
    chidi = book_stay(hotel, "Chidi Okafor", "TWN", 1, 3)
    ana = book_stay(hotel, "Ana Silva", "DBL", 1, 2)
    hotel.run(check_in, lucia, "101")
    hotel.run(check_in, chidi, "201")
    assert [s.confirmation for s in hotel.read(stay_list, "arrivals")] != []
    run_night_audit(hotel, yes=True)
    # Wednesday 2
    request = BookingRequest(arrival="today", nights=1, room_type="SUI", guest=GuestInput("Li"))
    li = hotel.run(walk_in, request, "301").reservation.confirmation
    hotel.run(move_room, lucia, "102", "noisy neighbours")
    run_night_audit(hotel, yes=True)
    # Thursday 3
    leave(hotel, chidi)
    leave(hotel, li)
    jo = book_stay(hotel, "Jo Park", "DBL", 3, 6)
    hotel.run(check_in, jo, "103")
    run_night_audit(hotel, yes=True)
    # Friday 4
    leave(hotel, lucia)
    run_night_audit(hotel, yes=True)
    # Saturday 5: Jo leaves a night early
    leave(hotel, jo)
    run_night_audit(hotel, yes=True)
    assert business_date(hotel) == d(6)

    revenue = {day: sum(t["room_revenue"] for t in stats_of(hotel, d(day)).values())
               for day in range(1, 6)}  # fmt: skip
    assert revenue == {1: 19000, 2: 44000, 3: 20000, 4: 10000, 5: 0}
    occupied = {day: sum(t["occupied"] for t in stats_of(hotel, d(day)).values())
                for day in range(1, 6)}  # fmt: skip
    assert occupied == {1: 2, 2: 3, 3: 2, 4: 1, 5: 0}
    assert stats_of(hotel, d(1))["DBL"]["no_shows"] == 1
    assert stats_of(hotel, d(2))["SUI"]["walk_ins"] == 1
    assert stats_of(hotel, d(3))["TWN"]["departures"] == 1
    assert stats_of(hotel, d(3))["SUI"]["departures"] == 1

    flash = hotel.read(flash_report, None, d(5))
    month = flash.columns[1]
    assert (month.first, month.last, month.rooms_available, month.occupied) == (d(1), d(5), 30, 8)
    assert (str(month.occupancy), month.adr, month.revpar, month.room_revenue) == (
        "26.67", 11625, 3100, 93000,
    )  # fmt: skip
    assert (month.arrivals, month.departures, month.no_shows) == (4, 4, 1)
    last_year = flash.columns[4]
    assert last_year.rooms == 0 and str(last_year.occupancy) == "0.00"

    lines = hotel.read(history, None, 5, d(5))
    totals = [(line.date, line.rooms_sold, line.room_revenue) for line in lines
              if line.room_type == "ALL"]  # fmt: skip
    assert totals == [(d(1), 2, 19000), (d(2), 3, 44000), (d(3), 2, 20000), (d(4), 1, 10000),
                      (d(5), 0, 0)]  # fmt: skip

    ledgers = [hotel.read(trial_balance, None, d(day)) for day in range(1, 6)]
    assert all(day.balanced for day in ledgers)
    for today, tomorrow in itertools.pairwise(ledgers):
        assert [f.closing for f in today.ledgers] == [f.opening for f in tomorrow.ledgers]
    guest_closing = [day.ledgers[0].closing for day in ledgers]
    # What the guests owe at each night's close: Tue Lucía 100 + Chidi 90; Wed + 100 + 90 +
    # Li 250; Thu Chidi and Li paid (−430), + Lucía 100 + Jo 100; Fri Lucía paid 300, + Jo
    # 100; Sat Jo paid 200.
    assert guest_closing == [19000, 63000, 40000, 20000, 0]

    early = hotel.read(get_reservation, jo)
    assert (early.status, early.departure) == ("checked_out", d(5))
    assert hotel.read(get_reservation, ana).status == "no_show"
    assert [s.confirmation for s in hotel.read(stay_list, "no-shows", None, d(1))] == [ana]
    moved = hotel.read(get_reservation, lucia)
    assert moved.rooms[-1] == "102"


@pytest.mark.parametrize("setting", ["none", "half"])
def test_a_day_use_is_charged_per_the_setting(hotel: Desk, setting: str) -> None:
    hotel.run(lambda s: s.execute(update(Property).values(settings={"day_use_charge": setting})))
    request = BookingRequest(arrival="today", nights=1, room_type="TWN", guest=GuestInput("Li"))
    li = hotel.run(walk_in, request, "201").reservation.confirmation
    if setting == "half":  # the check-out charges half the night, and asks for it first
        with pytest.raises(InvalidTransition, match=r"has a balance of €45\.00"):
            hotel.run(check_out, li)
        hotel.run(lambda s: post_to_stay(s, load_reservation(s, li), code="PAY-CASH", amount=-4500))
    hotel.run(check_out, li)
    run_night_audit(hotel, yes=True)
    stats = stats_of(hotel, d(1))["TWN"]
    assert (stats["day_use"], stats["room_revenue"]) == (1, 0 if setting == "none" else 4500)
