"""Entering a review: the checks every face makes (the desk, `pms review add`, an import row),
the categories a property rates, and storing the review with its scores counted in.

Only a stay that was checked out can be reviewed (a verified stay), once. The database keeps it
too: scores 1–5 and one review per stay are constraints, so a race or a skipped check cannot
store a second one. The checks here give the clerk one sentence that names the field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from babel import Locale, UnknownLocaleError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import (
    Property,
    Reservation,
    ReservationStatus,
    Review,
    ReviewCategory,
    ReviewScore,
)
from pms.hotel.properties import resolve_property
from pms.kernel.audit import record
from pms.kernel.desk import actor_of
from pms.kernel.errors import InvalidInput, NotFound, RetryableConflict
from pms.kernel.permissions import require
from pms.reviews.ratings import OVERALL, count_review
from pms.stays.reservation_views import normalise_confirmation
from pms.stays.stay_rules import read_date

#: What a property asks guests to rate until a manager changes the list.
DEFAULT_CATEGORIES = (
    ("cleanliness", "Cleanliness"),
    ("comfort", "Comfort"),
    ("location", "Location"),
    ("service", "Service"),
    ("value", "Value for money"),
)
TITLE_MAX, TEXT_MAX = 120, 4000
SOURCES = ("desk", "cli", "import")


@dataclass(frozen=True)
class ReviewInput:
    """A review as typed or imported: the stay (a confirmation number, or the reference an
    outside system booked it under), the scores 1–5, the words, and where it came from."""

    stay: str
    overall: int | str
    scores: dict[str, int | str] = field(default_factory=dict)
    title: str = ""
    text: str = ""
    language: str = ""
    review_date: dt.date | str | None = None
    external_ref: str = ""


@dataclass(frozen=True)
class CheckedReview:
    """A review that passed every check, ready to store."""

    reservation: Reservation
    overall: int
    scores: dict[int, int]
    title: str
    text: str
    language: str
    review_date: dt.date
    external_ref: str | None


def stored_categories(session: Session, prop: Property) -> list[ReviewCategory]:
    """The property's categories in order, as stored (none before its first review)."""
    return list(
        session.scalars(
            select(ReviewCategory)
            .where(ReviewCategory.property_id == prop.id)
            .order_by(ReviewCategory.position, ReviewCategory.id)
        )
    )


def category_names(session: Session, prop: Property) -> list[tuple[str, str]]:
    """The (code, name) of each category the property rates, the defaults until it has its
    own; for reading, it writes nothing."""
    stored = stored_categories(session, prop)
    return [(c.code, c.name) for c in stored] if stored else list(DEFAULT_CATEGORIES)


def review_categories(session: Session, property_code: str | None = None) -> list[tuple[str, str]]:
    """What a review form asks for besides the overall score, as the desk reads it."""
    return category_names(session, resolve_property(session, property_code))


def categories_of(session: Session, prop: Property) -> list[ReviewCategory]:
    """The property's categories in order, set up with the defaults the first time."""
    found = stored_categories(session, prop)
    if found:
        return found
    for position, (code, name) in enumerate(DEFAULT_CATEGORIES):
        session.add(ReviewCategory(property_id=prop.id, code=code, name=name, position=position))
    try:
        session.flush()
    except IntegrityError as exc:  # another desk set the defaults up at the same moment
        raise RetryableConflict("review categories set up twice") from exc
    return categories_of(session, prop)


def score(value: int | str, field: str) -> int:
    """A score as typed: a whole number from 1 to 5."""
    text = str(value).strip()
    if not text.lstrip("-").isdigit() or not 1 <= int(text) <= 5:
        label = field.replace("_", " ")
        raise InvalidInput(field, f"{label} is a score from 1 to 5, not {text or 'nothing'}")
    return int(text)


def language_code(text: str) -> str:
    """A language as BCP 47 writes it (`en`, `pt-PT`), checked against the CLDR's list."""
    text = text.strip()
    if not text:
        return ""
    try:
        locale = Locale.parse(text.replace("-", "_"))
    except (UnknownLocaleError, ValueError) as exc:
        raise InvalidInput("language", f"{text!r} is not a language code like en or pt-PT") from exc
    return "-".join(part for part in (locale.language, locale.territory) if part)


def find_stay(session: Session, prop: Property, stay: str) -> Reservation:
    """The property's stay with this confirmation number, or known by an outside reference:
    the other PMS's confirmation kept by an import (`external_ref`), or a channel's booking id
    (kept as the booking's idempotency key)."""
    text = stay.strip()
    if not text:
        raise InvalidInput("stay", "name the stay: its confirmation number")
    found = session.scalar(
        select(Reservation).where(
            Reservation.property_id == prop.id,
            (Reservation.confirmation == normalise_confirmation(text))
            | (Reservation.external_ref == text)
            | (Reservation.idempotency_key == text),
        )
    )
    if found is None:
        raise InvalidInput("stay", f"{prop.code} has no stay {text!r}")
    return found


def check_review(session: Session, prop: Property, data: ReviewInput) -> CheckedReview:
    """Every check a review passes before it is stored, the first failure as one sentence
    naming its field: the stay checked out and not reviewed yet, scores 1–5 in the property's
    categories, title and text within bounds, a known language, a date not in the future."""
    overall = score(data.overall, OVERALL)
    reservation = find_stay(session, prop, data.stay)
    if reservation.status != ReservationStatus.CHECKED_OUT:
        state = reservation.status.replace("_", " ")
        raise InvalidInput(
            "stay", f"{reservation.confirmation} is {state}; only a stay that was checked out "
            "can be reviewed",
        )  # fmt: skip
    earlier = session.scalar(select(Review.id).where(Review.reservation_id == reservation.id))
    if earlier is not None:
        raise InvalidInput(
            "stay", f"{reservation.confirmation} was reviewed already (review {earlier})"
        )
    categories = {c.code: c.id for c in categories_of(session, prop)}
    scores = {}
    for code, value in data.scores.items():
        key = code.strip().lower()
        if key not in categories:
            raise InvalidInput(key, f"{key!r} is not a review category ({', '.join(categories)})")
        scores[categories[key]] = score(value, key)
    title, text = " ".join(data.title.split()), data.text.strip()
    if len(title) > TITLE_MAX:
        raise InvalidInput("title", f"a title is at most {TITLE_MAX} characters")
    if len(text) > TEXT_MAX:
        raise InvalidInput("text", f"a review's text is at most {TEXT_MAX} characters")
    reference = data.external_ref.strip() or None
    if reference and session.scalar(
        select(Review.id).where(Review.property_id == prop.id, Review.external_ref == reference)
    ):
        raise InvalidInput("reference", f"review {reference!r} was entered already")
    day = read_date(data.review_date, prop, "date") if data.review_date else prop.business_date
    if day > prop.business_date:
        raise InvalidInput("date", "a review cannot be dated after the business date")
    return CheckedReview(
        reservation=reservation,
        overall=overall,
        scores=scores,
        title=title,
        text=text,
        language=language_code(data.language),
        review_date=day,
        external_ref=reference,
    )


def store_review(session: Session, prop: Property, checked: CheckedReview, source: str) -> Review:
    """Store a checked review, published, with its scores counted in."""
    reservation = checked.reservation
    review = Review(
        property_id=prop.id,
        reservation_id=reservation.id,
        guest_id=reservation.guest_id,
        room_type_id=reservation.room_type_id,
        review_date=checked.review_date,
        overall=checked.overall,
        title=checked.title,
        text=checked.text,
        language=checked.language,
        source=source,
        external_ref=checked.external_ref,
        status="published",
        username=actor_of(session).username,
    )
    session.add(review)
    try:
        session.flush()
    except IntegrityError as exc:  # a second desk stored the same stay's review first
        raise RetryableConflict("review stored twice at once") from exc
    session.add_all(
        ReviewScore(review_id=review.id, category_id=c, score=s) for c, s in checked.scores.items()
    )
    session.flush()
    count_review(session, review, scores_of(session, review), 1)
    entered = {"stay": reservation.confirmation, "overall": review.overall, "source": source}
    record(session, "create", "review", review.id, after=entered)
    return review


def scores_of(session: Session, review: Review) -> dict[str, int]:
    """The review's scores by measure: `overall` and each category code it scored."""
    rows = session.execute(
        select(ReviewCategory.code, ReviewScore.score)
        .join(ReviewCategory, ReviewCategory.id == ReviewScore.category_id)
        .where(ReviewScore.review_id == review.id)
    ).all()
    return {OVERALL: review.overall, **{code: value for code, value in rows}}


def add_review(
    session: Session, data: ReviewInput, *, property_code: str | None = None, source: str = "desk"
) -> int:
    """Enter a guest's review of a checked-out stay (anyone at the desk); returns its id."""
    if source not in SOURCES:
        raise InvalidInput("source", f"a review comes from {', '.join(SOURCES)}")
    prop = resolve_property(session, property_code)
    return store_review(session, prop, check_review(session, prop, data), source).id


def load_review(session: Session, review_id: int) -> Review:
    """The review with this number."""
    review = session.get(Review, review_id)
    if review is None:
        raise NotFound(f"there is no review {review_id}")
    return review


def add_category(
    session: Session, code: str, name: str, *, property_code: str | None = None
) -> list[str]:
    """Ask guests to rate one more thing (managers); returns the property's category codes."""
    require(session, "review.categories")
    prop = resolve_property(session, property_code)
    key = code.strip().lower()
    if not key.isidentifier() or len(key) > 20 or key == OVERALL:
        raise InvalidInput("code", "a category code is one word of up to 20 letters")
    if len(name.strip()) > 80:
        raise InvalidInput("name", "a category's name is at most 80 characters")
    existing = categories_of(session, prop)
    if any(c.code == key for c in existing):
        raise InvalidInput("code", f"{key} is a category already")
    session.add(ReviewCategory(property_id=prop.id, code=key, name=name.strip() or key,
                               position=len(existing)))  # fmt: skip
    session.flush()
    record(session, "create", "review_category", prop.id, after={"code": key})
    return [c.code for c in categories_of(session, prop)]
