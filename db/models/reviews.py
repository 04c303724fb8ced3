"""Typed models of guest reviews: the categories a property rates (as data), one review per
checked-out stay with its scores, and the running counts that the averages, distributions and
monthly trends are read from.

The database keeps the rules: scores 1–5 (CHECK), one review per stay (UNIQUE reservation_id),
one external reference per property, a hidden review has a reason, and the counts never go
below zero. The counts (`review_stats`) hold published reviews only and move in the same
transaction as the review, so hiding or editing one keeps them right.
"""

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, utcnow
from db.models.lengths import check_lengths


class ReviewCategory(Base):
    """Something a property asks guests to rate (cleanliness, comfort, location …)."""

    __tablename__ = "review_categories"
    __table_args__ = (UniqueConstraint("property_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id"))
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer, default=0)


class Review(Base):
    """A guest's review of a stay that was checked out: the overall score, the text, and its
    moderation (published, or hidden with who, when and why) and the management's reply."""

    __tablename__ = "reviews"
    __table_args__ = (
        CheckConstraint("overall >= 1 AND overall <= 5", name="overall_range"),
        CheckConstraint("status IN ('published', 'hidden')", name="status_known"),
        CheckConstraint(
            "status = 'published' OR (hidden_reason <> '' AND hidden_by IS NOT NULL)",
            name="hidden_has_reason",
        ),
        CheckConstraint("source IN ('desk', 'cli', 'import')", name="source_known"),
        UniqueConstraint("property_id", "external_ref"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id"))
    reservation_id: Mapped[int] = mapped_column(ForeignKey("reservations.id"), unique=True)
    guest_id: Mapped[int] = mapped_column(ForeignKey("guests.id"), index=True)
    room_type_id: Mapped[int] = mapped_column(ForeignKey("room_types.id"))
    review_date: Mapped[dt.date] = mapped_column(Date)
    overall: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(120), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(12), default="")
    source: Mapped[str] = mapped_column(String(8), default="desk")
    external_ref: Mapped[str | None] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(10), default="published")
    hidden_reason: Mapped[str] = mapped_column(String(200), default="")
    hidden_by: Mapped[str | None] = mapped_column(String(40))
    hidden_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    reply: Mapped[str] = mapped_column(Text, default="")
    replied_by: Mapped[str | None] = mapped_column(String(40))
    replied_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    username: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": version}


class ReviewScore(Base):
    """A review's score in one category, 1 to 5."""

    __tablename__ = "review_scores"
    __table_args__ = (CheckConstraint("score >= 1 AND score <= 5", name="score_range"),)

    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("review_categories.id"), primary_key=True)
    score: Mapped[int] = mapped_column(Integer)


class ReviewStat(Base):
    """Published reviews of a room type in a month, for one measure (`overall` or a category
    code): how many, the sum of their scores, and how many gave each score. Averages,
    distributions and trends are sums of these rows."""

    __tablename__ = "review_stats"
    __table_args__ = (
        CheckConstraint(
            "count >= 0 AND total >= count AND total <= 5 * count", name="total_in_range"
        ),
        CheckConstraint(
            "ones >= 0 AND twos >= 0 AND threes >= 0 AND fours >= 0 AND fives >= 0 "
            "AND ones + twos + threes + fours + fives = count",
            name="distribution_adds_up",
        ),
    )

    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id"), primary_key=True)
    room_type_id: Mapped[int] = mapped_column(ForeignKey("room_types.id"), primary_key=True)
    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    measure: Mapped[str] = mapped_column(String(20), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    ones: Mapped[int] = mapped_column(Integer, default=0)
    twos: Mapped[int] = mapped_column(Integer, default=0)
    threes: Mapped[int] = mapped_column(Integer, default=0)
    fours: Mapped[int] = mapped_column(Integer, default=0)
    fives: Mapped[int] = mapped_column(Integer, default=0)


# Loaded on use (see `db.models`): the length checks of these tables are declared here.
check_lengths(Base.metadata)
