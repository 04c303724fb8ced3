"""Exports: what an accountant takes out every morning and what a new system would need.

Each kind is one query streamed in batches (`yield_per`: a server-side cursor on PostgreSQL), so
a million postings go out in constant memory; rows are plain dicts with the columns of the
kind's import file where there is one, so guests, rates and reservations exported here import
again unchanged. Money is written in major units (`120.50`) from the integer minor units.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from typing import Any, TextIO

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from db.folios import Folio, Invoice, Payment, Posting
from db.models import (
    STATISTIC_COUNTS,
    STATISTIC_MONEY,
    DailyStatistic,
    Guest,
    Property,
    Rate,
    RatePlan,
    Reservation,
    ReservationNight,
    ReservationTax,
    Room,
    RoomNight,
    RoomType,
)
from pms.hotel.properties import resolve_property
from pms.imports.files import write_rows
from pms.kernel.dates import parse_date
from pms.kernel.errors import InvalidInput
from pms.kernel.money import from_minor, included_share, minor_exponent
from pms.kernel.permissions import require
from pms.stays.night_prices import night_of, prices_and_taxes_inside

#: Rows fetched from the database at a time.
BATCH = 2_000

Row = dict[str, Any]


@dataclass(frozen=True)
class Period:
    """The days an export covers (both included; None: open on that side)."""

    first: dt.date | None = None
    last: dt.date | None = None

    def where(self, column: Any) -> list[Any]:
        """The conditions keeping `column` (a date) inside the period."""
        return [c for c in (
            column >= self.first if self.first else None,
            column <= self.last if self.last else None,
        ) if c is not None]  # fmt: skip


def _stream(session: Session, query: Select[Any]) -> Iterator[Any]:
    yield from session.execute(query.execution_options(yield_per=BATCH))


def _guests(session: Session, prop: Property, period: Period) -> Iterator[Row]:
    created = func.date(Guest.created_at)
    query = (
        select(Guest)
        .where(
            Guest.merged_into_id.is_(None), Guest.anonymised_at.is_(None), *period.where(created)
        )
        .order_by(Guest.id)
    )
    for (guest,) in _stream(session, query):
        yield {name: getattr(guest, name) for name in GUEST_COLUMNS}


GUEST_COLUMNS = ("first_name", "last_name", "email", "phone", "country", "company", "city",
                 "vip_level", "notes")  # fmt: skip


def _reservations(session: Session, prop: Property, period: Period) -> Iterator[Row]:
    nights = (
        select(ReservationNight.reservation_id, func.sum(ReservationNight.price).label("room"))
        .group_by(ReservationNight.reservation_id)
        .subquery()
    )
    taxes = (
        select(ReservationTax.reservation_id, func.sum(ReservationTax.amount).label("tax"))
        .where(ReservationTax.included.is_(False))
        .group_by(ReservationTax.reservation_id)
        .subquery()
    )
    rooms = (
        select(RoomNight.reservation_id, func.min(Room.number).label("number"))
        .join(Room, Room.id == RoomNight.room_id)
        .group_by(RoomNight.reservation_id)
        .subquery()
    )
    query = (
        select(Reservation, Guest, RoomType.code, RatePlan.code, nights.c.room, taxes.c.tax,
               rooms.c.number)
        .join(Guest, Guest.id == Reservation.guest_id)
        .join(RoomType, RoomType.id == Reservation.room_type_id)
        .join(RatePlan, RatePlan.id == Reservation.rate_plan_id)
        .outerjoin(nights, nights.c.reservation_id == Reservation.id)
        .outerjoin(taxes, taxes.c.reservation_id == Reservation.id)
        .outerjoin(rooms, rooms.c.reservation_id == Reservation.id)
        .where(Reservation.property_id == prop.id, *period.where(Reservation.arrival))
        .order_by(Reservation.arrival, Reservation.id)
    )  # fmt: skip
    for stay, guest, room_type, plan, room, tax, number in _stream(session, query):
        yield {
            "external_ref": stay.external_ref or stay.confirmation,
            "first_name": guest.first_name, "last_name": guest.last_name, "email": guest.email,
            "phone": guest.phone, "country": guest.country,
            "arrival": stay.arrival, "departure": stay.departure, "room_type": room_type,
            "rate_plan": plan, "company": stay.company or "", "adults": stay.adults,
            "children": stay.children,
            "status": stay.status, "room": number or "",
            "total": from_minor(int(room or 0) + int(tax or 0), prop.currency),
            "source": stay.source,
        }  # fmt: skip


def _rates(session: Session, prop: Property, period: Period) -> Iterator[Row]:
    query = (
        select(Rate, RatePlan.code, RoomType.code)
        .join(RatePlan, RatePlan.id == Rate.rate_plan_id)
        .join(RoomType, RoomType.id == Rate.room_type_id)
        .where(RatePlan.property_id == prop.id, *period.where(Rate.night))
        .order_by(RatePlan.code, RoomType.code, Rate.night)
    )
    for rate, plan, room_type in _stream(session, query):
        yield {
            "plan": plan, "room_type": room_type, "from": rate.night, "to": rate.night,
            "price": "" if rate.price is None else from_minor(rate.price, prop.currency),
            "min_los": rate.min_los, "max_los": rate.max_los,
            "closed_to_arrival": rate.closed_to_arrival,
            "closed_to_departure": rate.closed_to_departure, "stop_sell": rate.stop_sell,
        }  # fmt: skip


def _postings(session: Session, prop: Property, period: Period) -> Iterator[Row]:
    # Columns, not entities: the journal is the longest export, and building an ORM object
    # per posting would cost more than the rest of the row's way to the file.
    query = (
        select(
            Posting.business_date, Posting.id.label("posting"), Posting.posted_at,
            Posting.folio_id.label("folio"), Folio.name.label("folio_name"),
            Reservation.confirmation, Posting.kind, Posting.code, Posting.description,
            Posting.amount, Posting.vat_code, Posting.vat_amount.label("vat"),
            Posting.reverses_id.label("reverses"), Posting.reason,
            Posting.username.label("user"), Posting.imported, Posting.unique_key,
        )
        .join(Folio, Folio.id == Posting.folio_id)
        .outerjoin(Reservation, Reservation.id == Folio.reservation_id)
        .where(Folio.property_id == prop.id, *period.where(Posting.business_date))
        .order_by(Posting.business_date, Posting.id)
    )  # fmt: skip
    currency, exponent = prop.currency, -minor_exponent(prop.currency)
    rows = _stream(session, query)
    while batch := list(islice(rows, BATCH)):
        for line in _with_room_vat(session, [row._asdict() for row in batch]):
            del line["unique_key"]
            line["confirmation"] = line["confirmation"] or ""
            line["amount"] = Decimal(line["amount"]).scaleb(exponent)
            line["vat_code"] = line["vat_code"] or ""
            line["vat"] = "" if line["vat"] is None else Decimal(line["vat"]).scaleb(exponent)
            line["reverses"] = line["reverses"] or ""
            yield line | {"currency": currency}


def _with_room_vat(session: Session, lines: list[Row]) -> list[Row]:
    """The lines with the VAT inside each room night (a VAT-inclusive sheet's), as the invoice
    states it: the night's stored tax, the share the posted amount carries. An extra's VAT is
    its own column already; a night with several taxes inside gives their codes and sum."""
    nights = {line["posting"]: night for line in lines
              if line["code"] == "ROOM" and (night := night_of(line["unique_key"]))}  # fmt: skip
    if not nights:
        return lines
    prices, inside = prices_and_taxes_inside(session, set(nights.values()))
    for line in lines:
        if (night := nights.get(line["posting"])) is None or not inside.get(night):
            continue
        price = prices.get(night, 0)
        shares = {code: included_share(tax, line["amount"], price)
                  for code, tax in sorted(inside[night].items())}  # fmt: skip
        line["vat_code"], line["vat"] = "+".join(shares), sum(shares.values())
    return lines


def _invoices(session: Session, prop: Property, period: Period) -> Iterator[Row]:
    stay = aliased(Reservation)
    query = (
        select(Invoice, Folio.name, stay.confirmation)
        .join(Folio, Folio.id == Invoice.folio_id)
        .outerjoin(stay, stay.id == Folio.reservation_id)
        .where(Invoice.property_id == prop.id, *period.where(Invoice.business_date))
        .order_by(Invoice.number)
    )
    for invoice, folio, confirmation in _stream(session, query):
        yield {
            "number": invoice.number, "business_date": invoice.business_date,
            "issued_at": invoice.issued_at, "folio": invoice.folio_id, "folio_name": folio,
            "confirmation": confirmation or "",
            "total": from_minor(invoice.total, prop.currency), "currency": prop.currency,
            "user": invoice.username,
        }  # fmt: skip


def _payments(session: Session, prop: Property, period: Period) -> Iterator[Row]:
    query = (
        select(Payment, Reservation.confirmation)
        .join(Folio, Folio.id == Payment.folio_id)
        .outerjoin(Reservation, Reservation.id == Folio.reservation_id)
        .where(Folio.property_id == prop.id, *period.where(func.date(Payment.created_at)))
        .order_by(Payment.id)
    )
    for payment, confirmation in _stream(session, query):
        money = {
            name: from_minor(getattr(payment, name), payment.currency)
            for name in ("amount", "captured", "refunded")
        }
        yield {
            "payment": payment.id, "created_at": payment.created_at, "folio": payment.folio_id,
            "confirmation": confirmation or "", "gateway": payment.gateway,
            "state": payment.state, **money, "currency": payment.currency,
            "reference": payment.reference, "user": payment.username,
        }  # fmt: skip


def _statistics(session: Session, prop: Property, period: Period) -> Iterator[Row]:
    query = (
        select(DailyStatistic, RoomType.code)
        .join(RoomType, RoomType.id == DailyStatistic.room_type_id)
        .where(DailyStatistic.property_id == prop.id, *period.where(DailyStatistic.business_date))
        .order_by(DailyStatistic.business_date, RoomType.code)
    )
    for stat, room_type in _stream(session, query):
        counts = {name: getattr(stat, name) for name in STATISTIC_COUNTS}
        money = {name: from_minor(getattr(stat, name), prop.currency) for name in STATISTIC_MONEY}
        yield {
            "business_date": stat.business_date, "room_type": room_type, **counts, **money,
            "currency": prop.currency,
        }  # fmt: skip


#: Every kind of export's columns, in their order: the header of a CSV file, written even when
#: no row falls in the period, so a script reading the file finds its columns every day.
EXPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "guests": GUEST_COLUMNS,
    "reservations": ("external_ref", "first_name", "last_name", "email", "phone", "country",
                     "arrival", "departure", "room_type", "rate_plan", "company", "adults",
                     "children", "status", "room", "total", "source"),
    "rates": ("plan", "room_type", "from", "to", "price", "min_los", "max_los",
              "closed_to_arrival", "closed_to_departure", "stop_sell"),
    "postings": ("business_date", "posting", "posted_at", "folio", "folio_name", "confirmation",
                 "kind", "code", "description", "amount", "vat_code", "vat", "reverses",
                 "reason", "user", "imported", "currency"),
    "invoices": ("number", "business_date", "issued_at", "folio", "folio_name", "confirmation",
                 "total", "currency", "user"),
    "payments": ("payment", "created_at", "folio", "confirmation", "gateway", "state", "amount",
                 "captured", "refunded", "currency", "reference", "user"),
    "statistics": ("business_date", "room_type", *STATISTIC_COUNTS, *STATISTIC_MONEY,
                   "currency"),
}  # fmt: skip

#: Every kind of export: its rows, read as a stream.
EXPORTS: dict[str, Callable[[Session, Property, Period], Iterator[Row]]] = {
    "guests": _guests,
    "reservations": _reservations,
    "rates": _rates,
    "postings": _postings,
    "invoices": _invoices,
    "payments": _payments,
    "statistics": _statistics,
}


def export_to(
    session: Session,
    kind: str,
    property_code: str | None,
    dates: tuple[str | None, str | None],
    out: TextIO,
    file_format: str,
) -> int:
    """Write the export of the days `dates` names (as typed: `1.12`, `today`; None: open) to
    `out`, inside the reading transaction; returns the rows written. Managers and admins
    only: an export carries every guest's personal data."""
    require(session, "export.run")
    today = resolve_property(session, property_code).business_date
    first, last = (
        parse_date(text, today, field=name) if text else None
        for text, name in zip(dates, ("from", "to"), strict=True)
    )
    rows = export_rows(session, kind, property_code, Period(first, last))
    return write_rows(out, rows, file_format, header=EXPORT_COLUMNS[kind.strip().lower()])


def export_rows(
    session: Session, kind: str, property_code: str | None, period: Period
) -> Iterator[Row]:
    """The rows of one kind at the property within the period, streamed."""
    wanted = kind.strip().lower()
    if wanted not in EXPORTS:
        raise InvalidInput("kind", f"{kind!r} is not a kind of export ({', '.join(EXPORTS)})")
    if period.first and period.last and period.last < period.first:
        raise InvalidInput("to", f"--to {period.last} is before --from {period.first}")
    return EXPORTS[wanted](session, resolve_property(session, property_code), period)
