"""The typed model of a guest profile: who stays, how to reach them, and what the desk must know
(VIP level, do-not-rent, a merge into another profile, anonymisation)."""

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, utcnow


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
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        Index("ix_guests_last_first", "last_name", "first_name"),
        Index("ix_guests_email", "email"),
        CheckConstraint("vip_level >= 0 AND vip_level <= 5", name="vip_level_range"),
    )
