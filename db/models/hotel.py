"""Typed models of the house: the property, its room types and rooms, their out-of-order windows
and the inventory of rooms to sell per type and night. Inventory moves with one guarded UPDATE,
so the database keeps `sold` within bounds whatever two desks do at once."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base


class HousekeepingStatus(StrEnum):
    """The room's cleanliness as housekeeping reports it."""

    DIRTY = "dirty"
    CLEAN = "clean"
    INSPECTED = "inspected"


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
