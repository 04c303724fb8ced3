"""The loyalty programme through a hotel's days: a guest enrols, stays, earns at check-out once,
pays part of a bill with points, climbs a tier, and sees old points expire."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from conftest import MANAGER, SUPERVISOR
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.folios import Posting
from db.models import LoyaltyLine, Property
from pms.billing.folios import (
    balance_of,
    folios_of,
    guest_folio,
    post_room_night,
    reverse_posting,
)
from pms.billing.ledger import append_posting
from pms.frontdesk.check_in import check_in
from pms.frontdesk.check_out import check_out
from pms.guests.profile_edits import GuestDetails, create_guest
from pms.hotel.properties import add_room, add_room_type, create_property
from pms.kernel.desk import SYSTEM, Desk
from pms.kernel.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from pms.loyalty.adjustments import adjust_points
from pms.loyalty.batches import expire_points, review_tiers
from pms.loyalty.earning import earn_points
from pms.loyalty.members import enrol, find_member, list_members
from pms.loyalty.programme import ProgrammeTerms, TierTerms, set_programme, set_tier
from pms.loyalty.redemption import redeem_award_night, redeem_points, return_points
from pms.loyalty.views import show_loyalty, statement
from pms.payments.take import take_cash
from pms.rates.plan_terms import PlanTermsInput
from pms.rates.plans import create_rate_plan
from pms.rates.sheet_edits import set_rates
from pms.reservations.booking import BookingRequest, book
from pms.search.service import catch_up, close_indexes, ensure_index, search
from pms.stays.reservation_views import load_reservation

PROGRAMME = "HARBOUR"


def as_actor(hotel: Desk, actor, action, *args, **kwargs):  # type: ignore[no-untyped-def]
    """Run one service as another member of staff, then hand the desk back to the clerk."""
    clerk, hotel.actor = hotel.actor, actor
    try:
        return hotel.run(action, *args, **kwargs)
    finally:
        hotel.actor = clerk


def set_up_programme(hotel: Desk, **rules: object) -> None:
    """Arrange: the manager sets up Harbour Rewards with Blue, Silver and Gold tiers."""
    terms = ProgrammeTerms(PROGRAMME, "Harbour Rewards", **rules)  # type: ignore[arg-type]
    as_actor(hotel, MANAGER, set_programme, terms, "TST")
    for tier in (
        TierTerms("BLUE", "Blue", 0, threshold=0, earn_per_unit=5, stay_bonus=100),
        TierTerms("GOLD", "Gold", 2, threshold=800, earn_per_unit=10, stay_bonus=500),
    ):
        as_actor(hotel, MANAGER, set_tier, PROGRAMME, tier)


def roll_to(hotel: Desk, day: dt.date) -> None:
    """Arrange: the night audit has brought the hotel to `day`."""

    def _roll(session: Session) -> None:
        prop = session.scalar(select(Property).where(Property.code == "TST"))
        assert prop is not None
        prop.business_date = day

    hotel.run(_roll)


def member(hotel: Desk, name: str = "Lucía García") -> int:
    guest = hotel.run(create_guest, GuestDetails(name=name, email="lucia@example.com"))
    hotel.run(enrol, guest.id)
    return guest.id


def arrive(hotel: Desk, guest_id: int, day: dt.date, nights: int = 1, **extra: object) -> str:
    """The guest books and checks in on `day`; the audit posts each night's room as it goes."""
    roll_to(hotel, day)
    kind = str(extra.pop("kind", "DBL"))
    request = BookingRequest(arrival=day, nights=nights, room_type=kind, guest=guest_id, **extra)  # type: ignore[arg-type]
    confirmation = hotel.run(book, request).confirmation
    hotel.run(check_in, confirmation, {"DBL": "101", "TWN": "201"}[kind])
    return confirmation


def post_nights(hotel: Desk, confirmation: str) -> None:
    def _post(session: Session) -> None:
        reservation = load_reservation(session, confirmation)
        for night in reservation.nights:
            post_room_night(session, reservation, night.night)

    hotel.run(_post)


def owed(hotel: Desk, confirmation: str) -> int:
    return hotel.read(lambda s: balance_of(s, guest_folio(s, load_reservation(s, confirmation)).id))


def leave(hotel: Desk, confirmation: str) -> None:
    """On the day of departure the guest pays what is left in cash and checks out."""
    roll_to(hotel, hotel.read(lambda s: load_reservation(s, confirmation).departure))
    if (balance := owed(hotel, confirmation)) > 0:
        take_cash(hotel, confirmation, balance)
    hotel.run(check_out, confirmation)


def stay_and_leave(hotel: Desk, guest_id: int, day: dt.date, **extra: object) -> str:
    confirmation = arrive(hotel, guest_id, day, **extra)
    post_nights(hotel, confirmation)
    leave(hotel, confirmation)
    return confirmation


def lines(hotel: Desk, guest_id: int) -> list[tuple[str, int, int]]:
    return [(line.kind, line.redeemable, line.qualifying)
            for line in hotel.read(show_loyalty, guest_id).lines]  # fmt: skip


# --- enrolling -----------------------------------------------------------------------------


def test_a_guest_enrols_and_gets_a_member_number_the_desk_finds_them_by(hotel: Desk) -> None:
    set_up_programme(hotel)
    guest = hotel.run(create_guest, GuestDetails(name="Ada Lovelace"))
    joined = hotel.run(enrol, guest.id)
    assert (joined.tier, joined.redeemable, joined.member_number) == ("BLUE", 0, "HARBOUR00000001")
    assert hotel.read(find_member, "harbour00000001").guest_id == guest.id
    assert hotel.read(show_loyalty, "HARBOUR00000001").name == "Lovelace, Ada"
    with pytest.raises(InvalidInput, match="is a member already \\(number HARBOUR00000001"):
        hotel.run(enrol, guest.id)
    with pytest.raises(InvalidInput, match="no loyalty member has the number NOPE"):
        hotel.read(find_member, "nope")


def test_a_loyalty_number_the_profile_already_had_is_kept(hotel: Desk) -> None:
    set_up_programme(hotel)
    guest = hotel.run(create_guest, GuestDetails(name="Ada Lovelace", loyalty_number="GX-4471"))
    assert hotel.run(enrol, guest.id).member_number == "GX-4471"


def test_only_a_manager_sets_up_the_programme(hotel: Desk) -> None:
    with pytest.raises(PermissionDenied, match="needs the manager role"):
        hotel.run(set_programme, ProgrammeTerms(PROGRAMME, "Harbour Rewards"), "TST")
    with pytest.raises(NotFound, match="takes part in no loyalty programme"):
        hotel.run(enrol, hotel.run(create_guest, GuestDetails(name="Ada Lovelace")).id)
    with pytest.raises(InvalidInput, match="expire after 1 to 120 months"):
        as_actor(hotel, MANAGER, set_programme,
                 ProgrammeTerms(PROGRAMME, "Harbour", expiry="after"), "TST")  # fmt: skip


# --- earning at check-out, exactly once -----------------------------------------------------


def test_a_stay_earns_once_at_check_out_from_the_room_posted(hotel: Desk) -> None:
    set_up_programme(hotel)
    guest = member(hotel)
    first = arrive(hotel, guest, dt.date(2026, 12, 1), nights=2)
    post_nights(hotel, first)  # 2 × €100 of room
    leave(hotel, first)
    # Blue: 5 points per euro of room, 100 a stay (the bonus can be spent, it does not qualify)
    assert lines(hotel, guest) == [("earn", 1100, 1000)]
    line = hotel.read(show_loyalty, guest).lines[0]
    assert (line.nights, line.stays, line.revenue, line.confirmation) == (2, 1, 20000, first)
    with pytest.raises(InvalidTransition, match="only in-house guests can check out"):
        hotel.run(check_out, first)
    assert hotel.run(lambda s: earn_points(s, load_reservation(s, first))) is None
    assert lines(hotel, guest) == [("earn", 1100, 1000)]


def test_a_reversed_room_night_earns_nothing_and_a_later_correction_is_an_opposite_line(
    hotel: Desk,
) -> None:
    set_up_programme(hotel)
    guest = member(hotel)
    confirmation = arrive(hotel, guest, dt.date(2026, 12, 1), nights=2)
    post_nights(hotel, confirmation)
    second_night = hotel.read(folios_of, confirmation)[0].postings[1]
    hotel.run(reverse_posting, second_night.id, "comp: noisy room")
    leave(hotel, confirmation)
    assert lines(hotel, guest) == [("earn", 600, 500)]

    def _correction(session: Session) -> None:
        # Arrange: a correction reaches the closed folio (as a reinstated stay's would).
        folio = guest_folio(session, load_reservation(session, confirmation))
        append_posting(session, folio, kind="charge", code="ROOM", amount=-4000,
                       description="Room, goodwill", reason="late breakfast")  # fmt: skip

    hotel.run(_correction)
    for _ in range(2):
        hotel.run(lambda s: earn_points(s, load_reservation(s, confirmation)))
    assert lines(hotel, guest) == [("earn", 600, 500), ("restate", -200, -200)]
    keys = hotel.read(lambda s: sorted(s.scalars(select(LoyaltyLine.unique_key))))
    assert keys == [f"stay:{k}" for k in hotel.read(_stay_keys, confirmation)]


def _stay_keys(session: Session, confirmation: str) -> list[str]:
    reservation_id = load_reservation(session, confirmation).id
    return [f"{reservation_id}:1", f"{reservation_id}:2"]


def test_a_guest_who_is_no_member_earns_nothing(hotel: Desk) -> None:
    set_up_programme(hotel)
    guest = hotel.run(create_guest, GuestDetails(name="Chidi Okafor"))
    stay_and_leave(hotel, guest.id, dt.date(2026, 12, 1))
    assert hotel.read(lambda s: s.scalar(select(LoyaltyLine.id))) is None


# --- the Oracle example: a rolling year qualifies where a calendar year does not ------------


@pytest.mark.parametrize(("period", "tier"), [("rolling", "GOLD"), ("calendar", "BLUE")])
def test_500_points_in_november_and_300_in_january_reach_800(
    hotel: Desk, period: str, tier: str
) -> None:
    set_up_programme(hotel, period=period)
    guest = member(hotel)
    as_actor(hotel, MANAGER, set_rates, "TST", "BAR", "TWN",
             dt.date(2027, 1, 1), dt.date(2027, 1, 31), 6000)  # fmt: skip
    stay_and_leave(hotel, guest, dt.date(2026, 11, 10))  # a €100 night: 500 qualifying points
    stay_and_leave(hotel, guest, dt.date(2027, 1, 12), kind="TWN")  # €60: 300 more
    review = as_actor(hotel, SUPERVISOR, review_tiers, "TST", dt.date(2027, 1, 13))
    assert hotel.read(show_loyalty, guest).tier == tier
    assert len(review.moves) == (tier == "GOLD")
    again = as_actor(hotel, SUPERVISOR, review_tiers, "TST", dt.date(2027, 1, 13))
    assert again.moves == [] and hotel.read(show_loyalty, guest).tier == tier


def test_a_downgrade_steps_down_at_most_the_programmes_maximum_once_a_day(hotel: Desk) -> None:
    set_up_programme(hotel, max_downgrade=1)
    as_actor(hotel, MANAGER, set_tier, PROGRAMME, TierTerms("SILVER", "Silver", 1, 400))
    guest = member(hotel)
    as_actor(hotel, MANAGER, adjust_points, guest, qualifying=900, reason="status match")
    as_actor(hotel, SUPERVISOR, review_tiers, "TST")
    assert hotel.read(show_loyalty, guest).tier == "GOLD"
    later = dt.date(2027, 12, 2)  # the qualifying points have left the rolling year
    for _ in range(2):
        as_actor(hotel, SUPERVISOR, review_tiers, "TST", later)
    assert hotel.read(show_loyalty, guest).tier == "SILVER"
    as_actor(hotel, SUPERVISOR, review_tiers, "TST", later + dt.timedelta(days=1))
    assert hotel.read(show_loyalty, guest).tier == "BLUE"
    with pytest.raises(PermissionDenied, match="needs the supervisor role"):
        hotel.run(review_tiers, "TST")


# --- expiry, at the boundary dates ----------------------------------------------------------


def test_points_expire_twelve_months_after_they_were_earned_oldest_first(hotel: Desk) -> None:
    set_up_programme(hotel, expiry="after", expiry_months=12)
    guest = member(hotel)
    as_actor(hotel, MANAGER, adjust_points, guest, redeemable=1000, reason="welcome")  # 1 Dec 26
    roll_to(hotel, dt.date(2027, 3, 1))
    as_actor(hotel, MANAGER, adjust_points, guest, redeemable=500, reason="spring")
    as_actor(hotel, MANAGER, adjust_points, guest, redeemable=-300, reason="spent elsewhere")
    as_actor(hotel, SUPERVISOR, expire_points, "TST", dt.date(2027, 11, 30))
    assert hotel.read(show_loyalty, guest).redeemable == 1200  # the day before: nothing yet
    for _ in range(2):  # the day itself, run twice
        done = as_actor(hotel, SUPERVISOR, expire_points, "TST", dt.date(2027, 12, 1))
    assert done.points_expired == 0  # the second run found nothing more
    assert lines(hotel, guest)[-1] == ("expire", -700, 0)
    assert hotel.read(show_loyalty, guest).redeemable == 500
    as_actor(hotel, SUPERVISOR, expire_points, "TST", dt.date(2028, 3, 1))
    assert hotel.read(show_loyalty, guest).redeemable == 0


def test_points_expire_after_months_without_activity(hotel: Desk) -> None:
    set_up_programme(hotel, expiry="inactivity", expiry_months=6)
    guest = member(hotel)
    stay_and_leave(hotel, guest, dt.date(2026, 12, 1))  # 600 points at check-out on 2 Dec 2026
    as_actor(hotel, SUPERVISOR, expire_points, "TST", dt.date(2027, 6, 1))
    assert hotel.read(show_loyalty, guest).redeemable == 600
    as_actor(hotel, SUPERVISOR, expire_points, "TST", dt.date(2027, 6, 2))
    assert hotel.read(show_loyalty, guest).redeemable == 0
    assert hotel.read(show_loyalty, guest).measure == 500  # qualifying points do not expire


# --- spending points ------------------------------------------------------------------------


def test_points_pay_part_of_the_bill_and_can_be_given_back(hotel: Desk) -> None:
    set_up_programme(hotel)
    guest = member(hotel)
    as_actor(hotel, MANAGER, adjust_points, guest, redeemable=5000, reason="welcome")
    confirmation = arrive(hotel, guest, dt.date(2026, 12, 1), nights=2)
    post_nights(hotel, confirmation)  # €200 owed
    paid = hotel.run(redeem_points, confirmation, 4000)  # 100 points a euro: €40
    assert (paid.amount, paid.balance) == (4000, 1000)
    assert owed(hotel, confirmation) == 16000
    with pytest.raises(InvalidInput, match="the member has 1,000 points, not 1,001"):
        hotel.run(redeem_points, confirmation, 1001)
    with pytest.raises(InvalidTransition, match="paid with loyalty points — give the points back"):
        hotel.run(reverse_posting, paid.posting_id, "oops")
    back = hotel.run(return_points, paid.posting_id, "guest pays by card instead")
    assert (back.balance, owed(hotel, confirmation)) == (5000, 20000)
    with pytest.raises(InvalidTransition, match="given back already"):
        hotel.run(return_points, paid.posting_id, "twice")
    assert [kind for kind, _, _ in lines(hotel, guest)] == ["adjust", "redeem", "return"]


def test_points_never_pay_more_than_the_folio_owes_and_bad_input_changes_nothing(
    hotel: Desk,
) -> None:
    set_up_programme(hotel)
    guest = member(hotel)
    as_actor(hotel, MANAGER, adjust_points, guest, redeemable=50_000, reason="welcome")
    confirmation = arrive(hotel, guest, dt.date(2026, 12, 1))
    post_nights(hotel, confirmation)  # €100 owed
    before = lines(hotel, guest)
    with pytest.raises(InvalidInput, match=r"owes €100\.00 — redeem at most 10,000"):
        hotel.run(redeem_points, confirmation, 20_000)
    with pytest.raises(InvalidInput, match="positive whole number"):
        hotel.run(redeem_points, confirmation, 0)
    assert lines(hotel, guest) == before and owed(hotel, confirmation) == 10000


def test_an_award_night_on_the_members_rate_is_paid_with_points_and_earns_nothing(
    hotel: Desk,
) -> None:
    set_up_programme(hotel)
    members = PlanTermsInput("MEM", "Members", "BAR", derive_percent_bp=-1000, members_only=True)
    as_actor(hotel, MANAGER, create_rate_plan, "TST", members)
    guest = member(hotel)
    as_actor(hotel, MANAGER, adjust_points, guest, redeemable=10_000, reason="welcome")
    confirmation = arrive(hotel, guest, dt.date(2026, 12, 1), nights=2, rate_plan="MEM")
    award = hotel.run(redeem_award_night, confirmation, dt.date(2026, 12, 1))
    assert (award.amount, award.balance) == (9000, 1000)  # €90 a night is 9,000 points
    with pytest.raises(InvalidInput, match="paid already"):
        hotel.run(redeem_award_night, confirmation, dt.date(2026, 12, 1))
    post_nights(hotel, confirmation)
    leave(hotel, confirmation)  # pays the second night in cash
    assert lines(hotel, guest)[-1] == ("earn", 550, 450)  # only the €90 paid in money earns
    bar = arrive(hotel, guest, dt.date(2026, 12, 5), kind="TWN")
    with pytest.raises(InvalidInput, match="is on BAR, not a members' rate plan"):
        hotel.run(redeem_award_night, bar, dt.date(2026, 12, 5))


def test_a_statement_and_the_members_of_a_tier(hotel: Desk) -> None:
    set_up_programme(hotel)
    lucia, ada = member(hotel), member(hotel, "Ada Lovelace")
    as_actor(hotel, MANAGER, adjust_points, ada, redeemable=300, qualifying=900, reason="match")
    as_actor(hotel, SUPERVISOR, review_tiers, "TST")
    stay_and_leave(hotel, lucia, dt.date(2026, 12, 3))
    assert [m.name for m in hotel.read(list_members, tier="GOLD")] == ["Lovelace, Ada"]
    assert [m.name for m in hotel.read(list_members)] == ["García, Lucía", "Lovelace, Ada"]
    with pytest.raises(InvalidInput, match="tier 'PLATINUM' is not one of BLUE, GOLD"):
        hotel.read(list_members, tier="PLATINUM")
    sheet = hotel.read(statement, lucia, dt.date(2026, 12, 2), dt.date(2026, 12, 31))
    assert (sheet.opening, sheet.closing, len(sheet.lines)) == (0, 600, 1)


# --- hypothesis: the balance is the sum of the lines and never below zero --------------------

_hotels = itertools.count()
steps = st.lists(
    st.one_of(
        st.tuples(st.just("credit"), st.integers(1, 5_000)),
        st.tuples(st.just("redeem"), st.integers(1, 8_000)),
        st.tuples(st.just("give back"), st.integers(0, 20)),
        st.tuples(st.just("debit"), st.integers(1, 5_000)),
    ),
    min_size=2,
    max_size=12,
)


def _member_in_house(session: Session, code: str) -> tuple[str, int]:
    """A hotel of one room in its own programme, with a member in house owing €1,000."""
    create_property(session, code, "Points Inn", business_date=dt.date(2026, 12, 1))
    add_room_type(session, code, "A", "A", max_occupancy=2, price=100_000)
    add_room(session, code, "1", "A", floor=1)
    set_programme(session, ProgrammeTerms(code, "Points"), code)
    set_tier(session, code, TierTerms("BASE", "Base", 0))
    guest = create_guest(session, GuestDetails(name="Kim Lee"))
    enrol(session, guest.id, property_code=code)
    request = BookingRequest(arrival=dt.date(2026, 12, 1), nights=1, room_type="A",
                             guest=guest.id, property_code=code)  # fmt: skip
    confirmation = book(session, request).confirmation
    reservation = load_reservation(session, confirmation)
    post_room_night(session, reservation, reservation.arrival)
    return confirmation, guest.id


def _sums(session: Session, guest_id: int) -> tuple[int, list[int]]:
    view = show_loyalty(session, guest_id)
    return view.redeemable, [line.redeemable for line in view.lines]


@pytest.mark.slow
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=steps)
def test_no_sequence_makes_a_balance_wrong_or_negative(desk: Desk, ops: list[tuple]) -> None:
    desk.actor = SYSTEM
    confirmation, guest = desk.run(_member_in_house, f"P{next(_hotels)}")
    desk.actor = MANAGER
    model, payments = 0, []  # the balance as the guest counts it; points payments made
    for op in ops:
        try:
            if op[0] == "credit":
                desk.run(adjust_points, guest, redeemable=op[1], reason="goodwill")
                model += op[1]
            elif op[0] == "debit":
                desk.run(adjust_points, guest, redeemable=-op[1], reason="correction")
                model -= op[1]
            elif op[0] == "redeem":
                paid = desk.run(redeem_points, confirmation, op[1])
                payments.append((paid.posting_id, op[1]))
                model -= op[1]
            elif payments:
                posting, points = payments.pop(op[1] % len(payments))
                desk.run(return_points, posting, "changed their mind")
                model += points
        except InvalidInput as refused:
            event(f"{op[0]} refused")
            assert "points" in str(refused)
        balance, column = desk.read(_sums, guest)
        assert balance == sum(column) == model >= 0


def test_a_points_payment_is_on_the_folio_as_a_payment(hotel: Desk) -> None:
    set_up_programme(hotel)
    guest = member(hotel)
    as_actor(hotel, MANAGER, adjust_points, guest, redeemable=2000, reason="welcome")
    confirmation = arrive(hotel, guest, dt.date(2026, 12, 1))
    post_nights(hotel, confirmation)
    paid = hotel.run(redeem_points, confirmation, 2000)
    posting = hotel.read(lambda s: s.get_one(Posting, paid.posting_id))
    assert (posting.kind, posting.code, posting.amount) == ("payment", "PAY-POINTS", -2000)


def test_the_search_finds_a_member_by_their_number(hotel: Desk) -> None:
    set_up_programme(hotel)
    try:
        hotel.read(ensure_index)
        guest = member(hotel)
        hotel.read(catch_up)
        found = hotel.read(search, "HARBOUR00000001", kind="guest")
        assert [h.id for h in found] == [guest]
    finally:
        close_indexes()
