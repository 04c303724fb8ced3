"""Invoices as the desk reads them: a closed folio with its number in the property's gap-free
sequence, as the view that is shown and printed (`pms.billing.invoices` writes the files).

The number is taken when the folio closes (`pms.billing.closing.close_folio`); this module only
reads. An invoice shows what the guest owes and paid, not the ledger's corrections: a posting and
the posting that reverses it (a correction, or a line transferred to another folio) cancel out and
are left off, so the lines always add up to the folio's sum.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.folios import Folio, Invoice, Posting
from db.models import Guest, Property, Reservation, Tax
from pms.billing.ledger_views import aware
from pms.guests.contact import display_name
from pms.hotel.properties import resolve_property
from pms.kernel.errors import NotFound
from pms.kernel.money import format_money, included_share
from pms.stays.night_prices import NightKey, night_of, prices_and_taxes_inside

#: Posting kinds that settle a bill rather than add to it.
SETTLING = frozenset({"payment", "refund", "transfer"})


def settles(posting: Posting) -> bool:
    """True for a payment, refund or balance moved away; a balance moved *in* (a stay's bill
    on a city-ledger account) is something billed, not settled."""
    return posting.kind in SETTLING and not (posting.kind == "transfer" and posting.amount > 0)


@dataclass(frozen=True)
class InvoiceLine:
    """One line of an invoice (minor units; payments negative as on the folio)."""

    date: dt.date
    code: str
    description: str
    amount: int


@dataclass(frozen=True)
class TaxSummary:
    """The invoice's total of one tax."""

    code: str
    name: str
    amount: int


@dataclass(frozen=True)
class InvoiceView:
    """An issued invoice: who, what, the taxes in it and how it was settled."""

    property_code: str
    property_name: str
    property_city: str
    number: int
    business_date: dt.date
    issued_at: dt.datetime
    issued_by: str
    folio_id: int
    folio_name: str
    confirmation: str | None
    guest_name: str
    arrival: dt.date | None
    departure: dt.date | None
    currency: str
    lines: list[InvoiceLine]
    taxes: list[TaxSummary]
    payments: list[InvoiceLine]
    total: int

    @property
    def number_text(self) -> str:
        """`TST-000042`: the property's code and the sequence number."""
        return f"{self.property_code}-{self.number:06d}"

    @property
    def paid(self) -> int:
        """What settled the bill (payments less refunds, transfers to other accounts)."""
        return -sum(p.amount for p in self.payments)

    @property
    def balance(self) -> int:
        """Total less what settled it: zero for every invoice issued on close."""
        return self.total - self.paid

    def money(self, amount: int) -> str:
        """An amount in the invoice's currency, for people."""
        return format_money(amount, self.currency)


def visible_postings(postings: list[Posting]) -> list[Posting]:
    """The postings an invoice shows: all but reversed ones and the reversals of them."""
    reversed_ids = {p.reverses_id for p in postings if p.reverses_id is not None}
    return [p for p in postings if p.reverses_id is None and p.id not in reversed_ids]


def _tax_names(session: Session, property_id: int) -> dict[str, str]:
    rows = session.execute(select(Tax.code, Tax.name).where(Tax.property_id == property_id)).all()
    return {f"TAX-{code}": name for code, name in rows}


def _tax_summaries(session: Session, property_id: int, shown: list[Posting]) -> list[TaxSummary]:
    """The total of each tax among the lines shown, named as the property names it: the taxes
    added to the price (their own lines) and those inside it (VAT in a VAT-inclusive price,
    which an invoice must state although it is no line of its own): the room's, from the
    stay's nights, and the extras', as each line was posted with it."""
    names = _tax_names(session, property_id)
    tax_totals: dict[str, int] = _taxes_inside(session, shown)
    for p in shown:
        if p.kind == "tax":
            tax_totals[p.code] = tax_totals.get(p.code, 0) + p.amount
        if p.vat_code is not None and p.vat_amount:
            code = f"TAX-{p.vat_code}"
            tax_totals[code] = tax_totals.get(code, 0) + p.vat_amount
    return [
        TaxSummary(code.removeprefix("TAX-"), names.get(code, code.removeprefix("TAX-")), amount)
        for code, amount in sorted(tax_totals.items())
    ]


def _taxes_inside(session: Session, shown: list[Posting]) -> dict[str, int]:
    """By tax code, the taxes inside the room nights shown: each night's stored included tax,
    the share of it that the posted amount carries (a half-price day use carries half)."""
    posted: dict[NightKey, int] = {}
    for p in shown:
        if p.code == "ROOM" and (night := night_of(p.unique_key)):
            posted[night] = posted.get(night, 0) + p.amount
    prices, inside = prices_and_taxes_inside(session, posted)
    totals: dict[str, int] = {}
    for night, amount in posted.items():
        for code, tax in inside.get(night, {}).items():
            share = included_share(tax, amount, prices.get(night, 0))
            totals[f"TAX-{code}"] = totals.get(f"TAX-{code}", 0) + share
    return {code: amount for code, amount in totals.items() if amount}


def _stay_of(
    session: Session, folio: Folio
) -> tuple[str | None, str | None, dt.date | None, dt.date | None]:
    """The confirmation, guest's name, arrival and departure of the folio's stay; all None for
    a city-ledger account, which belongs to no stay."""
    if folio.reservation_id is None:
        return None, None, None, None
    reservation, guest = session.execute(
        select(Reservation, Guest)
        .join(Guest, Guest.id == Reservation.guest_id)
        .where(Reservation.id == folio.reservation_id)
    ).one()
    return (
        reservation.confirmation,
        display_name(guest),
        reservation.arrival,
        reservation.departure,
    )


def build_invoice_view(session: Session, invoice: Invoice) -> InvoiceView:
    """The view of a stored invoice, built from its folio's postings."""
    folio = session.get(Folio, invoice.folio_id)
    prop = session.get(Property, invoice.property_id)
    assert folio is not None and prop is not None
    postings = list(
        session.scalars(select(Posting).where(Posting.folio_id == folio.id).order_by(Posting.id))
    )
    shown = visible_postings(postings)
    lines = [
        InvoiceLine(p.business_date, p.code, p.description, p.amount)
        for p in shown
        if not settles(p)
    ]
    payments = [
        InvoiceLine(p.business_date, p.code, p.description, p.amount) for p in shown if settles(p)
    ]
    taxes = _tax_summaries(session, prop.id, shown)
    confirmation, guest_name, arrival, departure = _stay_of(session, folio)
    return InvoiceView(
        property_code=prop.code,
        property_name=prop.name,
        property_city=prop.city,
        number=invoice.number,
        business_date=invoice.business_date,
        issued_at=aware(invoice.issued_at) or invoice.issued_at,
        issued_by=invoice.username,
        folio_id=folio.id,
        folio_name=folio.name,
        confirmation=confirmation,
        guest_name=guest_name or folio.name,
        arrival=arrival,
        departure=departure,
        currency=prop.currency,
        lines=lines,
        taxes=taxes,
        payments=payments,
        total=sum(line.amount for line in lines),
    )


def invoice_view(session: Session, property_code: str | None, number: int) -> InvoiceView:
    """The invoice with this number at the property."""
    prop = resolve_property(session, property_code)
    invoice = session.scalar(
        select(Invoice).where(Invoice.property_id == prop.id, Invoice.number == number)
    )
    if invoice is None:
        raise NotFound(f"{prop.code} has no invoice number {number}")
    return build_invoice_view(session, invoice)


def invoice_of_folio(session: Session, folio_id: int) -> InvoiceView:
    """The invoice a closed folio was billed with."""
    invoice = session.scalar(select(Invoice).where(Invoice.folio_id == folio_id))
    if invoice is None:
        raise NotFound(f"folio {folio_id} has not been invoiced — close it first")
    return build_invoice_view(session, invoice)


def list_invoices(
    session: Session, property_code: str | None = None, *, limit: int = 100
) -> list[tuple[int, dt.date, int]]:
    """The property's latest invoices as (number, business date, total), newest first."""
    prop = resolve_property(session, property_code)
    rows = session.execute(
        select(Invoice.number, Invoice.business_date, Invoice.total)
        .where(Invoice.property_id == prop.id)
        .order_by(Invoice.number.desc())
        .limit(limit)
    ).all()
    return [(number, day, total) for number, day, total in rows]
