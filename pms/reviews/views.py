"""Reading reviews: the plain views the lists, the guest profile and the dashboard show, and the
property's pulse (the latest reviews and this month's average against last month's)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from db.models import (
    Guest,
    Property,
    Reservation,
    Review,
    ReviewCategory,
    ReviewScore,
    RoomType,
)
from pms.guests.contact import display_name
from pms.guests.lookup import load_guest
from pms.hotel.properties import resolve_property
from pms.kernel.errors import InvalidInput, NotFound
from pms.reviews.ratings import OVERALL, Rating, month_of, ratings_by
from pms.stays.stay_rules import read_date

STATUSES = ("published", "hidden")


@dataclass(frozen=True)
class ReviewView:
    """A review as the desk shows it, with its scores by category code."""

    id: int
    property_code: str
    confirmation: str
    room_type: str
    guest_id: int
    guest_name: str
    review_date: dt.date
    overall: int
    scores: dict[str, int]
    title: str
    text: str
    language: str
    source: str
    status: str
    hidden_reason: str
    hidden_by: str | None
    reply: str
    replied_by: str | None
    version: int

    @property
    def stars(self) -> str:
        """`★★★★☆` for a 4: the score without relying on colour."""
        return "★" * self.overall + "☆" * (5 - self.overall)


ReviewRows = Select[tuple[Review, str, str, str, Guest]]


def _query() -> ReviewRows:
    return (
        select(Review, Property.code, Reservation.confirmation, RoomType.code, Guest)
        .join(Property, Property.id == Review.property_id)
        .join(Reservation, Reservation.id == Review.reservation_id)
        .join(RoomType, RoomType.id == Review.room_type_id)
        .join(Guest, Guest.id == Review.guest_id)
    )


def _views(
    session: Session, query: Select[tuple[Review, str, str, str, Guest]]
) -> list[ReviewView]:
    rows = session.execute(query).all()
    scores: dict[int, dict[str, int]] = defaultdict(dict)
    if rows:
        for review_id, code, value in session.execute(
            select(ReviewScore.review_id, ReviewCategory.code, ReviewScore.score)
            .join(ReviewCategory, ReviewCategory.id == ReviewScore.category_id)
            .where(ReviewScore.review_id.in_([r.id for r, *_ in rows]))
            .order_by(ReviewCategory.position)
        ):
            scores[review_id][code] = value
    return [
        ReviewView(
            id=review.id,
            property_code=property_code,
            confirmation=confirmation,
            room_type=room_type,
            guest_id=guest.id,
            guest_name="anonymised guest" if guest.anonymised_at else display_name(guest),
            review_date=review.review_date,
            overall=review.overall,
            scores=scores.get(review.id, {}),
            title=review.title,
            text=review.text,
            language=review.language,
            source=review.source,
            status=review.status,
            hidden_reason=review.hidden_reason,
            hidden_by=review.hidden_by,
            reply=review.reply,
            replied_by=review.replied_by,
            version=review.version,
        )
        for review, property_code, confirmation, room_type, guest in rows
    ]


def get_review(session: Session, review_id: int) -> ReviewView:
    """One review by its number."""
    found = _views(session, _query().where(Review.id == review_id))
    if not found:
        raise NotFound(f"there is no review {review_id}")
    return found[0]


def list_reviews(
    session: Session,
    property_code: str | None = None,
    *,
    status: str | None = None,
    first: dt.date | str | None = None,
    last: dt.date | str | None = None,
    room_type: str | None = None,
    limit: int = 200,
) -> list[ReviewView]:
    """The property's reviews, newest first, filtered by status, dates and room type."""
    prop = resolve_property(session, property_code)
    query = _query().where(Review.property_id == prop.id)
    if status is not None:
        if status not in STATUSES:
            raise InvalidInput("status", f"a review is {' or '.join(STATUSES)}, not {status!r}")
        query = query.where(Review.status == status)
    if first:
        query = query.where(Review.review_date >= read_date(first, prop, "from"))
    if last:
        query = query.where(Review.review_date <= read_date(last, prop, "to"))
    if room_type:
        query = query.where(RoomType.code == room_type.strip().upper())
    if not 1 <= limit <= 1000:
        raise InvalidInput("limit", "the limit is 1 to 1000")
    return _views(session, query.order_by(Review.review_date.desc(), Review.id.desc()).limit(limit))


def reviews_of_guest(session: Session, guest_id: int) -> list[ReviewView]:
    """Every review the guest wrote, newest first (hidden ones too: the desk sees them)."""
    guest = load_guest(session, guest_id)
    query = _query().where(Review.guest_id == guest.id)
    return _views(session, query.order_by(Review.review_date.desc(), Review.id.desc()))


@dataclass(frozen=True)
class ReviewPulse:
    """What the dashboard shows of reviews: the latest published ones, and this month's
    overall rating beside last month's."""

    latest: list[ReviewView]
    this_month: Rating
    last_month: Rating
    month: dt.date


def review_pulse(session: Session, property_code: str | None = None, limit: int = 5) -> ReviewPulse:
    """The latest reviews and the month's average against the month before."""
    prop = resolve_property(session, property_code)
    latest = _views(
        session,
        _query()
        .where(Review.property_id == prop.id, Review.status == "published")
        .order_by(Review.review_date.desc(), Review.id.desc())
        .limit(limit),
    )
    month = month_of(prop.business_date)
    previous = month_of(month - dt.timedelta(days=1))
    by_month = ratings_by(session, prop.id, group=["month"], first=previous, measure=OVERALL)
    return ReviewPulse(
        latest=latest,
        this_month=by_month[(month,)],
        last_month=by_month[(previous,)],
        month=month,
    )
