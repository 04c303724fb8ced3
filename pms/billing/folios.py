"""Posting to a stay, and the one place the faces and other departments import billing from.

A stay's postings go to the folio its routing sends their code to (`pms.billing.stay_folios`):
the clerk's charges, the night's room and tax, the cancellation and no-show fees. The other folio
services are re-exported here: opening and routing a stay's folios, reversals and transfers
(`pms.billing.corrections`), closing with an invoice number (`pms.billing.closing`) and the
direct-bill accounts that settle later (`pms.billing.city_ledger`).

Every posting goes through `pms.billing.ledger.post` (or its append for reversals and transfers),
so the rules of the ledger hold everywhere: append-only, one reversal per posting, a closed folio
takes nothing, concurrent changes to one folio take turns.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.folios import Posting
from db.models import Reservation, Tax
from pms.billing.city_ledger import open_city_ledger, transfer_to_city_ledger
from pms.billing.closing import close_folio, close_unused_folio, reopen_folio
from pms.billing.codes import (
    ALL_TAXES,
    KINDS,
    NOT_BY_HAND,
    TAX_PREFIX,
    TRANSACTION_CODES,
    transaction_code,
)
from pms.billing.corrections import reverse_posting, transfer_posting
from pms.billing.invoice_views import InvoiceView
from pms.billing.ledger import post, posting_by_key
from pms.billing.ledger_views import (
    GUEST_FOLIO,
    FolioView,
    PostingView,
    balance_of,
    city_ledger_accounts,
    folio_view,
    folios_of,
    load_folio,
    posting_views,
)
from pms.billing.stay_folios import (
    add_folio,
    close_stay_folios,
    folio_named,
    guest_folio,
    routed_folio,
    routing_of,
    set_routing,
)
from pms.kernel.errors import InvalidInput
from pms.stays.reservation_views import load_reservation, stored_quotes

__all__ = [
    "ALL_TAXES",
    "GUEST_FOLIO",
    "KINDS",
    "TRANSACTION_CODES",
    "FolioView",
    "InvoiceView",
    "PostingView",
    "add_folio",
    "balance_of",
    "city_ledger_accounts",
    "close_folio",
    "close_stay_folios",
    "close_unused_folio",
    "folio_named",
    "folio_view",
    "folios_of",
    "guest_folio",
    "load_folio",
    "open_city_ledger",
    "post",
    "post_cancellation_fee",
    "post_charge",
    "post_no_show_fee",
    "post_room_night",
    "post_to_stay",
    "reopen_folio",
    "reverse_posting",
    "routing_of",
    "set_routing",
    "transaction_code",
    "transfer_posting",
    "transfer_to_city_ledger",
]


def post_to_stay(
    session: Session,
    reservation: Reservation,
    *,
    code: str,
    amount: int,
    description: str = "",
    unique_key: str | None = None,
) -> Posting:
    """Post to the folio the stay's routing sends this code to, else to the guest folio."""
    if existing := posting_by_key(session, unique_key):
        return existing
    code = code.strip().upper()
    folio = routed_folio(session, reservation, code) or guest_folio(session, reservation)
    return post(
        session, folio, code=code, amount=amount, description=description, unique_key=unique_key
    )


def post_room_night(
    session: Session, reservation: Reservation, night: dt.date, share: Decimal = Decimal(1)
) -> list[Posting]:
    """Post one night's room and (added) tax lines as the guest accepted them, each once.

    Taxes included in the price are inside the room line and are not posted again. `share`
    charges part of the night (a half-price day use), each line rounded half-up on its own.
    """
    quote = next((q for q in stored_quotes(reservation) if q.night == night), None)
    if quote is None:
        raise InvalidInput("night", f"{reservation.confirmation} has no night {night.isoformat()}")
    key = f"night:{reservation.id}:{night.isoformat()}"
    tax_names = dict(
        session.execute(
            select(Tax.code, Tax.name).where(Tax.property_id == reservation.property_id)
        ).all()
    )
    postings = []
    room = _part(quote.room, share)
    if room:
        postings.append(
            post_to_stay(
                session,
                reservation,
                code="ROOM",
                amount=room,
                description=f"Room, night of {night:%d %b %Y}",
                unique_key=f"{key}:ROOM",
            )
        )
    for tax in quote.taxes:
        if not tax.included and _part(tax.amount, share):
            postings.append(
                post_to_stay(
                    session,
                    reservation,
                    code=f"{TAX_PREFIX}{tax.code}",
                    amount=_part(tax.amount, share),
                    description=f"{tax_names.get(tax.code, tax.code)}, night of {night:%d %b %Y}",
                    unique_key=f"{key}:{TAX_PREFIX}{tax.code}",
                )
            )
    return postings


def _part(amount: int, share: Decimal) -> int:
    return int((amount * share).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def post_cancellation_fee(session: Session, reservation: Reservation) -> Posting | None:
    """Post the fee `cancel` recorded on the stay, once; None when there is no fee."""
    if reservation.cancellation_fee <= 0:
        return None
    return post_to_stay(
        session,
        reservation,
        code="CANCEL-FEE",
        amount=reservation.cancellation_fee,
        unique_key=f"cancel-fee:{reservation.id}",
    )


def post_no_show_fee(session: Session, reservation: Reservation, amount: int) -> Posting | None:
    """Post the no-show fee the guarantee policy sets, once; None when it is nothing."""
    if amount <= 0:
        return None
    return post_to_stay(
        session,
        reservation,
        code="NOSHOW-FEE",
        amount=amount,
        unique_key=f"noshow-fee:{reservation.id}",
    )


# --- clerk-facing services -----------------------------------------------------------------


def post_charge(
    session: Session,
    confirmation: str,
    code: str,
    amount: int,
    description: str = "",
    folio_name: str | None = None,
    *,
    expected_version: int | None = None,
) -> PostingView:
    """Post a charge (minibar, restaurant, an adjustment …) to a stay, where its routing
    sends it or on the named folio. Payments and refunds go through pms.payments.take instead."""
    reservation = load_reservation(session, confirmation)
    code = code.strip().upper()
    kind = transaction_code(code)[0]
    if kind in NOT_BY_HAND:
        raise InvalidInput("code", f"{code} is a {kind}: take it as a payment, not a charge")
    if kind != "adjustment" and amount <= 0:
        raise InvalidInput("amount", "a charge is a positive amount (reverse one to take it off)")
    if folio_name:
        folio = folio_named(session, reservation, folio_name)
    else:
        folio = routed_folio(session, reservation, code) or guest_folio(session, reservation)
    posting = post(
        session,
        folio,
        code=code,
        amount=amount,
        description=description,
        expected_version=expected_version,
    )
    return posting_views([posting])[0]
