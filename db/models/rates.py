"""Typed models of what a night sells for: rate plans and their terms, the rate sheet with its
restrictions, dynamic pricing rules and taxes. Prices are integers in minor units."""

import datetime as dt

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base


class RatePlan(Base):
    """A way of selling rooms (BAR, corporate, non-refundable …) with its terms.

    A base plan takes its prices from the rate sheet; a derived plan follows its parent:
    parent × (1 + derive_percent_bp / 10 000) + derive_amount, rounded per the property.
    """

    __tablename__ = "rate_plans"
    __table_args__ = (
        UniqueConstraint("property_id", "code"),
        CheckConstraint(
            "cancel_penalty IN ('first_night', 'percent', 'full_stay')", name="penalty_known"
        ),
        CheckConstraint("guarantee IN ('none', 'card', 'deposit')", name="guarantee_known"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id"))
    code: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(80))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("rate_plans.id"))
    derive_percent_bp: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    derive_amount: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    meal_plan: Mapped[str] = mapped_column(String(4), default="RO", server_default="RO")
    guarantee: Mapped[str] = mapped_column(String(10), default="none", server_default="none")
    members_only: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: Sold only to the companies entitled to it (`RatePlanCompany`): a corporate rate.
    restricted: Mapped[bool] = mapped_column(default=False, server_default=false())
    sell_from: Mapped[dt.date | None] = mapped_column(Date)
    sell_until: Mapped[dt.date | None] = mapped_column(Date)
    min_advance_days: Mapped[int | None] = mapped_column(Integer)
    max_advance_days: Mapped[int | None] = mapped_column(Integer)
    non_refundable: Mapped[bool] = mapped_column(default=False, server_default=false())
    cancel_free_hours: Mapped[int] = mapped_column(Integer, default=24, server_default="24")
    cancel_penalty: Mapped[str] = mapped_column(
        String(12), default="first_night", server_default="first_night"
    )
    cancel_penalty_bp: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    parent: Mapped["RatePlan | None"] = relationship(remote_side=[id])


class RatePlanCompany(Base):
    """A company entitled to a restricted rate plan, by the name a guest profile or a booking
    gives it (compared without case or extra spaces, see `pms.rates.entitlement`)."""

    __tablename__ = "rate_plan_companies"

    rate_plan_id: Mapped[int] = mapped_column(ForeignKey("rate_plans.id"), primary_key=True)
    company: Mapped[str] = mapped_column(String(120), primary_key=True)


class RatePlanPrice(Base):
    """The nightly price of one room type on one rate plan, in minor units."""

    __tablename__ = "rate_plan_prices"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_not_negative"),)

    rate_plan_id: Mapped[int] = mapped_column(ForeignKey("rate_plans.id"), primary_key=True)
    room_type_id: Mapped[int] = mapped_column(ForeignKey("room_types.id"), primary_key=True)
    amount: Mapped[int] = mapped_column(BigInteger)


class Rate(Base):
    """One night on the rate sheet for a plan and room type: its price (base plans) and its
    restrictions (min / max length of stay by arrival, closed to arrival / departure,
    stop-sell)."""

    __tablename__ = "rates"
    __table_args__ = (
        CheckConstraint("price IS NULL OR price >= 0", name="price_not_negative"),
        CheckConstraint("min_los IS NULL OR min_los >= 1", name="min_los_positive"),
        CheckConstraint(
            "max_los IS NULL OR min_los IS NULL OR max_los >= min_los", name="los_range"
        ),
    )

    rate_plan_id: Mapped[int] = mapped_column(ForeignKey("rate_plans.id"), primary_key=True)
    room_type_id: Mapped[int] = mapped_column(ForeignKey("room_types.id"), primary_key=True)
    night: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    price: Mapped[int | None] = mapped_column(BigInteger)
    min_los: Mapped[int | None] = mapped_column(Integer)
    max_los: Mapped[int | None] = mapped_column(Integer)
    closed_to_arrival: Mapped[bool] = mapped_column(default=False)
    closed_to_departure: Mapped[bool] = mapped_column(default=False)
    stop_sell: Mapped[bool] = mapped_column(default=False)


class PricingRule(Base):
    """Dynamic pricing as data: at `threshold_pct` forecast occupancy the base price moves by
    `adjust_bp`, kept within floor and ceiling. No room type means the whole property."""

    __tablename__ = "pricing_rules"
    __table_args__ = (
        CheckConstraint("threshold_pct >= 0 AND threshold_pct <= 200", name="threshold_range"),
        CheckConstraint(
            "floor IS NULL OR ceiling IS NULL OR floor <= ceiling", name="floor_below_ceiling"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id"))
    room_type_id: Mapped[int | None] = mapped_column(ForeignKey("room_types.id"))
    threshold_pct: Mapped[int] = mapped_column(Integer)
    adjust_bp: Mapped[int] = mapped_column(Integer)
    floor: Mapped[int | None] = mapped_column(BigInteger)
    ceiling: Mapped[int | None] = mapped_column(BigInteger)


class Tax(Base):
    """A tax with its own code: a percentage of the price, or a fixed amount per person per
    night (city tax) — never both. `room` taxes are charged on the room nights (the rate
    sheet's); a percentage may also be the VAT of other charges (`ChargeTax`)."""

    __tablename__ = "taxes"
    __table_args__ = (
        UniqueConstraint("property_id", "code"),
        CheckConstraint(
            "(percent_bp > 0 AND per_person = 0) OR (percent_bp = 0 AND per_person > 0)",
            name="one_kind",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id"))
    code: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(80))
    percent_bp: Mapped[int] = mapped_column(Integer, default=0)
    per_person: Mapped[int] = mapped_column(BigInteger, default=0)
    children_exempt: Mapped[bool] = mapped_column(default=True)
    #: Charged on the room nights, as every tax was before extras had a VAT of their own.
    room: Mapped[bool] = mapped_column(default=True, server_default=true())


class ChargeTax(Base):
    """The VAT inside the price of one charge code (FNB, MINIBAR …) at a property: one VAT per
    code (the primary key), a percentage tax of the same property. The room's taxes are the
    `room` taxes instead, which may be several (VAT and city tax)."""

    __tablename__ = "charge_taxes"
    __table_args__ = (CheckConstraint("code <> 'ROOM'", name="not_room"),)

    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    tax_id: Mapped[int] = mapped_column(ForeignKey("taxes.id"), index=True)
