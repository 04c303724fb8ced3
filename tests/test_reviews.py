"""Guest reviews through a hotel's days: guests who stayed review their stay once, the desk
moderates and replies, a review site's export is imported whole or not at all, and the averages
stay right whatever is added, hidden or corrected."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from decimal import Decimal

import pytest
from conftest import CLERK, SUPERVISOR
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Property, ReservationStatus, Review
from pms.guests.lookup import GuestInput
from pms.hotel.properties import add_room, add_room_type, create_property
from pms.kernel.desk import SYSTEM, Desk
from pms.kernel.errors import InvalidInput, PermissionDenied, PmsError
from pms.reservations.booking import BookingRequest, book
from pms.reservations.quotes import QuoteRequest, quote
from pms.reviews.entry import ReviewInput, add_review
from pms.reviews.imports import ImportRefused, import_reviews
from pms.reviews.moderation import (
    ReviewEdit,
    edit_review,
    hide_review,
    publish_review,
    reply_to_review,
)
from pms.reviews.ratings import OVERALL, Rating, ratings_by
from pms.reviews.report import reviews_report
from pms.reviews.views import get_review, list_reviews, review_pulse, reviews_of_guest
from pms.search.service import catch_up, close_indexes, ensure_index, search
from pms.stays.reservation_views import load_reservation


def as_actor(hotel: Desk, actor, action, *args, **kwargs):  # type: ignore[no-untyped-def]
    clerk, hotel.actor = hotel.actor, actor
    try:
        return hotel.run(action, *args, **kwargs)
    finally:
        hotel.actor = clerk


def stayed(hotel: Desk, name: str, kind: str = "DBL", status: str = "checked_out") -> str:
    """Arrange: a stay of last week that was checked out (or left in another state)."""
    request = BookingRequest(arrival=dt.date(2026, 11, 24), nights=2, room_type=kind,
                             guest=GuestInput(name))  # fmt: skip

    def _book(session: Session) -> str:
        prop = session.scalar(select(Property).where(Property.code == "TST"))
        assert prop is not None
        today, prop.business_date = prop.business_date, request.arrival
        confirmation = book(session, request).confirmation
        prop.business_date = today
        load_reservation(session, confirmation).status = ReservationStatus(status)
        return confirmation

    return hotel.run(_book)


def review(hotel: Desk, stay: str, overall: int | str, **scores: int | str) -> int:
    text = "Quiet room, lovely breakfast"
    return hotel.run(add_review, ReviewInput(stay, overall, scores, "Fine", text, "en"))


def test_a_guest_who_stayed_reviews_the_stay_once(hotel: Desk) -> None:
    stay = stayed(hotel, "Lucía García")
    review_id = review(hotel, stay, 5, cleanliness=4, service=5)
    seen = hotel.read(get_review, review_id)
    assert (seen.overall, seen.scores, seen.status, seen.stars) == (
        5, {"cleanliness": 4, "service": 5}, "published", "★★★★★")  # fmt: skip
    with pytest.raises(InvalidInput, match=f"{stay} was reviewed already"):
        review(hotel, stay, 4)
    assert [r.id for r in hotel.read(reviews_of_guest, seen.guest_id)] == [review_id]


@pytest.mark.parametrize(
    ("status", "overall", "scores", "field", "words"),
    [
        ("checked_out", 0, {}, "overall", "overall is a score from 1 to 5, not 0"),
        ("checked_out", 6, {}, "overall", "not 6"),
        ("checked_out", 4, {"cleanliness": 9}, "cleanliness", "cleanliness is a score from 1"),
        ("checked_out", 4, {"breakfast": 3}, "breakfast", "is not a review category"),
        ("checked_in", 4, {}, "stay", "is checked in; only a stay that was checked out"),
        ("confirmed", 4, {}, "stay", "is confirmed; only a stay that was checked out"),
    ],
)
def test_bad_input_gives_one_sentence_and_changes_nothing(
    hotel: Desk, status: str, overall: int, scores: dict[str, int], field: str, words: str
) -> None:
    stay = stayed(hotel, "Chidi Okafor", status=status)
    with pytest.raises(InvalidInput, match=words) as refused:
        review(hotel, stay, overall, **scores)
    assert refused.value.field == field
    assert hotel.read(lambda s: s.scalar(select(func.count()).select_from(Review))) == 0


def test_a_supervisor_hides_with_a_reason_publishes_again_and_replies(hotel: Desk) -> None:
    review_id = review(hotel, stayed(hotel, "Lucía García"), 1)
    with pytest.raises(PermissionDenied, match="needs the supervisor role"):
        hotel.run(hide_review, review_id, "abusive")
    with pytest.raises(InvalidInput, match="needs a reason"):
        as_actor(hotel, SUPERVISOR, hide_review, review_id, " ")
    as_actor(hotel, SUPERVISOR, hide_review, review_id, "names a member of staff")
    hidden = hotel.read(get_review, review_id)
    assert (hidden.status, hidden.hidden_by) == ("hidden", "sam")
    assert hotel.read(list_reviews, status="published") == []
    assert hotel.read(reviews_report).overall.count == 0
    as_actor(hotel, SUPERVISOR, publish_review, review_id)
    as_actor(hotel, SUPERVISOR, reply_to_review, review_id, "We are sorry — please call us.")
    answered = hotel.read(get_review, review_id)
    assert (answered.status, answered.replied_by) == ("published", "sam")
    assert hotel.read(reviews_report).overall == Rating(1, 1, (1, 0, 0, 0, 0))


def test_a_review_sites_export_is_imported_whole_or_not_at_all(hotel: Desk) -> None:
    first, second = stayed(hotel, "Lucía García"), stayed(hotel, "Ada Lovelace", "TWN")
    in_house = stayed(hotel, "Chidi Okafor", status="checked_in")
    bad = (
        "stay,overall,cleanliness,text,reference\n"
        f"{first},5,4,Lovely,TA-1\n"
        f"{in_house},4,,Noisy,TA-2\n"
        f"{second},7,3,,TA-3\n"
        f"{first},3,,Again,TA-4\n"
    )
    with pytest.raises(ImportRefused) as refused:
        hotel.run(import_reviews, bad)
    assert [str(p) for p in refused.value.problems] == [
        f"line 3: stay: {in_house} is checked in; only a stay that was checked out can be reviewed",
        "line 4: overall: overall is a score from 1 to 5, not 7",
        f"line 5: stay: {first} was reviewed already (review 1)",
    ]
    assert hotel.read(list_reviews) == []
    good = f"confirmation,overall,comfort,language\n{first},5,5,pt-PT\n{second},4,3,en\n"
    assert hotel.run(import_reviews, good) == 2
    assert {r.language for r in hotel.read(list_reviews)} == {"pt-PT", "en"}


def test_quotes_show_each_room_types_rating_and_filter_by_it(hotel: Desk) -> None:
    review(hotel, stayed(hotel, "Lucía García"), 5)
    review(hotel, stayed(hotel, "Ada Lovelace"), 4)
    review(hotel, stayed(hotel, "Chidi Okafor", "TWN"), 3)
    offers = hotel.read(quote, QuoteRequest(arrival="today", nights=1))
    ratings = {o.room_type: (o.rating, o.reviews) for o in offers}
    assert ratings == {"DBL": (Decimal("4.5"), 2), "TWN": (Decimal("3.0"), 1), "SUI": (None, 0)}
    good = hotel.read(quote, QuoteRequest(arrival="today", nights=1, min_rating=4))
    assert {o.room_type for o in good} == {"DBL"}
    with pytest.raises(InvalidInput, match="a minimum rating is 1 to 5"):
        hotel.read(quote, QuoteRequest(arrival="today", nights=1, min_rating=6))


def test_the_dashboard_pulse_and_the_report(hotel: Desk) -> None:
    review(hotel, stayed(hotel, "Lucía García"), 5, cleanliness=5)
    stay = stayed(hotel, "Ada Lovelace")  # reviewed on a site in November, entered today
    hotel.run(add_review, ReviewInput(stay, 3, {}, review_date=dt.date(2026, 11, 28)))
    pulse = hotel.read(review_pulse)
    assert (pulse.this_month.average, pulse.last_month.average) == (Decimal("5.0"), Decimal("3.0"))
    assert [r.overall for r in pulse.latest] == [5, 3]
    report = hotel.read(reviews_report, None, dt.date(2026, 11, 1), dt.date(2026, 12, 31))
    assert [(m.key, m.rating.count) for m in report.months] == [("2026-11", 1), ("2026-12", 1)]
    assert {c.key: c.rating.count for c in report.categories}["cleanliness"] == 1
    assert {t.key: t.rating.average for t in report.room_types}["DBL"] == Decimal("4.0")


# --- hypothesis: the counts equal a recomputation after any adds, hides and edits -----------

_hotels = itertools.count()
actions = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.integers(0, 5), st.integers(1, 5), st.integers(1, 5)),
        st.tuples(st.just("hide"), st.integers(0, 5)),
        st.tuples(st.just("publish"), st.integers(0, 5)),
        st.tuples(st.just("edit"), st.integers(0, 5), st.integers(1, 5), st.integers(1, 5)),
    ),
    min_size=1,
    max_size=14,
)


def _small_hotel(session: Session, code: str) -> list[str]:
    """A hotel with two room types and six stays that were checked out last week."""
    create_property(session, code, "Rating Inn", business_date=dt.date(2026, 11, 20))
    for kind in ("A", "B"):
        add_room_type(session, code, kind, kind, max_occupancy=2, price=8000)
        add_room(session, code, f"{kind}1", kind, floor=1)
    stays = []
    for night in range(6):
        request = BookingRequest(arrival=dt.date(2026, 11, 20 + night), nights=1,
                                 room_type="AB"[night % 2], guest=GuestInput(f"Guest {night}"),
                                 property_code=code)  # fmt: skip
        stays.append(book(session, request).confirmation)
        load_reservation(session, stays[-1]).status = ReservationStatus.CHECKED_OUT
    session.scalar(select(Property).where(Property.code == code)).business_date = dt.date(
        2026, 12, 3
    )
    return stays


def _recount(session: Session, code: str) -> dict[tuple[object, ...], Rating]:
    """The ratings recomputed from the published reviews themselves."""
    prop = session.scalar(select(Property).where(Property.code == code))
    counts: dict[tuple[object, ...], list[int]] = defaultdict(list)
    for view in list_reviews(session, code, status="published"):
        for measure, value in {OVERALL: view.overall, **view.scores}.items():
            counts[(view.room_type, measure)].append(value)
    assert prop is not None
    return {key: Rating(len(v), sum(v), tuple(v.count(n) for n in range(1, 6)))  # type: ignore[misc]
            for key, v in counts.items()}  # fmt: skip


def _stored(session: Session, code: str) -> dict[tuple[object, ...], Rating]:
    prop = session.scalar(select(Property).where(Property.code == code))
    assert prop is not None
    types = {rt.id: rt.code for rt in prop.room_types}
    rows = ratings_by(session, prop.id, group=["room_type_id", "measure"])
    return {(types[key[0]], key[1]): rating for key, rating in rows.items()}  # type: ignore[index]


@pytest.mark.slow
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=actions)
def test_the_counts_equal_a_recomputation_after_any_sequence(
    desk: Desk, steps: list[tuple]
) -> None:
    code = f"R{next(_hotels)}"
    desk.actor = SYSTEM
    stays = desk.run(_small_hotel, code)
    reviews: dict[int, int] = {}  # stay index → review id
    for step in steps:
        index = step[1]
        try:
            if step[0] == "add":
                data = ReviewInput(stays[index], step[2], {"comfort": step[3]})
                reviews[index] = desk.run(add_review, data, property_code=code)
            elif index in reviews and step[0] == "hide":
                desk.run(hide_review, reviews[index], "moderated")
            elif index in reviews and step[0] == "publish":
                desk.run(publish_review, reviews[index])
            elif index in reviews and step[0] == "edit":
                change = ReviewEdit(overall=step[2], scores={"value": step[3]})
                desk.run(edit_review, reviews[index], change)
        except PmsError:
            pass  # a second review of a stay, hiding a hidden one: refused, nothing changed
        assert desk.read(_stored, code) == desk.read(_recount, code)
    desk.actor = CLERK


def test_reviews_are_found_by_their_words_until_hidden(hotel: Desk) -> None:
    try:
        stay = stayed(hotel, "Lucía García")
        review_id = review(hotel, stay, 2)  # "Quiet room, lovely breakfast"
        hotel.read(ensure_index)
        found = hotel.read(search, "breakfast", kind="review")
        assert [(h.kind, h.ref) for h in found] == [("review", stay)]
        assert hotel.read(search, "lovel", kind="review")[0].id == review_id  # a prefix too
        as_actor(hotel, SUPERVISOR, hide_review, review_id, "not about the hotel")
        hotel.read(catch_up)
        assert hotel.read(search, "breakfast", kind="review") == []
    finally:
        close_indexes()


def test_a_stay_imported_from_another_pms_is_reviewed_by_its_old_number(hotel: Desk) -> None:
    stay = stayed(hotel, "Ada Lovelace")

    def _imported(session: Session) -> None:
        load_reservation(session, stay).external_ref = "OPERA-48213"

    hotel.run(_imported)
    review_id = review(hotel, "OPERA-48213", 5)
    assert hotel.read(get_review, review_id).confirmation == stay
