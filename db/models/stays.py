"""Typed models of a stay: the reservation with its optimistic `version`, the nights and tax lines
the guest accepted, and the room-nights that give it a room. UNIQUE(room_id, night) keeps any
room from going to two stays on one night, UNIQUE(idempotency_key) a retried booking from
being stored twice."""

import datetime as dt
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, utcnow

if TYPE_CHECKING:
    from db.models.guests import Guest
    from db.models.hotel import RoomType
    from db.models.rates import RatePlan


class ReservationStatus(StrEnum):
    """Where a stay is in its life: tentative → confirmed → checked_in → checked_out."""

    TENTATIVE = "tentative"
    CONFIRMED = "confirmed"
    CHECKED_IN = "checked_in"
    CHECKED_OUT = "checked_out"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


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
        # In-house lists, the rack's stays without a room, the dashboard: by status first.
        Index("ix_reservations_property_status_arrival", "property_id", "status", "arrival"),
        # The other system's confirmation number of an imported stay: a re-import finds it.
        UniqueConstraint("property_id", "external_ref"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id"))
    confirmation: Mapped[str] = mapped_column(String(16), unique=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    # The confirmation number another PMS gave a stay imported from it (None: booked here).
    external_ref: Mapped[str | None] = mapped_column(String(40))
    guest_id: Mapped[int] = mapped_column(ForeignKey("guests.id"), index=True)
    room_type_id: Mapped[int] = mapped_column(ForeignKey("room_types.id"))
    rate_plan_id: Mapped[int] = mapped_column(ForeignKey("rate_plans.id"))
    arrival: Mapped[dt.date] = mapped_column(Date)
    departure: Mapped[dt.date] = mapped_column(Date)
    adults: Mapped[int] = mapped_column(Integer)
    children: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(12))
    source: Mapped[str] = mapped_column(String(20), default="desk")
    # The company the stay is booked for (a corporate rate is sold to it); None: for nobody's
    # account. As long as a guest profile's company.
    company: Mapped[str | None] = mapped_column(String(120))
    overbooked: Mapped[bool] = mapped_column(default=False)
    cancellation_fee: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    checked_in_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    checked_out_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    version: Mapped[int] = mapped_column(Integer)

    guest: Mapped["Guest"] = relationship()
    room_type: Mapped["RoomType"] = relationship()
    rate_plan: Mapped["RatePlan"] = relationship()
    nights: Mapped[list["ReservationNight"]] = relationship(
        order_by="ReservationNight.night", cascade="all, delete-orphan"
    )
    taxes: Mapped[list["ReservationTax"]] = relationship(
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
