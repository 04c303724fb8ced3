"""The running counts of published reviews, and the ratings read from them.

Per property, room type, month and measure (`overall` or a category's code) the database keeps
how many reviews there are, the sum of their scores and how many gave each score. A review is
counted in when it is published and out when it is hidden, and an edit counts the old scores
out and the new ones in, all in the review's own transaction: so an average, a distribution or
a month's trend is a sum of rows, right after any sequence of adds, hides and edits. Each row
moves with one guarded UPDATE (`count = count + 1`), so two desks counting at once both count.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from db.engine import dialect_insert
from db.models import Review, ReviewStat

#: The measure every review has; categories are measured under their own codes.
OVERALL = "overall"
#: The columns that count each score, 1 to 5.
SCORE_COLUMNS = ("ones", "twos", "threes", "fours", "fives")


@dataclass(frozen=True)
class Rating:
    """How a set of published reviews scored one measure: how many, the sum, and how many gave
    each score from 1 to 5. The average is the sum over the count, to one decimal (half up)."""

    count: int
    total: int
    distribution: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)

    @property
    def average(self) -> Decimal | None:
        """The mean score to one decimal (4.3), None without reviews."""
        if not self.count:
            return None
        return (Decimal(self.total) / self.count).quantize(Decimal("0.1"), ROUND_HALF_UP)

    def __add__(self, other: Rating) -> Rating:
        pairs = zip(self.distribution, other.distribution, strict=True)
        spread = tuple(a + b for a, b in pairs)
        return Rating(self.count + other.count, self.total + other.total, spread)  # type: ignore[arg-type]


NO_RATING = Rating(0, 0)


def month_of(day: dt.date) -> dt.date:
    """The first day of the day's month: the key a review is counted under."""
    return day.replace(day=1)


def count_review(session: Session, review: Review, scores: dict[str, int], sign: int) -> None:
    """Count a published review's scores in (`sign` +1) or out (-1); `scores` has `overall`
    and each category the guest scored."""
    table = ReviewStat.__table__
    key = {
        "property_id": review.property_id,
        "room_type_id": review.room_type_id,
        "month": month_of(review.review_date),
    }
    dialect = session.get_bind().dialect.name
    for measure, score in scores.items():
        row = {**key, "measure": measure}
        if sign > 0:  # the first review of the month for this measure starts its row
            empty = dict.fromkeys(("count", "total", *SCORE_COLUMNS), 0)
            session.execute(
                dialect_insert(dialect, table).values(**row, **empty).on_conflict_do_nothing()
            )
        column = SCORE_COLUMNS[score - 1]
        session.execute(
            update(table)
            .where(*(table.c[name] == value for name, value in row.items()))
            .values(
                count=table.c.count + sign,
                total=table.c.total + sign * score,
                **{column: table.c[column] + sign},
            )
        )


def _rating(row: object) -> Rating:
    spread = tuple(int(getattr(row, c) or 0) for c in SCORE_COLUMNS)
    return Rating(int(row.count or 0), int(row.total or 0), spread)  # type: ignore[attr-defined, arg-type]


def _sums() -> list[object]:
    return [
        func.sum(ReviewStat.__table__.c[c]).label(c) for c in ("count", "total", *SCORE_COLUMNS)
    ]


def ratings_by(
    session: Session,
    property_id: int,
    *,
    group: Iterable[str] = (),
    first: dt.date | None = None,
    last: dt.date | None = None,
    measure: str | None = None,
) -> dict[tuple[object, ...], Rating]:
    """Ratings of the property's published reviews summed over the months from `first` to
    `last` (by month), grouped by the named columns (`room_type_id`, `month`, `measure`)."""
    table = ReviewStat.__table__
    keys = [table.c[name] for name in group]
    query = select(*keys, *_sums()).where(table.c.property_id == property_id)
    if first is not None:
        query = query.where(table.c.month >= month_of(first))
    if last is not None:
        query = query.where(table.c.month <= month_of(last))
    if measure is not None:
        query = query.where(table.c.measure == measure)
    if keys:
        query = query.group_by(*keys)
    found: dict[tuple[object, ...], Rating] = defaultdict(lambda: NO_RATING)
    for row in session.execute(query):
        if row.count:
            found[tuple(row[: len(keys)])] = _rating(row)
    return found


def room_type_ratings(session: Session, property_id: int) -> dict[int, Rating]:
    """Each room type's overall rating, for quotes."""
    rows = ratings_by(session, property_id, group=["room_type_id"], measure=OVERALL)
    return {int(key[0]): rating for key, rating in rows.items()}  # type: ignore[call-overload]
