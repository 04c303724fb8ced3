"""The reviews report (`pms review report`, and `pms report reviews` once the reports have a
home): for a period, the overall rating and each category's, per room type, the distribution
of overall scores and the trend month by month. Read from the running counts, so it always
agrees with the reviews as published now."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import RoomType
from pms.hotel.properties import resolve_property
from pms.kernel.errors import InvalidInput
from pms.reviews.entry import category_names
from pms.reviews.ratings import NO_RATING, OVERALL, Rating, month_of, ratings_by
from pms.stays.stay_rules import read_date


@dataclass(frozen=True)
class MeasureLine:
    """One line of the report: what is measured (a category, a room type, a month) and how it
    was rated."""

    key: str
    name: str
    rating: Rating


@dataclass(frozen=True)
class ReviewReport:
    """The reviews of a property for the months from `first` to `last`."""

    property_code: str
    first: dt.date
    last: dt.date
    overall: Rating
    categories: list[MeasureLine]
    room_types: list[MeasureLine]
    months: list[MeasureLine]


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], month_of(first)
    while month <= last:
        months.append(month)
        month = month_of(month + dt.timedelta(days=32))
    return months


def reviews_report(
    session: Session,
    property_code: str | None = None,
    first: dt.date | str | None = None,
    last: dt.date | str | None = None,
) -> ReviewReport:
    """Ratings of the published reviews of the months `first` to `last` (whole months; the
    last twelve by default), overall, by category, by room type and by month."""
    prop = resolve_property(session, property_code)
    end = read_date(last, prop, "to") if last is not None else prop.business_date
    start = (
        read_date(first, prop, "from")
        if first is not None
        else month_of(end).replace(year=end.year - 1)
    )
    if start > end:
        raise InvalidInput("from", "the report starts after it ends")
    if (end - start).days > 3 * 366:
        raise InvalidInput("from", "a report covers at most three years")
    span = {"first": start, "last": end}
    measures = ratings_by(session, prop.id, group=["measure"], **span)
    types = ratings_by(session, prop.id, group=["room_type_id"], measure=OVERALL, **span)
    months = ratings_by(session, prop.id, group=["month"], measure=OVERALL, **span)
    room_types = session.execute(
        select(RoomType.id, RoomType.code, RoomType.name)
        .where(RoomType.property_id == prop.id)
        .order_by(RoomType.code)
    ).all()
    return ReviewReport(
        property_code=prop.code,
        first=month_of(start),
        last=end,
        overall=measures[(OVERALL,)],
        categories=[
            MeasureLine(code, name, measures[(code,)])
            for code, name in category_names(session, prop)
        ],
        room_types=[
            MeasureLine(code, name, types.get((type_id,), NO_RATING))
            for type_id, code, name in room_types
        ],
        months=[MeasureLine(f"{m:%Y-%m}", f"{m:%b %Y}", months[(m,)]) for m in _months(start, end)],
    )
