"""Typed models of the night audit: the run that holds a business date while it closes it, its
steps, and what a closed day keeps forever (statistics per room type, the ledgers' balances, the
final reports). UNIQUE(property_id, business_date) on the run makes a day close once; the lease
columns on it let a second process see who holds the day (and take it over from a dead one)."""

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
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

from db.models.base import Base, utcnow
from db.models.lengths import check_lengths


class AuditRun(Base):
    """One closing of one business date; while `running`, the holder columns say who has it."""

    __tablename__ = "audit_runs"
    __table_args__ = (
        UniqueConstraint("property_id", "business_date"),
        CheckConstraint("status IN ('running', 'blocked', 'done')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id"))
    business_date: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8))
    username: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # The lease: the process running the day now (None when nobody is), and its last sign of life.
    holder: Mapped[str | None] = mapped_column(String(120))
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    overrides: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class AuditStep(Base):
    """One step of a run: when it started and finished, what it counted, who ran it."""

    __tablename__ = "audit_steps"
    __table_args__ = (
        CheckConstraint("status IN ('running', 'done', 'blocked', 'skipped')", name="status_known"),
    )

    run_id: Mapped[int] = mapped_column(ForeignKey("audit_runs.id"), primary_key=True)
    step: Mapped[str] = mapped_column(String(24), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(8))
    username: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


#: The counters of a day's statistics per room type, in OPERA's daily-statistics order.
STATISTIC_COUNTS = (
    "rooms", "out_of_order", "out_of_service", "occupied", "comp", "house_use", "day_use",
    "arrivals", "departures", "walk_ins", "no_shows", "early_departures", "extensions",
    "multiple_occupied", "adults", "children",
)  # fmt: skip
#: The money of a day's statistics per room type, in minor units (room revenue net of tax).
STATISTIC_MONEY = ("room_revenue", "other_revenue", "tax")


class DailyStatistic(Base):
    """A closed day's figures for one room type: stored by the audit once, never recomputed."""

    __tablename__ = "daily_statistics"

    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id"), primary_key=True)
    business_date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    room_type_id: Mapped[int] = mapped_column(ForeignKey("room_types.id"), primary_key=True)
    rooms: Mapped[int] = mapped_column(Integer)
    out_of_order: Mapped[int] = mapped_column(Integer)
    out_of_service: Mapped[int] = mapped_column(Integer)
    occupied: Mapped[int] = mapped_column(Integer)
    comp: Mapped[int] = mapped_column(Integer)
    house_use: Mapped[int] = mapped_column(Integer)
    day_use: Mapped[int] = mapped_column(Integer)
    arrivals: Mapped[int] = mapped_column(Integer)
    departures: Mapped[int] = mapped_column(Integer)
    walk_ins: Mapped[int] = mapped_column(Integer)
    no_shows: Mapped[int] = mapped_column(Integer)
    early_departures: Mapped[int] = mapped_column(Integer)
    extensions: Mapped[int] = mapped_column(Integer)
    multiple_occupied: Mapped[int] = mapped_column(Integer)  # rooms with more than one guest
    adults: Mapped[int] = mapped_column(Integer)
    children: Mapped[int] = mapped_column(Integer)
    room_revenue: Mapped[int] = mapped_column(BigInteger)
    other_revenue: Mapped[int] = mapped_column(BigInteger)
    tax: Mapped[int] = mapped_column(BigInteger)


class LedgerDay(Base):
    """A ledger's day (guest, city or deposit): opening + debits − credits ± transfers =
    closing, and the closing is the next day's opening."""

    __tablename__ = "ledger_days"
    __table_args__ = (
        CheckConstraint("ledger IN ('guest', 'city', 'deposit')", name="ledger_known"),
        CheckConstraint("opening + debits - credits + transfers = closing", name="closing_adds_up"),
    )

    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id"), primary_key=True)
    business_date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    ledger: Mapped[str] = mapped_column(String(8), primary_key=True)
    opening: Mapped[int] = mapped_column(BigInteger)
    debits: Mapped[int] = mapped_column(BigInteger)
    credits: Mapped[int] = mapped_column(BigInteger)
    transfers: Mapped[int] = mapped_column(BigInteger)
    closing: Mapped[int] = mapped_column(BigInteger)


class AuditReport(Base):
    """A final report of a closed day as it was rendered then (JSON), read back unchanged."""

    __tablename__ = "audit_reports"

    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id"), primary_key=True)
    business_date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(24), primary_key=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)


# Loaded on use (see `db.models`): the length checks of these tables are declared here.
check_lengths(Base.metadata)
