"""Typed SQLAlchemy models: the hotel's nouns and the invariants the database keeps for them.

Every rule that two desks could race on is a constraint here, named so that migrations stay
stable: one stay per room-night, one reservation per idempotency key, sold never negative.
Money is an integer count of the currency's minor unit (cents).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a naming convention, so constraint names match across dialects."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ReservationStatus(StrEnum):
    """Where a stay is in its life: tentative → confirmed → checked_in → checked_out."""

    TENTATIVE = "tentative"
    CONFIRMED = "confirmed"
    CHECKED_IN = "checked_in"
    CHECKED_OUT = "checked_out"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class Role(StrEnum):
    """What a user may do; each role includes the ones before it."""

    CLERK = "clerk"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"
    ADMIN = "admin"


class HousekeepingStatus(StrEnum):
    """The room's cleanliness as housekeeping reports it."""

    DIRTY = "dirty"
    CLEAN = "clean"
    INSPECTED = "inspected"


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Property(Base):
    """A hotel: its currency, time zone and the business date its night audit keeps."""

    __tablename__ = "properties"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    city: Mapped[str] = mapped_column(String(80), default="")
    currency: Mapped[str] = mapped_column(String(3))
    timezone: Mapped[str] = mapped_column(String(64))
    business_date: Mapped[dt.date] = mapped_column(Date)
    # Derived rate plan prices are rounded to multiples of this many minor units (100: whole €).
    rate_rounding: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # Whether percentage taxes are inside the prices on the rate sheet (VAT-inclusive) or added.
    taxes_inclusive: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Local hour a stay starts; cancellation deadlines count back from it.
    check_in_hour: Mapped[int] = mapped_column(Integer, default=15, server_default="15")

    room_types: Mapped[list[RoomType]] = relationship(
        back_populates="property", order_by="RoomType.code"
    )


class RoomType(Base):
    """A sellable kind of room; inventory is counted per room type per night."""

    __tablename__ = "room_types"
    __table_args__ = (
        UniqueConstraint("property_id", "code"),
        CheckConstraint("max_occupancy >= 1", name="max_occupancy_positive"),
        CheckConstraint(
            "base_occupancy >= 1 AND base_occupancy <= max_occupancy", name="base_occupancy_range"
        ),
        CheckConstraint("overbooking_allowance >= 0", name="allowance_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id"))
    code: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(80))
    max_occupancy: Mapped[int] = mapped_column(Integer)
    base_occupancy: Mapped[int] = mapped_column(Integer)
    features: Mapped[list[str]] = mapped_column(JSON, default=list)
    overbooking_allowance: Mapped[int] = mapped_column(Integer, default=0)
    extra_adult: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    extra_child: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")

    property: Mapped[Property] = relationship(back_populates="room_types")


class Room(Base):
    """A physical room of one type; its features add to the type's."""

    __tablename__ = "rooms"
    __table_args__ = (UniqueConstraint("property_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id"))
    room_type_id: Mapped[int] = mapped_column(ForeignKey("room_types.id"), index=True)
    number: Mapped[str] = mapped_column(String(10))
    floor: Mapped[int] = mapped_column(Integer)
    features: Mapped[list[str]] = mapped_column(JSON, default=list)
    housekeeping: Mapped[str] = mapped_column(String(12), default=HousekeepingStatus.CLEAN)
    # Out of service: still sellable, but kept empty for now (a smell, a broken lamp).
    out_of_service: Mapped[str] = mapped_column(String(200), default="", server_default="")

    room_type: Mapped[RoomType] = relationship()


class OutOfOrder(Base):
    """A window in which a room is out of order: not sellable, removed from inventory."""

    __tablename__ = "out_of_order"
    __table_args__ = (CheckConstraint("end_date > start_date", name="window_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"), index=True)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)  # exclusive: the first night back in order
    reason: Mapped[str] = mapped_column(String(200))


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

    parent: Mapped[RatePlan | None] = relationship(remote_side=[id])


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
    """A tax with its own code: a percentage of the room price, or a fixed amount per person
    per night (city tax) — never both."""

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


class Guest(Base):
    """A guest profile: who stays, and how to reach them."""

    __tablename__ = "guests"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(80), default="")
    last_name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    company: Mapped[str] = mapped_column(String(120), default="")
    city: Mapped[str] = mapped_column(String(80), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    loyalty_number: Mapped[str | None] = mapped_column(String(20), unique=True)
    vip_level: Mapped[int] = mapped_column(Integer, default=0)
    preferences: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    notes: Mapped[str] = mapped_column(Text, default="")
    do_not_rent: Mapped[bool] = mapped_column(default=False)
    do_not_rent_reason: Mapped[str] = mapped_column(String(200), default="")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("guests.id"))
    anonymised_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)

    __table_args__ = (
        Index("ix_guests_last_first", "last_name", "first_name"),
        Index("ix_guests_email", "email"),
        CheckConstraint("vip_level >= 0 AND vip_level <= 5", name="vip_level_range"),
    )


class Reservation(Base):
    """A booked stay of one room of a type, with the prices the guest accepted per night.

    `version` is an optimistic lock: an update from a stale copy matches no row and fails.
    """

    __tablename__ = "reservations"
    __table_args__ = (
        CheckConstraint("departure > arrival", name="departure_after_arrival"),
        CheckConstraint("adults >= 1", name="at_least_one_adult"),
        CheckConstraint("children >= 0", name="children_not_negative"),
        CheckConstraint(
            "status IN ('tentative', 'confirmed', 'checked_in', 'checked_out', "
            "'cancelled', 'no_show')",
            name="status_known",
        ),
        Index("ix_reservations_property_arrival", "property_id", "arrival"),
        Index("ix_reservations_property_departure", "property_id", "departure"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id"))
    confirmation: Mapped[str] = mapped_column(String(16), unique=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    guest_id: Mapped[int] = mapped_column(ForeignKey("guests.id"), index=True)
    room_type_id: Mapped[int] = mapped_column(ForeignKey("room_types.id"))
    rate_plan_id: Mapped[int] = mapped_column(ForeignKey("rate_plans.id"))
    arrival: Mapped[dt.date] = mapped_column(Date)
    departure: Mapped[dt.date] = mapped_column(Date)
    adults: Mapped[int] = mapped_column(Integer)
    children: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(12))
    source: Mapped[str] = mapped_column(String(20), default="desk")
    overbooked: Mapped[bool] = mapped_column(default=False)
    cancellation_fee: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    checked_in_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    checked_out_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=_utcnow, onupdate=_utcnow
    )
    version: Mapped[int] = mapped_column(Integer)

    guest: Mapped[Guest] = relationship()
    room_type: Mapped[RoomType] = relationship()
    rate_plan: Mapped[RatePlan] = relationship()
    nights: Mapped[list[ReservationNight]] = relationship(
        order_by="ReservationNight.night", cascade="all, delete-orphan"
    )
    taxes: Mapped[list[ReservationTax]] = relationship(
        order_by="ReservationTax.night", cascade="all, delete-orphan"
    )

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": version}


class ReservationNight(Base):
    """One night of a stay at the price quoted for it; never recomputed behind the guest's back."""

    __tablename__ = "reservation_nights"
    __table_args__ = (CheckConstraint("price >= 0", name="price_not_negative"),)

    reservation_id: Mapped[int] = mapped_column(ForeignKey("reservations.id"), primary_key=True)
    night: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    price: Mapped[int] = mapped_column(BigInteger)


class ReservationTax(Base):
    """A tax line of one night of a stay as quoted; `included` lines are inside the price."""

    __tablename__ = "reservation_taxes"

    reservation_id: Mapped[int] = mapped_column(ForeignKey("reservations.id"), primary_key=True)
    night: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    included: Mapped[bool] = mapped_column(default=False)


class RoomNight(Base):
    """A room given to a stay for one night. UNIQUE(room_id, night): never two stays at once."""

    __tablename__ = "room_nights"
    __table_args__ = (
        UniqueConstraint("room_id", "night"),
        UniqueConstraint("reservation_id", "night"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"))
    reservation_id: Mapped[int] = mapped_column(ForeignKey("reservations.id"))
    night: Mapped[dt.date] = mapped_column(Date)


class Inventory(Base):
    """Rooms of a type to sell on a night. Bookings move `sold` with one guarded UPDATE."""

    __tablename__ = "inventory"
    __table_args__ = (
        CheckConstraint("sold >= 0", name="sold_not_negative"),
        CheckConstraint("capacity >= 0", name="capacity_not_negative"),
    )

    room_type_id: Mapped[int] = mapped_column(ForeignKey("room_types.id"), primary_key=True)
    night: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    capacity: Mapped[int] = mapped_column(Integer)
    sold: Mapped[int] = mapped_column(Integer, default=0)


class User(Base):
    """Someone who signs in at a desk; the role decides what the services allow."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('clerk', 'supervisor', 'manager', 'admin')", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    full_name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(12))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)


class AuditLog(Base):
    """Who did what, when, with the entity before and after: written in the same transaction."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    username: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column(BigInteger)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class ChangeLog(Base):
    """Outbox of changed entity ids: desks follow it to refresh search and live screens."""

    __tablename__ = "change_log"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column(BigInteger)
    operation: Mapped[str] = mapped_column(String(12))
