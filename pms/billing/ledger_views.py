"""Reading folios: the plain views the folio screen, the CLI and the invoices show.

A folio's balance is always the sum of its postings, computed here and never stored. A posting
is `reversed` when a later posting on the same folio points back at it (a correction or the
outgoing half of a transfer); both stay in the ledger, and views show them so.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.folios import Folio, Invoice, Posting
from db.models import Guest, Property, Reservation
from pms.guests.contact import display_name
from pms.hotel.properties import resolve_property
from pms.kernel.errors import NotFound
from pms.kernel.money import format_money
from pms.stays.reservation_views import load_reservation

#: The name of a stay's main folio, created on first use.
GUEST_FOLIO = "Guest"


@dataclass(frozen=True)
class PostingView:
    """One line of a folio as the desk shows it (amounts in minor units, payments negative)."""

    id: int
    folio_id: int
    business_date: dt.date
    posted_at: dt.datetime | None
    kind: str
    code: str
    description: str
    amount: int
    username: str
    reason: str
    reverses_id: int | None
    reversed: bool
    transfer_group: str | None
    payment_id: int | None
    #: History from another PMS, booked and invoiced there.
    imported: bool = False
    #: The VAT inside the line (an extra's), as it was posted; None when it carries none.
    vat_code: str | None = None
    vat_amount: int | None = None

    @property
    def is_reversal(self) -> bool:
        """True for a correcting posting (or the outgoing half of a transfer)."""
        return self.reverses_id is not None

    @property
    def reversible(self) -> bool:
        """A posting can be reversed once, and a reversal never."""
        return not self.reversed and not self.is_reversal and self.kind != "transfer"


@dataclass(frozen=True)
class FolioView:
    """A folio with its postings and balance; `version` goes back with any change to it."""

    id: int
    name: str
    kind: str
    status: str
    property_code: str
    confirmation: str | None
    guest_name: str
    currency: str
    postings: list[PostingView]
    balance: int
    version: int
    invoice_number: int | None

    @property
    def is_open(self) -> bool:
        """True while postings may still be added."""
        return self.status == "open"

    @property
    def label(self) -> str:
        """`Guest of AB12-CD34`, or a city-ledger account's own name."""
        return f"{self.name} of {self.confirmation}" if self.confirmation else self.name

    @property
    def balance_text(self) -> str:
        """The balance as money, for people."""
        return format_money(self.balance, self.currency)


@dataclass(frozen=True)
class StayFolios:
    """A stay's folios together, the guest's own first: what the desk settles before the guest
    leaves. The stay owes the sum of its folios' balances; it is settled only when every folio
    is at zero (a credit on one folio does not pay another's charges)."""

    folios: list[FolioView]

    @property
    def balance(self) -> int:
        """What the stay owes on all its folios together (negative: in credit)."""
        return sum(f.balance for f in self.folios)

    @property
    def guest_balance(self) -> int:
        """What the guest's own folio owes (0 before it is opened): the payment offered."""
        return next((f.balance for f in self.folios if f.kind == "guest"), 0)

    @property
    def settled(self) -> bool:
        """True when every folio is at zero, so the stay may check out."""
        return all(f.balance == 0 for f in self.folios)


def folio_label(folio: Folio, confirmation: str | None) -> str:
    """`Guest of AB12-CD34` for a stay's folio, the account name for a city-ledger one."""
    return f"{folio.name} of {confirmation}" if confirmation else folio.name


def aware(moment: dt.datetime | None) -> dt.datetime | None:
    """A stored timestamp with its zone: SQLite hands UTC times back without one."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment


def balance_of(session: Session, folio_id: int) -> int:
    """The folio's balance: the sum of its postings (what the guest owes; negative = credit)."""
    total = session.scalar(
        select(func.coalesce(func.sum(Posting.amount), 0)).where(Posting.folio_id == folio_id)
    )
    return int(total or 0)


def load_folio(session: Session, folio_id: int) -> Folio:
    """The folio with this id."""
    folio = session.get(Folio, folio_id)
    if folio is None:
        raise NotFound(f"there is no folio {folio_id}")
    return folio


def posting_views(postings: list[Posting]) -> list[PostingView]:
    """Postings of one folio as views, each marked when a later one reverses it."""
    reversed_ids = {p.reverses_id for p in postings if p.reverses_id is not None}
    return [
        PostingView(
            id=p.id,
            folio_id=p.folio_id,
            business_date=p.business_date,
            posted_at=aware(p.posted_at),
            kind=p.kind,
            code=p.code,
            description=p.description,
            amount=p.amount,
            username=p.username,
            reason=p.reason,
            reverses_id=p.reverses_id,
            reversed=p.id in reversed_ids,
            transfer_group=p.transfer_group,
            payment_id=p.payment_id,
            imported=p.imported,
            vat_code=p.vat_code,
            vat_amount=p.vat_amount,
        )
        for p in postings
    ]


def _views(session: Session, folios: list[Folio]) -> list[FolioView]:
    """Views of several folios with two queries for their postings and invoices."""
    if not folios:
        return []
    ids = [f.id for f in folios]
    by_folio: dict[int, list[Posting]] = defaultdict(list)
    for posting in session.scalars(
        select(Posting).where(Posting.folio_id.in_(ids)).order_by(Posting.id)
    ):
        by_folio[posting.folio_id].append(posting)
    numbers = dict(
        session.execute(
            select(Invoice.folio_id, Invoice.number).where(Invoice.folio_id.in_(ids))
        ).all()
    )
    owners = _owners(session, folios)
    views = []
    for folio in folios:
        prop = session.get(Property, folio.property_id)
        assert prop is not None
        confirmation, guest_name = owners.get(folio.id, (None, ""))
        postings = by_folio[folio.id]
        views.append(
            FolioView(
                id=folio.id,
                name=folio.name,
                kind=folio.kind,
                status=folio.status,
                property_code=prop.code,
                confirmation=confirmation,
                guest_name=guest_name,
                currency=prop.currency,
                postings=posting_views(postings),
                balance=sum(p.amount for p in postings),
                version=folio.version,
                invoice_number=numbers.get(folio.id),
            )
        )
    return views


def _owners(session: Session, folios: list[Folio]) -> dict[int, tuple[str, str]]:
    """Folio id → (confirmation, guest's display name) for folios of stays."""
    stays = {f.reservation_id for f in folios if f.reservation_id is not None}
    if not stays:
        return {}
    rows = session.execute(
        select(Reservation.id, Reservation.confirmation, Guest)
        .join(Guest, Guest.id == Reservation.guest_id)
        .where(Reservation.id.in_(stays))
    ).all()
    by_stay = {rid: (confirmation, display_name(guest)) for rid, confirmation, guest in rows}
    return {f.id: by_stay[f.reservation_id] for f in folios if f.reservation_id in by_stay}


def folio_view(session: Session, folio_id: int) -> FolioView:
    """One folio, with its postings and balance."""
    return _views(session, [load_folio(session, folio_id)])[0]


def folios_of(session: Session, confirmation: str) -> list[FolioView]:
    """The folios of a stay, the guest's own first (none before anything is posted)."""
    reservation = load_reservation(session, confirmation)
    folios = list(
        session.scalars(
            select(Folio).where(Folio.reservation_id == reservation.id).order_by(Folio.id)
        )
    )
    folios.sort(key=lambda f: (f.name != GUEST_FOLIO, f.id))
    return _views(session, folios)


def stay_folios(session: Session, confirmation: str) -> StayFolios:
    """The folios of a stay with what it owes on them together."""
    return StayFolios(folios_of(session, confirmation))


def city_ledger_accounts(session: Session, property_code: str | None = None) -> list[FolioView]:
    """The property's city-ledger (direct-bill) accounts, by name."""
    prop = resolve_property(session, property_code)
    folios = list(
        session.scalars(
            select(Folio)
            .where(Folio.property_id == prop.id, Folio.kind == "city_ledger")
            .order_by(Folio.name)
        )
    )
    return _views(session, folios)
