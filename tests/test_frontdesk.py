"""The front desk's day: arrivals get a fitting room and the guarantee is in place, walk-ins
are booked and in at once, and nobody leaves before their folios are settled."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from conftest import CLERK, MANAGER, SUPERVISOR
from racers import race
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.folios import Payment
from db.models import Property, ReservationStatus
from pms.billing.folios import balance_of, folios_of, guest_folio, post_room_night, post_to_stay
from pms.frontdesk.check_in import check_in, walk_in
from pms.frontdesk.check_out import check_out
from pms.frontdesk.room_suggestions import suggest_rooms
from pms.guests.lookup import GuestInput
from pms.guests.profile_edits import GuestDetails, create_guest
from pms.hotel.properties import add_room
from pms.housekeeping.board import housekeeping_board
from pms.housekeeping.room_status import set_housekeeping
from pms.inventory.nights import availability
from pms.kernel.desk import Desk
from pms.kernel.errors import (
    InvalidInput,
    InvalidTransition,
    PermissionDenied,
    PmsError,
    RoomUnavailable,
)
from pms.rates.plan_terms import PlanTermsInput
from pms.rates.plans import create_rate_plan
from pms.reservations.booking import BookingRequest, book
from pms.reservations.changes import confirm
from pms.stays.reservation_views import ReservationView, get_reservation, load_reservation
from pms.stays.rooms import assign_room

LISBON = zoneinfo.ZoneInfo("Europe/Lisbon")


def d(day: int) -> dt.date:
    return dt.date(2026, 12, day)


def stay(
    hotel: Desk,
    arrival: int,
    departure: int,
    name: str = "Lucía García",
    kind: str = "DBL",
    **extra: object,
) -> ReservationView:
    request = BookingRequest(
        arrival=d(arrival),
        departure=d(departure),
        room_type=kind,
        guest=GuestInput(name),
        **extra,  # type: ignore[arg-type]
    )
    return hotel.run(book, request)


def as_actor(hotel: Desk, actor, action, *args, **kwargs):  # type: ignore[no-untyped-def]
    """Run one service as another member of staff, then hand the desk back to the clerk."""
    clerk, hotel.actor = hotel.actor, actor
    try:
        return hotel.run(action, *args, **kwargs)
    finally:
        hotel.actor = clerk


def roll_to(hotel: Desk, day: int) -> None:
    """Arrange: the night audit has closed the days before `day`."""

    def _roll(session: Session) -> None:
        prop = session.scalar(select(Property).where(Property.code == "TST"))
        assert prop is not None
        prop.business_date = d(day)

    hotel.run(_roll)


def pay_balance(hotel: Desk, confirmation: str) -> None:
    """Settle the guest folio in cash."""

    def _pay(session: Session) -> None:
        reservation = load_reservation(session, confirmation)
        balance = balance_of(session, guest_folio(session, reservation).id)
        post_to_stay(session, reservation, code="PAY-CASH", amount=-balance)

    hotel.run(_pay)


def audit_night(hotel: Desk, confirmation: str, night: dt.date) -> None:
    """Arrange: the night audit has posted the stay's room for `night`."""
    hotel.run(lambda s: post_room_night(s, load_reservation(s, confirmation), night))


def charge(hotel: Desk, confirmation: str, code: str, amount: int) -> None:
    hotel.run(
        lambda s: post_to_stay(s, load_reservation(s, confirmation), code=code, amount=amount)
    )


def test_an_arrival_is_offered_ready_rooms_first_and_checked_in(hotel: Desk) -> None:
    arrival = stay(hotel, 1, 3)
    hotel.run(set_housekeeping, "101", "dirty")
    as_actor(hotel, SUPERVISOR, set_housekeeping, "103", "inspected")
    offered = hotel.read(suggest_rooms, arrival.confirmation)
    assert [(r.number, r.ready) for r in offered] == [
        ("103", True),  # inspected before clean
        ("102", True),
        ("101", False),  # dirty
    ]
    morning = dt.datetime(2026, 12, 1, 10, 30, tzinfo=LISBON)
    done = hotel.run(check_in, arrival.confirmation, "103", now=morning)
    assert done.reservation.status == ReservationStatus.CHECKED_IN
    assert done.reservation.rooms == ["103"] and done.room == "103"
    assert done.early and not done.late_arrival  # before the 15:00 check-in hour
    assert [f.id for f in hotel.read(folios_of, arrival.confirmation)] == [done.folio_id]
    with pytest.raises(InvalidTransition, match="already checked in"):
        hotel.run(check_in, arrival.confirmation)


def test_the_guests_preferences_put_matching_rooms_first(hotel: Desk) -> None:
    as_actor(hotel, MANAGER, add_room, "TST", "104", "DBL", features=["quiet"])
    guest = hotel.run(create_guest, GuestDetails(name="Ada Lovelace", preferences={"quiet": "yes"}))
    booked = hotel.run(
        book, BookingRequest(arrival=d(1), departure=d(2), room_type="DBL", guest=guest.id)
    )
    first = hotel.read(suggest_rooms, booked.confirmation)[0]
    assert (first.number, first.matches) == ("104", ["quiet"])


def test_the_assigned_room_is_given_and_a_taken_one_refused(hotel: Desk) -> None:
    first, second = stay(hotel, 1, 3), stay(hotel, 1, 2, "Chidi Okafor")
    hotel.run(assign_room, first.confirmation, "102")
    assert hotel.run(check_in, first.confirmation).room == "102"
    with pytest.raises(RoomUnavailable, match=f"room 102 is taken .* by {first.confirmation}"):
        hotel.run(check_in, second.confirmation, "102")
    with pytest.raises(InvalidInput, match="has no room yet — pick one \\(ready: 101, 103\\)"):
        hotel.run(check_in, second.confirmation)
    with pytest.raises(RoomUnavailable, match="room 201 is a TWN"):
        hotel.run(check_in, second.confirmation, "201")


def test_a_dirty_room_needs_a_supervisor(hotel: Desk) -> None:
    booked = stay(hotel, 1, 2)
    hotel.run(set_housekeeping, "101", "dirty")
    with pytest.raises(RoomUnavailable, match="101 is dirty — a supervisor can give it anyway"):
        hotel.run(check_in, booked.confirmation, "101")
    with pytest.raises(PermissionDenied, match="needs the supervisor role"):
        hotel.run(check_in, booked.confirmation, "101", allow_dirty=True)
    done = as_actor(hotel, SUPERVISOR, check_in, booked.confirmation, "101", allow_dirty=True)
    assert done.room == "101"


def test_only_todays_confirmed_arrivals_check_in(hotel: Desk) -> None:
    tomorrow = stay(hotel, 2, 4)
    with pytest.raises(
        InvalidTransition, match="arrives on Wed 2026-12-02; the business date is Tue 2026-12-01"
    ):
        hotel.run(check_in, tomorrow.confirmation, "101")
    tentative = stay(hotel, 1, 2, "Chidi Okafor", tentative=True)
    with pytest.raises(InvalidTransition, match="tentative — confirm it first"):
        hotel.run(check_in, tentative.confirmation, "101")
    hotel.run(confirm, tentative.confirmation)
    assert hotel.run(check_in, tentative.confirmation, "101").room == "101"


def test_an_arrival_past_midnight_before_the_night_audit_is_late_not_early(hotel: Desk) -> None:
    booked = stay(hotel, 1, 2)
    small_hours = dt.datetime(2026, 12, 2, 1, 30, tzinfo=LISBON)  # business date still 1 Dec
    done = hotel.run(check_in, booked.confirmation, "101", now=small_hours)
    assert (done.early, done.late_arrival, done.checked_in_at) == (False, True, small_hours)


def test_a_late_arrival_checks_in_unless_marked_no_show(hotel: Desk) -> None:
    late, gone = stay(hotel, 1, 4), stay(hotel, 1, 4, "Chidi Okafor")
    hotel.run(assign_room, late.confirmation, "101")
    roll_to(hotel, 2)  # arrived past the night audit, guaranteed and kept
    done = hotel.run(check_in, late.confirmation)
    assert done.late_arrival and done.room == "101"

    def _no_show(session: Session) -> None:
        load_reservation(session, gone.confirmation).status = ReservationStatus.NO_SHOW

    hotel.run(_no_show)
    with pytest.raises(InvalidTransition, match="marked a no-show"):
        hotel.run(check_in, gone.confirmation, "102")


def _card_plan(hotel: Desk) -> None:
    terms = PlanTermsInput(code="GTD", name="Guaranteed", parent="BAR", guarantee="card")
    as_actor(hotel, MANAGER, create_rate_plan, "TST", terms)


def _authorise_card(hotel: Desk, confirmation: str) -> None:
    """Arrange: the payments service authorised a card on the guest folio."""

    def _authorise(session: Session) -> None:
        folio = guest_folio(session, load_reservation(session, confirmation))
        session.add(
            Payment(
                folio_id=folio.id,
                gateway="stripe",
                state="authorised",
                currency="EUR",
                amount=30000,
                intent_id=f"pi_{confirmation}",
                idempotency_key=f"auth-{confirmation}",
                username="ana",
            )
        )

    hotel.run(_authorise)


def test_a_card_guarantee_plan_needs_an_authorised_card(hotel: Desk) -> None:
    _card_plan(hotel)
    booked = stay(hotel, 1, 3, rate_plan="GTD")
    with pytest.raises(InvalidTransition, match="GTD needs a card guarantee — authorise a card"):
        hotel.run(check_in, booked.confirmation, "101")
    _authorise_card(hotel, booked.confirmation)
    assert hotel.run(check_in, booked.confirmation, "101").guarantee_due == ""


def test_a_walk_in_is_booked_and_in_at_once(hotel: Desk) -> None:
    hotel.run(set_housekeeping, "201", "dirty")
    request = BookingRequest(arrival="today", nights=2, room_type="TWN", guest=GuestInput("Li Wei"))
    done = hotel.run(walk_in, request)
    view = done.reservation
    assert (view.status, view.source, view.arrival, view.departure, done.room) == (
        "checked_in", "walk-in", d(1), d(3), "202",
    )  # fmt: skip
    later = BookingRequest(arrival="+1", nights=1, room_type="TWN", guest=GuestInput("Ann Lee"))
    with pytest.raises(InvalidInput, match="a walk-in arrives today"):
        hotel.run(walk_in, later)


def test_a_walk_in_on_a_card_plan_is_told_to_take_the_card(hotel: Desk) -> None:
    _card_plan(hotel)
    request = BookingRequest(
        arrival="today", nights=1, room_type="SUI", guest=GuestInput("Li Wei"), rate_plan="GTD"
    )
    assert hotel.run(walk_in, request).guarantee_due == "card"


def test_check_out_needs_a_settled_folio_then_bills_it_and_leaves_the_room_dirty(
    hotel: Desk,
) -> None:
    first, second = stay(hotel, 1, 2), stay(hotel, 1, 2, "Chidi Okafor")
    hotel.run(check_in, first.confirmation, "101")
    hotel.run(check_in, second.confirmation, "102")
    audit_night(hotel, first.confirmation, d(1))
    charge(hotel, first.confirmation, "MINIBAR", 650)
    roll_to(hotel, 2)
    with pytest.raises(InvalidTransition, match=r"has a balance of €106\.50 — take payment"):
        hotel.run(check_out, first.confirmation)
    pay_balance(hotel, first.confirmation)
    audit_night(hotel, second.confirmation, d(1))
    pay_balance(hotel, second.confirmation)

    out = hotel.run(check_out, first.confirmation)
    assert out.reservation.status == "checked_out" and not out.early_departure
    assert [(i.number, i.total) for i in out.invoices] == [(1, 10650)]
    assert hotel.run(check_out, second.confirmation).invoices[0].number == 2  # gap-free
    rooms = {r.number: r for r in hotel.read(housekeeping_board)}
    assert (rooms["101"].housekeeping, rooms["101"].occupancy) == ("dirty", "vacant")
    with pytest.raises(InvalidTransition, match="only in-house guests can check out"):
        hotel.run(check_out, first.confirmation)


def test_an_early_departure_gives_back_the_nights_not_stayed(hotel: Desk) -> None:
    booked = stay(hotel, 1, 5)
    hotel.run(check_in, booked.confirmation, "101")
    audit_night(hotel, booked.confirmation, d(1))
    roll_to(hotel, 2)
    pay_balance(hotel, booked.confirmation)
    out = hotel.run(check_out, booked.confirmation)
    assert out.early_departure and out.reservation.departure == d(2)
    assert [n.night for n in out.reservation.nightly] == [d(1)]
    assert out.reservation.rooms == ["101"]
    sold = {n.night: n.sold for n in hotel.read(availability, "TST", d(1), d(5))[0].nights}
    assert sold == {d(1): 1, d(2): 0, d(3): 0, d(4): 0}


def test_a_stay_not_in_the_house_cannot_check_out(hotel: Desk) -> None:
    booked = stay(hotel, 1, 2)
    with pytest.raises(InvalidTransition, match="is confirmed; only in-house guests"):
        hotel.run(check_out, booked.confirmation)
    assert hotel.read(get_reservation, booked.confirmation).status == "confirmed"


def check_in_at_once(url: str, barrier: Any, results: Any, confirmation: str, room: str) -> None:
    """A desk in its own process checks the guest into `room` once every desk is ready."""
    desk = Desk.open(url)
    desk.actor = CLERK
    desk.read(lambda session: None)  # connect before the start line
    barrier.wait()
    try:
        results.put(("ok", desk.run(check_in, confirmation, room).room))
    except PmsError as exc:
        results.put((type(exc).__name__, str(exc)))
    finally:
        desk.close()


@pytest.mark.slow
def test_two_desks_checking_two_guests_into_one_room_at_once_give_it_once(
    hotel: Desk, db_url: str
) -> None:
    first, second = stay(hotel, 1, 3), stay(hotel, 1, 2, "Chidi Okafor")
    outcomes = race(
        check_in_at_once,
        [(db_url, first.confirmation, "101"), (db_url, second.confirmation, "101")],
    )
    assert sorted(kind for kind, _ in outcomes) == ["RoomUnavailable", "ok"], outcomes
    statuses = sorted(hotel.read(get_reservation, s.confirmation).status for s in (first, second))
    assert statuses == ["checked_in", "confirmed"]
