"""The hotel's day closes: the night auditor runs the audit on the test hotel and every figure is
the one worked out by hand here.

Tuesday 1 December: Lucía (DBL, two nights) and Chidi (TWN, one night) are in the house; Ana
Silva (DBL) never comes; Li Wei walks in to the suite and leaves the same day (a day use,
charged a full night by default). The test hotel has no taxes: room lines are the prices.
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import MANAGER, SUPERVISOR
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from test_payments import gateway, stripe_url  # noqa: F401 — the card gateway's fixtures

from db.folios import Posting
from db.models import AuditRun, DailyStatistic, Property, RoomType
from pms.billing.folios import balance_of, folios_of, guest_folio, post_to_stay, set_routing
from pms.frontdesk.check_in import check_in, walk_in
from pms.frontdesk.check_out import check_out
from pms.guests.lookup import GuestInput
from pms.hotel.property_settings import PropertySettings
from pms.inventory.nights import availability
from pms.kernel.desk import Desk
from pms.kernel.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from pms.night_audit.lease import DayHeld, new_holder, take_day
from pms.night_audit.no_shows import reinstate_no_show
from pms.night_audit.run import AuditBlocked, run_night_audit
from pms.night_audit.status import audit_history, audit_status
from pms.payments.card_holds import authorise_card
from pms.payments.gateways.stripe_gateway import StripeGateway
from pms.rates.plan_terms import PlanTermsInput
from pms.rates.plans import create_rate_plan
from pms.reports.flash import flash_report
from pms.reports.journal import trial_balance
from pms.reports.kpi import kpis
from pms.reservations.booking import BookingRequest, book
from pms.stays.reservation_views import get_reservation, load_reservation
from pms.stays.rooms import assign_room


def d(day: int) -> dt.date:
    return dt.date(2026, 12, day)


def book_stay(hotel: Desk, name: str, kind: str, arrival: int, departure: int) -> str:
    request = BookingRequest(
        arrival=d(arrival), departure=d(departure), room_type=kind, guest=GuestInput(name)
    )
    return hotel.run(book, request).confirmation


def pay_up(hotel: Desk, confirmation: str) -> None:
    """The guest settles the guest folio in cash."""

    def _pay(session: Session) -> None:
        reservation = load_reservation(session, confirmation)
        balance = balance_of(session, guest_folio(session, reservation).id)
        if balance:
            post_to_stay(session, reservation, code="PAY-CASH", amount=-balance)

    hotel.run(_pay)


def business_date(hotel: Desk) -> dt.date:
    return hotel.read(lambda s: s.scalar(select(Property.business_date)))


def room_postings(hotel: Desk) -> list[tuple[str, dt.date, int]]:
    rows = hotel.read(
        lambda s: s.execute(
            select(Posting.unique_key, Posting.business_date, Posting.amount)
            .where(Posting.code == "ROOM")
            .order_by(Posting.id)
        ).all()
    )
    return [(key.split(":")[2] if key else "", day, amount) for key, day, amount in rows]


def stats_of(hotel: Desk, day: dt.date) -> dict[str, dict[str, int]]:
    def _read(session: Session) -> dict[str, dict[str, int]]:
        rows = session.execute(
            select(DailyStatistic, RoomType.code)
            .join(RoomType, RoomType.id == DailyStatistic.room_type_id)
            .where(DailyStatistic.business_date == day)
        ).all()
        return {code: {k: getattr(s, k) for k in ("rooms", "occupied", "arrivals", "walk_ins",
                                                  "no_shows", "day_use", "departures",
                                                  "room_revenue", "adults")}
                for s, code in rows}  # fmt: skip

    return hotel.read(_read)


@pytest.fixture
def tuesday(hotel: Desk) -> dict[str, str]:
    """The evening of Tuesday 1 December, as the night auditor finds it."""
    stays = {
        "lucia": book_stay(hotel, "Lucía García", "DBL", 1, 3),
        "chidi": book_stay(hotel, "Chidi Okafor", "TWN", 1, 2),
        "ana": book_stay(hotel, "Ana Silva", "DBL", 1, 2),
    }
    hotel.run(check_in, stays["lucia"], "101")
    hotel.run(check_in, stays["chidi"], "201")
    walked = hotel.run(
        walk_in,
        BookingRequest(arrival="today", nights=1, room_type="SUI", guest=GuestInput("Li Wei")),
    )
    stays["li"] = walked.reservation.confirmation
    post = hotel.run
    post(
        lambda s: post_to_stay(s, load_reservation(s, stays["li"]), code="PAY-CASH", amount=-25000)
    )
    hotel.run(check_out, stays["li"])  # the day use: a full night, paid before leaving
    return stays


def test_the_day_closes_posting_each_night_once_and_rolling_the_date(
    hotel: Desk, tuesday: dict[str, str]
) -> None:
    with pytest.raises(AuditBlocked, match="arrivals of the day not checked in"):
        run_night_audit(hotel)  # a warning needs --yes
    assert business_date(hotel) == d(1)

    run_night_audit(hotel, yes=True)
    assert business_date(hotel) == d(2)
    assert sorted(room_postings(hotel)) == [
        ("2026-12-01", d(1), 9000), ("2026-12-01", d(1), 10000), ("2026-12-01", d(1), 25000),
    ]  # fmt: skip
    assert hotel.read(get_reservation, tuesday["ana"]).status == "no_show"
    dbl = hotel.read(availability, "TST", d(1), d(2))[0].nights[0]
    assert dbl.sold == 1  # Ana's room went back on sale

    stats = stats_of(hotel, d(1))
    assert stats["DBL"] == {"rooms": 3, "occupied": 1, "arrivals": 1, "walk_ins": 0,
                            "no_shows": 1, "day_use": 0, "departures": 0,
                            "room_revenue": 10000, "adults": 1}  # fmt: skip
    assert stats["SUI"] | {} == {"rooms": 1, "occupied": 0, "arrivals": 1, "walk_ins": 1,
                                 "no_shows": 0, "day_use": 1, "departures": 0,
                                 "room_revenue": 25000, "adults": 0}  # fmt: skip
    assert stats["TWN"]["occupied"] == 1 and stats["TWN"]["room_revenue"] == 9000

    flash = hotel.read(flash_report)
    assert flash.business_date == d(1)
    assert (str(flash.occupancy), flash.adr, flash.revpar, flash.trevpar) == (
        "33.33", 22000, 7333, 7333,
    )  # fmt: skip
    balance = hotel.read(trial_balance, None, d(1))
    guest = balance.ledgers[0]
    assert (guest.opening, guest.debits, guest.credits, guest.closing) == (0, 44000, 25000, 19000)
    assert balance.balanced

    # Wednesday: Chidi pays and leaves, Lucía stays another night.
    pay_up(hotel, tuesday["chidi"])
    hotel.run(check_out, tuesday["chidi"])
    run_night_audit(hotel, yes=True)
    assert business_date(hotel) == d(3)
    assert [p for p in room_postings(hotel) if p[0] == "2026-12-02"] == [
        ("2026-12-02", d(2), 10000)
    ]
    wednesday = hotel.read(trial_balance, None, d(2))
    assert wednesday.ledgers[0].opening == guest.closing  # closing(D) = opening(D+1)
    assert wednesday.ledgers[0].closing == 20000
    assert stats_of(hotel, d(2))["TWN"]["departures"] == 1
    history = hotel.read(audit_history)
    assert [(r.business_date, r.status) for r in history] == [(d(2), "done"), (d(1), "done")]
    assert all(s.status in ("done", "skipped") for s in history[0].steps)


def test_a_departure_left_in_the_house_stays_a_night_and_a_red_item_needs_a_supervisor(
    hotel: Desk,
) -> None:
    conf = book_stay(hotel, "Lucía García", "DBL", 1, 2)
    hotel.run(check_in, conf, "101")
    red = {"red_prechecks": ["departures_not_checked_out"]}
    hotel.run(lambda s: s.execute(update(Property).values(business_date=d(2), settings=red)))
    with pytest.raises(AuditBlocked, match="red pre-check"):
        run_night_audit(hotel, yes=True)
    overrides = {"departures_not_checked_out": "guest asleep, staying on"}
    with pytest.raises(PermissionDenied, match="supervisor"):
        run_night_audit(hotel, yes=True, overrides=overrides)
    hotel.actor = SUPERVISOR
    run_night_audit(hotel, yes=True, overrides=overrides)
    kept = hotel.read(get_reservation, conf)
    assert (kept.status, kept.departure) == ("checked_in", d(3))
    assert business_date(hotel) == d(3)


def test_a_second_audit_is_refused_with_who_holds_the_day(hotel: Desk) -> None:
    other = new_holder()  # another desk of this process, alive
    hotel.run(lambda s: take_day(s, s.scalar(select(Property)), d(1), other))
    with pytest.raises(DayHeld, match=r"already running: started by ana at \d\d:\d\d"):
        run_night_audit(hotel, yes=True)
    # A holder whose process is gone is taken over, and the day closes.
    dead = "localhost-gone:999999:dead"
    long_ago = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    hotel.run(lambda s: s.execute(update(AuditRun).values(holder=dead, heartbeat_at=long_ago)))
    run_night_audit(hotel, yes=True)
    assert business_date(hotel) == d(2)
    assert hotel.read(audit_status).last_closed.business_date == d(1)


def test_bad_input_is_one_clear_sentence(hotel: Desk) -> None:
    with pytest.raises(InvalidInput, match="days close in order, one at a time"):
        run_night_audit(hotel, business_date=d(3))
    with pytest.raises(NotFound, match="no property 'NOPE'"):
        run_night_audit(hotel, "NOPE")
    with pytest.raises(InvalidInput, match="Tue 2026-12-01 is not closed yet"):
        hotel.read(flash_report, None, "today")
    with pytest.raises(NotFound, match="no statistics for Mon 2026-11-30: no night audit"):
        hotel.read(flash_report)


def test_a_supervisor_reinstates_a_no_show_the_next_morning(hotel: Desk) -> None:
    conf = book_stay(hotel, "Ana Silva", "DBL", 1, 3)
    run_night_audit(hotel, yes=True)
    assert hotel.read(get_reservation, conf).status == "no_show"
    with pytest.raises(PermissionDenied):
        hotel.run(reinstate_no_show, conf, "arrived at 3 a.m.")
    hotel.actor = SUPERVISOR
    back = hotel.run(reinstate_no_show, conf, "arrived at 3 a.m.")
    assert (back.status, back.arrival, back.departure) == ("confirmed", d(2), d(3))
    assert hotel.read(availability, "TST", d(2), d(3))[0].nights[0].sold == 1
    with pytest.raises(InvalidTransition, match="not a no-show"):
        hotel.run(reinstate_no_show, conf, "again")


@pytest.mark.parametrize(
    ("basis", "occupancy"), [("capacity", "30.00"), ("capacity_less_ooo", "31.58")]
)
def test_occupancy_counts_out_of_order_rooms_per_the_setting(basis: str, occupancy: str) -> None:
    totals = dict.fromkeys(("comp", "house_use", "other_revenue", "multiple_occupied"), 0)
    totals |= {"rooms": 100, "out_of_order": 5, "occupied": 30, "room_revenue": 300000}
    figures = kpis(totals, PropertySettings(occupancy_basis=basis))  # type: ignore[arg-type]
    assert str(figures.occupancy) == occupancy


@pytest.mark.parametrize(("comp_in_adr", "adr"), [(False, 12000), (True, 9600)])
def test_comp_rooms_count_in_adr_only_when_the_setting_says(comp_in_adr: bool, adr: int) -> None:
    totals = {"rooms": 10, "out_of_order": 0, "occupied": 6, "comp": 1, "house_use": 1,
              "room_revenue": 48000, "other_revenue": 2000, "multiple_occupied": 3}  # fmt: skip
    figures = kpis(totals, PropertySettings(comp_in_adr=comp_in_adr))
    assert figures.rooms_sold == 5  # house use is never sold
    assert (figures.adr, figures.revpar, figures.trevpar) == (adr, 4800, 5000)
    assert str(figures.multiple_occupancy) == "50.00"


def test_postings_are_unique_per_stay_night_and_code(hotel: Desk, tuesday: dict[str, str]) -> None:
    run_night_audit(hotel, yes=True)
    keys = hotel.read(
        lambda s: s.execute(
            select(Posting.unique_key, func.count())
            .where(Posting.unique_key.is_not(None))
            .group_by(Posting.unique_key)
        ).all()
    )
    assert keys and all(count == 1 for _, count in keys)


def test_a_no_show_on_a_card_plan_pays_the_first_night_with_the_card_held(
    hotel: Desk,
    gateway: StripeGateway,  # noqa: F811 — the fixture imported from test_payments
) -> None:
    terms = PlanTermsInput(code="GTD", name="Guaranteed", parent="BAR", guarantee="card")
    hotel.actor = MANAGER
    hotel.run(create_rate_plan, "TST", terms)
    request = BookingRequest(arrival=d(1), departure=d(3), room_type="DBL",
                             guest=GuestInput("Ana Silva"), rate_plan="GTD")  # fmt: skip
    ana = hotel.run(book, request).confirmation
    held = authorise_card(hotel, ana, 30000, gateway)
    assert held.state == "authorised"
    run_night_audit(hotel, yes=True, gateway=gateway)
    assert hotel.read(get_reservation, ana).status == "no_show"
    (folio,) = hotel.read(folios_of, ana)
    assert [(p.code, p.amount) for p in folio.postings] == [("NOSHOW-FEE", 10000),
                                                             ("PAY-CARD", -10000)]  # fmt: skip
    step = next(s for s in hotel.read(audit_history)[0].steps if s.step == "card_charges")
    assert step.counts == {"charged": 1, "amount": 10000, "left_on_folio": 0}


def test_room_routed_to_the_company_folio_is_posted_there(hotel: Desk) -> None:
    conf = book_stay(hotel, "Lucía García", "DBL", 1, 3)
    hotel.run(check_in, conf, "101")
    hotel.run(set_routing, conf, ["ROOM"], "Company")
    run_night_audit(hotel, yes=True)
    folios = {f.name: [(p.code, p.amount) for p in f.postings] for f in hotel.read(folios_of, conf)}
    assert folios == {"Guest": [], "Company": [("ROOM", 10000)]}


def test_a_departure_whose_room_is_taken_tonight_is_red_whatever_the_settings(
    hotel: Desk,
) -> None:
    lucia = book_stay(hotel, "Lucía García", "DBL", 1, 2)
    hotel.run(check_in, lucia, "101")
    hotel.run(lambda s: s.execute(update(Property).values(business_date=d(2))))
    chidi = book_stay(hotel, "Chidi Okafor", "DBL", 2, 3)
    hotel.run(assign_room, chidi, "101")  # tonight's guest of 101 arrives later
    with pytest.raises(AuditBlocked, match="room or inventory is gone") as blocked:
        run_night_audit(hotel, yes=True)
    first = blocked.value.findings[0]
    assert (first.name, first.level, first.items) == ("departures_without_room", "red", (lucia,))
    hotel.actor = SUPERVISOR
    run_night_audit(hotel, yes=True, overrides={"departures_without_room": "leaving at 6 a.m."})
    left = hotel.read(get_reservation, lucia)
    assert (left.status, left.departure) == ("checked_in", d(2))  # for the morning desk
