"""Typed models of the house: the property, its room types and rooms, the features they are
described with, their out-of-order windows and the inventory of rooms to sell per type and night.
Inventory moves with one guarded UPDATE, so the database keeps `sold` within bounds whatever two
desks do at once. Retired room types and rooms stay on record (`retired_on`), so the stays and
nights they sold keep reading the same."""

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    and_,
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
    # Local hour a stay ends (the room is due back), printed on confirmations and invoices.
    check_out_hour: Mapped[int] = mapped_column(Integer, default=11, server_default="11")
    address: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # The hotel's tax (VAT) number, printed on every invoice.
    tax_number: Mapped[str] = mapped_column(String(40), default="", server_default="")
    # Settings by name (what the night audit's reports count, …), read and checked through the
    # typed model in `pms.hotel.property_settings`; names not set take that model's defaults.
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")

    # The room types on sale: a retired one keeps its rows for history but is not listed here.
    room_types: Mapped[list["RoomType"]] = relationship(
        primaryjoin=lambda: and_(
            Property.id == RoomType.property_id, RoomType.retired_on.is_(None)
        ),
        order_by="RoomType.code",
        viewonly=True,
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
    # The business date from which the type is no longer sold (None: on sale).
    retired_on: Mapped[dt.date | None] = mapped_column(Date)

    property: Mapped[Property] = relationship()


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
    # The first night the room is no longer in the hotel (None: in service). Its past stays
    # and nights stay on record.
    retired_on: Mapped[dt.date | None] = mapped_column(Date)

    room_type: Mapped["RoomType"] = relationship()


class Feature(Base):
    """A word of the property's vocabulary for room types and rooms (sea view, accessible …):
    what quotes filter on. Room types and rooms name their features from it."""

    __tablename__ = "features"
    __table_args__ = (UniqueConstraint("property_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id"))
    name: Mapped[str] = mapped_column(String(40))


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
