"""A stay's folios: the guest's own and split ones, routing rules that send postings of a
code to another folio, the clerk's charges, reversals and transfers, fees, the night's room
and tax, and (re-exported from pms.city_ledger) the direct-bill accounts that settle later.

Every posting goes through `pms.ledger.post` (or its append for reversals and transfers), so
the rules of the ledger hold here too: append-only, one reversal per posting, a closed folio
takes nothing, concurrent changes to one folio take turns.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.folios import Folio, Posting, RoutingRule
from db.models import Reservation, Role, Tax
from pms.audit import record
from pms.city_ledger import open_city_ledger, transfer_to_city_ledger
from pms.desk import require_role
from pms.errors import InvalidInput, InvalidTransition, NotFound, RetryableConflict
from pms.invoices import InvoiceView
from pms.ledger import (
    ALL_TAXES,
    KINDS,
    NOT_BY_HAND,
    TAX_PREFIX,
    TRANSACTION_CODES,
    append_posting,
    close_folio,
    label_of,
    lock_folio,
    lock_pair,
    post,
    posting_by_key,
    property_of,
    require_reason,
    transaction_code,
)
from pms.ledger_views import (
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
from pms.reservation_views import load_reservation, stored_quotes

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
    "reverse_posting",
    "routing_of",
    "set_routing",
    "transaction_code",
    "transfer_posting",
    "transfer_to_city_ledger",
]

# --- a stay's folios and routing -----------------------------------------------------------


def _stay_folio(session: Session, reservation: Reservation, name: str) -> Folio | None:
    return session.scalar(
        select(Folio).where(Folio.reservation_id == reservation.id, Folio.name == name)
    )


def folio_named(session: Session, reservation: Reservation, name: str = GUEST_FOLIO) -> Folio:
    """The stay's folio of this name; the guest folio is opened on first use."""
    name = " ".join(name.split())
    if name == GUEST_FOLIO:
        return guest_folio(session, reservation)
    folio = _stay_folio(session, reservation, name)
    if folio is None:
        raise NotFound(f"{reservation.confirmation} has no folio named {name!r}")
    return folio


def _create_folio(session: Session, reservation: Reservation, name: str, kind: str) -> Folio:
    folio = Folio(
        property_id=reservation.property_id, reservation_id=reservation.id, name=name, kind=kind
    )
    session.add(folio)
    try:
        session.flush()
    except IntegrityError as exc:  # another desk opened it first: run again and use theirs
        raise RetryableConflict("folio created twice at once") from exc
    record(session, "create", "folio", folio.id, after={"name": name, "kind": kind})
    return folio


def guest_folio(session: Session, reservation: Reservation) -> Folio:
    """The stay's main folio ("Guest"), opened on first use."""
    return _stay_folio(session, reservation, GUEST_FOLIO) or _create_folio(
        session, reservation, GUEST_FOLIO, "guest"
    )


def _routing_keys(code: str) -> list[str]:
    return [code, ALL_TAXES] if code.startswith(TAX_PREFIX) else [code]


def _routed_folio(session: Session, reservation: Reservation, code: str) -> Folio | None:
    keys = _routing_keys(code)
    rules = dict(
        session.execute(
            select(RoutingRule.code, RoutingRule.folio_id).where(
                RoutingRule.reservation_id == reservation.id, RoutingRule.code.in_(keys)
            )
        ).all()
    )
    for key in keys:  # the exact code wins over "all taxes"
        if key in rules:
            return session.get(Folio, rules[key])
    return None


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
    folio = _routed_folio(session, reservation, code) or guest_folio(session, reservation)
    return post(
        session, folio, code=code, amount=amount, description=description, unique_key=unique_key
    )


def post_room_night(session: Session, reservation: Reservation, night: dt.date) -> list[Posting]:
    """Post one night's room and (added) tax lines as the guest accepted them, each once.

    Taxes included in the price are inside the room line and are not posted again.
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
    if quote.room:
        postings.append(
            post_to_stay(
                session,
                reservation,
                code="ROOM",
                amount=quote.room,
                description=f"Room, night of {night:%d %b %Y}",
                unique_key=f"{key}:ROOM",
            )
        )
    for tax in quote.taxes:
        if not tax.included and tax.amount:
            postings.append(
                post_to_stay(
                    session,
                    reservation,
                    code=f"{TAX_PREFIX}{tax.code}",
                    amount=tax.amount,
                    description=f"{tax_names.get(tax.code, tax.code)}, night of {night:%d %b %Y}",
                    unique_key=f"{key}:{TAX_PREFIX}{tax.code}",
                )
            )
    return postings


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


def add_folio(session: Session, confirmation: str, name: str, kind: str = "guest") -> FolioView:
    """Open another folio on a stay (split billing), e.g. "Company" for room and tax."""
    reservation = load_reservation(session, confirmation)
    name = " ".join(name.split())
    if not name or len(name) > 80:
        raise InvalidInput("name", "a folio needs a name of 1 to 80 characters")
    if kind not in ("guest", "company"):
        raise InvalidInput("kind", f"a stay's folio is a guest or company folio, not {kind!r}")
    if _stay_folio(session, reservation, name) is not None:
        raise InvalidInput("name", f"{reservation.confirmation} already has a folio named {name!r}")
    folio = _create_folio(session, reservation, name, kind)
    return folio_view(session, folio.id)


def routing_of(session: Session, confirmation: str) -> dict[str, str]:
    """The stay's routing rules: transaction code → folio name."""
    reservation = load_reservation(session, confirmation)
    rows = session.execute(
        select(RoutingRule.code, Folio.name)
        .join(Folio, Folio.id == RoutingRule.folio_id)
        .where(RoutingRule.reservation_id == reservation.id)
        .order_by(RoutingRule.code)
    ).all()
    return dict(rows)


def set_routing(
    session: Session, confirmation: str, codes: Iterable[str], folio_name: str
) -> dict[str, str]:
    """Send the stay's future postings of these codes to `folio_name` ("TAX" means every tax).

    Routing to the guest folio removes the rules; another name opens a company folio of that
    name when the stay has none. Postings already made stay where they are (transfer them).
    """
    reservation = load_reservation(session, confirmation)
    wanted = []
    for raw in codes:
        code = raw.strip().upper()
        if code != ALL_TAXES and transaction_code(code)[0] in NOT_BY_HAND:
            raise InvalidInput("code", f"{code} is a payment or transfer and is not routed")
        wanted.append(code)
    if not wanted:
        raise InvalidInput("codes", "name at least one transaction code to route")
    name = " ".join(folio_name.split()) or GUEST_FOLIO
    session.execute(
        delete(RoutingRule).where(
            RoutingRule.reservation_id == reservation.id, RoutingRule.code.in_(wanted)
        )
    )
    if name != GUEST_FOLIO:
        folio = _stay_folio(session, reservation, name) or _create_folio(
            session, reservation, name, "company"
        )
        session.add_all(
            RoutingRule(reservation_id=reservation.id, code=code, folio_id=folio.id)
            for code in dict.fromkeys(wanted)
        )
    session.flush()
    record(session, "route", "reservation", reservation.id, after={"codes": wanted, "folio": name})
    return routing_of(session, confirmation)


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
    sends it or on the named folio. Payments and refunds go through pms.payments instead."""
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
        folio = _routed_folio(session, reservation, code) or guest_folio(session, reservation)
    posting = post(
        session,
        folio,
        code=code,
        amount=amount,
        description=description,
        expected_version=expected_version,
    )
    return posting_views([posting])[0]


def _movable(session: Session, posting_id: int, doing: str) -> tuple[Posting, Folio]:
    """The posting and its folio, refused when it cannot be reversed or moved."""
    posting = session.get(Posting, posting_id)
    if posting is None:
        raise NotFound(f"there is no posting {posting_id}")
    if posting.reverses_id is not None:
        what = "a transfer" if posting.transfer_group else "a reversal"
        raise InvalidTransition(f"posting {posting_id} is itself {what} and cannot be {doing}")
    if posting.kind == "transfer":
        raise InvalidTransition(
            f"posting {posting_id} moved a balance to or from the city ledger and cannot be {doing}"
        )
    if posting.payment_id is not None:
        raise InvalidTransition(
            f"posting {posting_id} belongs to payment {posting.payment_id} — refund it instead"
        )
    return posting, load_folio(session, posting.folio_id)


def _refuse_if_reversed(session: Session, posting: Posting) -> None:
    earlier = session.scalar(select(Posting).where(Posting.reverses_id == posting.id))
    if earlier is not None:
        if earlier.transfer_group:
            raise InvalidTransition(
                f"posting {posting.id} was already transferred to another folio"
            )
        raise InvalidTransition(
            f"posting {posting.id} was already reversed by posting {earlier.id} "
            f"({earlier.username}: {earlier.reason})"
        )


def reverse_posting(
    session: Session, posting_id: int, reason: str, *, expected_version: int | None = None
) -> PostingView:
    """Correct a posting with its exact opposite, with a reason. Once only; a posting of an
    earlier business date needs a supervisor."""
    reason = require_reason(reason, "a reversal")
    posting, folio = _movable(session, posting_id, "reversed")
    business_date = property_of(session, folio).business_date
    if posting.business_date < business_date:
        require_role(
            session,
            Role.SUPERVISOR,
            f"reversing a posting of an earlier business date ({posting.business_date})",
        )
    lock_folio(session, folio, expected_version)
    _refuse_if_reversed(session, posting)
    reversal = append_posting(
        session,
        folio,
        kind=posting.kind,
        code=posting.code,
        amount=-posting.amount,
        description=f"Reversal: {posting.description}",
        reason=reason,
        reverses_id=posting.id,
        action="reverse",
    )
    return posting_views([reversal])[0]


def transfer_posting(
    session: Session,
    posting_id: int,
    to_folio_id: int,
    reason: str,
    *,
    expected_version: int | None = None,
) -> PostingView:
    """Move a posting to another folio of the property (a split folio, another room's, or a
    city-ledger account — that one a supervisor's call): its opposite on the source and the
    same line on the target, sharing a transfer group. Returns the line on the target."""
    reason = require_reason(reason, "a transfer")
    posting, source = _movable(session, posting_id, "transferred")
    target = load_folio(session, to_folio_id)
    if target.id == source.id:
        raise InvalidInput("folio", f"posting {posting_id} is on that folio already")
    if target.property_id != source.property_id:
        raise InvalidInput("folio", "postings move only between folios of one property")
    if "city_ledger" in (source.kind, target.kind):
        require_role(session, Role.SUPERVISOR, "moving a posting to or from the city ledger")
    lock_pair(session, source, target, expected_version)
    _refuse_if_reversed(session, posting)
    group = uuid.uuid4().hex
    append_posting(
        session,
        source,
        kind=posting.kind,
        code=posting.code,
        amount=-posting.amount,
        description=f"Transferred to {label_of(session, target)}",
        reason=reason,
        reverses_id=posting.id,
        transfer_group=group,
        action="transfer",
    )
    moved = append_posting(
        session,
        target,
        kind=posting.kind,
        code=posting.code,
        amount=posting.amount,
        description=posting.description,
        reason=reason,
        transfer_group=group,
        action="transfer",
    )
    return posting_views([moved])[0]


def close_stay_folios(session: Session, confirmation: str) -> list[InvoiceView]:
    """Close every open folio of the stay that has postings, for check-out: all or none (the
    first with a balance refuses, and the transaction undoes the others). Folios that were
    never used stay open and unbilled."""
    reservation = load_reservation(session, confirmation)
    folios = list(
        session.scalars(
            select(Folio).where(Folio.reservation_id == reservation.id, Folio.status == "open")
        )
    )
    used = set(
        session.scalars(
            select(Posting.folio_id).where(Posting.folio_id.in_([f.id for f in folios]))
        )
    )
    folios = sorted(folios, key=lambda f: (f.name != GUEST_FOLIO, f.id))  # the guest's first
    return [close_folio(session, f.id) for f in folios if f.id in used]
