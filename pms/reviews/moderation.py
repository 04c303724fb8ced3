"""Moderating reviews (supervisors and above): hiding one with a reason and publishing it again,
correcting what was typed, and the management's reply. Each writes an audit row with who and
why, and keeps the running counts right in the same transaction: a hidden review is counted
out, a published one in, and an edit counts the old scores out and the new ones in.

A change from a stale screen is refused (the review's `version`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.orm import Session

from db.models import Property, Review, ReviewScore
from pms.billing.ledger import require_reason
from pms.kernel.audit import record
from pms.kernel.desk import actor_of
from pms.kernel.errors import ConcurrentChange, InvalidInput, InvalidTransition
from pms.kernel.permissions import require
from pms.reviews.entry import (
    TEXT_MAX,
    TITLE_MAX,
    categories_of,
    language_code,
    load_review,
    score,
    scores_of,
)
from pms.reviews.ratings import OVERALL, count_review


@dataclass(frozen=True)
class ReviewEdit:
    """What a correction changes; None leaves a field as it is."""

    overall: int | str | None = None
    scores: dict[str, int | str] | None = None
    title: str | None = None
    text: str | None = None
    language: str | None = None


def _moderated(
    session: Session, review_id: int, doing: str, expected_version: int | None
) -> Review:
    require(session, "review.moderate", doing)
    review = load_review(session, review_id)
    if expected_version is not None and expected_version != review.version:
        raise ConcurrentChange(f"review {review_id} was changed by someone else — reload it")
    return review


def _count(session: Session, review: Review, sign: int) -> None:
    count_review(session, review, scores_of(session, review), sign)


def hide_review(
    session: Session, review_id: int, reason: str, *, expected_version: int | None = None
) -> int:
    """Take a review off the averages and the lists guests see, with a reason."""
    reason = require_reason(reason, "hiding a review")[:200]
    review = _moderated(session, review_id, "hiding a review", expected_version)
    if review.status == "hidden":
        raise InvalidTransition(f"review {review_id} is hidden already ({review.hidden_reason})")
    _count(session, review, -1)
    review.status, review.hidden_reason = "hidden", reason
    review.hidden_by, review.hidden_at = actor_of(session).username, dt.datetime.now(dt.UTC)
    session.flush()
    record(session, "hide", "review", review.id, before={"status": "published"},
           after={"status": "hidden", "reason": reason})  # fmt: skip
    return review.id


def publish_review(session: Session, review_id: int, *, expected_version: int | None = None) -> int:
    """Publish a hidden review again: back in the averages."""
    review = _moderated(session, review_id, "publishing a review", expected_version)
    if review.status == "published":
        raise InvalidTransition(f"review {review_id} is published already")
    before = {"status": "hidden", "reason": review.hidden_reason}
    review.status, review.hidden_reason, review.hidden_by, review.hidden_at = (
        "published", "", None, None)  # fmt: skip
    session.flush()
    _count(session, review, 1)
    record(session, "publish", "review", review.id, before=before, after={"status": "published"})
    return review.id


def reply_to_review(
    session: Session, review_id: int, text: str, *, expected_version: int | None = None
) -> int:
    """The management's answer to a review, shown beneath it; a new reply replaces the old."""
    review = _moderated(session, review_id, "replying to a review", expected_version)
    reply = text.strip()
    if not reply or len(reply) > TEXT_MAX:
        raise InvalidInput("reply", f"a reply is 1 to {TEXT_MAX} characters")
    before = {"reply": review.reply}
    review.reply, review.replied_by = reply, actor_of(session).username
    review.replied_at = dt.datetime.now(dt.UTC)
    session.flush()
    record(session, "reply", "review", review.id, before=before, after={"reply": reply})
    return review.id


def edit_review(
    session: Session, review_id: int, edit: ReviewEdit, *, expected_version: int | None = None
) -> int:
    """Correct a review as entered (a score or a word typed wrong), keeping the counts right."""
    review = _moderated(session, review_id, "correcting a review", expected_version)
    prop = session.get_one(Property, review.property_id)
    categories = {c.code: c.id for c in categories_of(session, prop)}
    new_scores = {}
    for code, value in (edit.scores or {}).items():
        key = code.strip().lower()
        if key not in categories:
            raise InvalidInput(key, f"{key!r} is not a review category ({', '.join(categories)})")
        new_scores[categories[key]] = score(value, key)
    title = " ".join(edit.title.split()) if edit.title is not None else review.title
    if len(title) > TITLE_MAX:
        raise InvalidInput("title", f"a title is at most {TITLE_MAX} characters")
    text = edit.text.strip() if edit.text is not None else review.text
    if len(text) > TEXT_MAX:
        raise InvalidInput("text", f"a review's text is at most {TEXT_MAX} characters")
    overall = score(edit.overall, OVERALL) if edit.overall is not None else review.overall
    language = language_code(edit.language) if edit.language is not None else review.language
    before = scores_of(session, review)
    if review.status == "published":
        _count(session, review, -1)
    review.overall, review.title, review.text, review.language = overall, title, text, language
    if new_scores:
        session.execute(
            delete(ReviewScore).where(
                ReviewScore.review_id == review.id, ReviewScore.category_id.in_(new_scores)
            )
        )
        session.add_all(ReviewScore(review_id=review.id, category_id=c, score=s)
                        for c, s in new_scores.items())  # fmt: skip
    session.flush()
    if review.status == "published":
        _count(session, review, 1)
    record(session, "edit", "review", review.id, before=before, after=scores_of(session, review))
    return review.id
