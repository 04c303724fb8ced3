"""Typed models of the money side of a stay: folios and their postings, routing, invoices and
payments. Postings are append-only (a correction is a reversing posting) and the database keeps
the rules two desks could race on: one reversal per posting, one night-audit posting per key,
gap-free invoice numbers per property, never more refunded than captured.
"""

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models import Base, utcnow
from db.models.lengths import check_lengths

#: A posting's VAT: both columns or neither, of the line's sign and no more than the line.
VAT_WITHIN_AMOUNT = (
    "(vat_code IS NULL AND vat_amount IS NULL) OR "
    "(vat_code IS NOT NULL AND vat_amount IS NOT NULL AND ("
    "(amount > 0 AND vat_amount >= 0 AND vat_amount <= amount) OR "
    "(amount < 0 AND vat_amount <= 0 AND vat_amount >= amount)))"
)


class Folio(Base):
    """A bill: a ledger of postings for a stay (one or more, split by routing), or a company's
    city-ledger account that settles later. Balance = sum of postings; `version` guards it."""

    __tablename__ = "folios"
    __table_args__ = (
        CheckConstraint("kind IN ('guest', 'company', 'city_ledger')", name="kind_known"),
        CheckConstraint("status IN ('open', 'closed')", name="status_known"),
        UniqueConstraint("reservation_id", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id"))
    reservation_id: Mapped[int | None] = mapped_column(ForeignKey("reservations.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(12), default="guest")
    status: Mapped[str] = mapped_column(String(8), default="open")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": version}


class Posting(Base):
    """One line of a folio: charges and taxes positive, payments negative. Never updated or
    deleted; `reverses_id` makes a correction, `unique_key` makes the night audit idempotent."""

    __tablename__ = "postings"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('charge', 'tax', 'payment', 'refund', 'adjustment', 'transfer')",
            name="kind_known",
        ),
        CheckConstraint("amount <> 0", name="amount_not_zero"),
        # The VAT inside a line is part of it: of its sign and never more than the line.
        CheckConstraint(VAT_WITHIN_AMOUNT, name="vat_within_amount"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    folio_id: Mapped[int] = mapped_column(ForeignKey("folios.id"), index=True)
    business_date: Mapped[dt.date] = mapped_column(Date)
    posted_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    kind: Mapped[str] = mapped_column(String(12))
    code: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(String(200))
    amount: Mapped[int] = mapped_column(BigInteger)
    username: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(200), default="")
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("postings.id"), unique=True)
    unique_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    transfer_group: Mapped[str | None] = mapped_column(String(36))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    #: History brought from another PMS, which booked and invoiced it: the journal says so.
    imported: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: The VAT inside a charge (an extra's price is gross), fixed when it was posted so a
    #: later rate never rewrites it: the tax's code and the amount, rounded for this line.
    #: None on room nights (their taxes are the stay's) and on what carries no VAT.
    vat_code: Mapped[str | None] = mapped_column(String(12))
    vat_amount: Mapped[int | None] = mapped_column(BigInteger)


class RoutingRule(Base):
    """Send a stay's postings of one transaction code to another folio (room and tax to the
    company, extras to the guest)."""

    __tablename__ = "routing_rules"

    reservation_id: Mapped[int] = mapped_column(ForeignKey("reservations.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    folio_id: Mapped[int] = mapped_column(ForeignKey("folios.id"))


class InvoiceSequence(Base):
    """The last invoice number of a property. Taken with an UPDATE in the closing transaction,
    so numbers are gap-free: a rolled-back check-out gives its number back."""

    __tablename__ = "invoice_sequences"

    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id"), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Invoice(Base):
    """A folio closed and billed, with its number in the property's sequence."""

    __tablename__ = "invoices"
    __table_args__ = (UniqueConstraint("property_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id"))
    number: Mapped[int] = mapped_column(Integer)
    folio_id: Mapped[int] = mapped_column(ForeignKey("folios.id"), unique=True)
    business_date: Mapped[dt.date] = mapped_column(Date)
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    total: Mapped[int] = mapped_column(BigInteger)
    username: Mapped[str] = mapped_column(String(40))


class Payment(Base):
    """A payment attempt with a gateway, written `pending` before the gateway is called and
    settled after, so a crash in between is found and reconciled, never lost or doubled.
    No card data: only the gateway's own ids."""

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("gateway IN ('stripe', 'cash', 'terminal')", name="gateway_known"),
        CheckConstraint(
            "state IN ('pending', 'authorised', 'captured', 'failed', 'voided', 'refunded')",
            name="state_known",
        ),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("captured >= 0 AND captured <= amount", name="captured_in_range"),
        CheckConstraint("refunded >= 0 AND refunded <= captured", name="refund_not_above_capture"),
        # Every desk start and card command asks whether a card attempt was left pending:
        # one look in this index, however many payments the hotel has taken.
        Index("ix_payments_state_updated_at", "state", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    folio_id: Mapped[int] = mapped_column(ForeignKey("folios.id"), index=True)
    gateway: Mapped[str] = mapped_column(String(12))
    state: Mapped[str] = mapped_column(String(12), default="pending")
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[int] = mapped_column(BigInteger)
    captured: Mapped[int] = mapped_column(BigInteger, default=0)
    refunded: Mapped[int] = mapped_column(BigInteger, default=0)
    intent_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    reference: Mapped[str] = mapped_column(String(80), default="")
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    error: Mapped[str] = mapped_column(String(200), default="")
    username: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


check_lengths(Base.metadata)
