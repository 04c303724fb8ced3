"""Typed models of the loyalty programme: the programme a group of properties shares, its tiers,
the members' accounts and their points ledger, and the tier changes its reviews made.

The ledger is append-only and a balance is the sum of its lines. The database keeps what two
desks could race on: a stay earns once (UNIQUE unique_key `stay:<reservation>:1`, its later
restatements `stay:<reservation>:<n>`), a batch line exists once per account and date, a tier
review changes an account at most once per business date, and one account per guest. The
member number is the guest's own `loyalty_number` (unique on `guests`), so the profile, the
search and the lookups by number all see it.
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
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

import db.folios  # noqa: F401  loyalty_lines.posting_id names postings: a flush must find it
from db.models.base import Base, utcnow
from db.models.lengths import check_lengths


class LoyaltyProgramme(Base):
    """A loyalty programme as data: how members qualify for a tier (on qualifying points,
    nights, stays or room revenue, over a rolling window or the calendar year), what a point is
    worth when redeemed, when points expire, and how far one review may downgrade."""

    __tablename__ = "loyalty_programmes"
    __table_args__ = (
        CheckConstraint(
            "qualify_on IN ('points', 'nights', 'stays', 'revenue')", name="qualify_on_known"
        ),
        CheckConstraint("period IN ('rolling', 'calendar')", name="period_known"),
        CheckConstraint("period_months >= 1 AND period_months <= 36", name="period_months_range"),
        CheckConstraint("points_per_unit >= 1", name="points_per_unit_positive"),
        CheckConstraint("expiry IN ('none', 'after', 'inactivity')", name="expiry_known"),
        CheckConstraint(
            "(expiry = 'none' AND expiry_months IS NULL) OR "
            "(expiry <> 'none' AND expiry_months >= 1 AND expiry_months <= 120)",
            name="expiry_months_fit",
        ),
        CheckConstraint("max_downgrade >= 0", name="max_downgrade_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    qualify_on: Mapped[str] = mapped_column(String(8))
    period: Mapped[str] = mapped_column(String(8))
    period_months: Mapped[int] = mapped_column(Integer, default=12)
    # Redeemed points pay `1 / points_per_unit` of a currency unit each (100: a point is 1 cent).
    points_per_unit: Mapped[int] = mapped_column(Integer, default=100)
    expiry: Mapped[str] = mapped_column(String(12), default="none")
    expiry_months: Mapped[int | None] = mapped_column(Integer)
    max_downgrade: Mapped[int] = mapped_column(Integer, default=1)


class LoyaltyProperty(Base):
    """A property taking part in a programme: its stays earn, its folios take points."""

    __tablename__ = "loyalty_properties"

    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id"), primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("loyalty_programmes.id"), index=True)


class LoyaltyTier(Base):
    """A tier of a programme: reached at `threshold` (in the programme's qualifying measure:
    points, nights, stays or room revenue in minor units), earning `earn_per_unit` points per
    currency unit of room revenue and `stay_bonus` points per stay."""

    __tablename__ = "loyalty_tiers"
    __table_args__ = (
        UniqueConstraint("programme_id", "code"),
        UniqueConstraint("programme_id", "rank"),
        CheckConstraint("rank >= 0", name="rank_not_negative"),
        CheckConstraint("threshold >= 0", name="threshold_not_negative"),
        CheckConstraint("earn_per_unit >= 0", name="earn_not_negative"),
        CheckConstraint("stay_bonus >= 0", name="bonus_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("loyalty_programmes.id"))
    code: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(80))
    rank: Mapped[int] = mapped_column(Integer)
    threshold: Mapped[int] = mapped_column(BigInteger, default=0)
    earn_per_unit: Mapped[int] = mapped_column(Integer, default=10)
    stay_bonus: Mapped[int] = mapped_column(Integer, default=0)


class LoyaltyAccount(Base):
    """A guest's membership: the tier held now and since when. `version` is bumped by every
    ledger line, so two desks redeeming the same points take turns (the balance check runs
    under that row lock)."""

    __tablename__ = "loyalty_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("loyalty_programmes.id"))
    guest_id: Mapped[int] = mapped_column(ForeignKey("guests.id"), unique=True)
    tier_id: Mapped[int] = mapped_column(ForeignKey("loyalty_tiers.id"))
    enrolled_on: Mapped[dt.date] = mapped_column(Date)
    tier_since: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": version}


class LoyaltyLine(Base):
    """One line of a member's points ledger. Never updated or deleted: a correction is another
    line. `redeemable` points pay folios and expire; `qualifying` points (with the nights,
    stays and room revenue of the line) count towards a tier and are never spent."""

    __tablename__ = "loyalty_lines"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('earn', 'restate', 'redeem', 'award', 'return', 'expire', 'adjust')",
            name="kind_known",
        ),
        CheckConstraint(
            "redeemable <> 0 OR qualifying <> 0 OR nights <> 0 OR stays <> 0 OR revenue <> 0",
            name="changes_something",
        ),
        CheckConstraint(
            "kind NOT IN ('redeem', 'award', 'expire') OR (redeemable < 0 AND qualifying = 0)",
            name="spending_takes_points",
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("loyalty_accounts.id"), index=True)
    business_date: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(8))
    redeemable: Mapped[int] = mapped_column(BigInteger, default=0)
    qualifying: Mapped[int] = mapped_column(BigInteger, default=0)
    nights: Mapped[int] = mapped_column(Integer, default=0)
    stays: Mapped[int] = mapped_column(Integer, default=0)
    revenue: Mapped[int] = mapped_column(BigInteger, default=0)
    description: Mapped[str] = mapped_column(String(200))
    property_id: Mapped[int | None] = mapped_column(ForeignKey("properties.id"))
    reservation_id: Mapped[int | None] = mapped_column(ForeignKey("reservations.id"), index=True)
    tier_id: Mapped[int | None] = mapped_column(ForeignKey("loyalty_tiers.id"))
    posting_id: Mapped[int | None] = mapped_column(ForeignKey("postings.id"), unique=True)
    unique_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    username: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LoyaltyTierChange(Base):
    """A tier review's change of one account on one business date: at most one per date, so a
    review run again for that date changes nothing more."""

    __tablename__ = "loyalty_tier_changes"
    __table_args__ = (UniqueConstraint("account_id", "business_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("loyalty_accounts.id"))
    business_date: Mapped[dt.date] = mapped_column(Date)
    from_tier_id: Mapped[int] = mapped_column(ForeignKey("loyalty_tiers.id"))
    to_tier_id: Mapped[int] = mapped_column(ForeignKey("loyalty_tiers.id"))
    measure: Mapped[int] = mapped_column(BigInteger)
    username: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# Loaded on use (see `db.models`): the length checks of these tables are declared here.
check_lengths(Base.metadata)
