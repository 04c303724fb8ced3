"""Correcting a folio: reversing a posting with its exact opposite, and transferring one to
another folio of the property as a pair of lines sharing a transfer group. Both keep the ledger
append-only, need a reason, and happen at most once per posting (UNIQUE reverses_id); payments
are refunded instead (`pms.payments.refunds`) and city-ledger transfers are not moved again."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.folios import Folio, Posting
from db.models import Reservation, ReservationStatus
from pms.billing.codes import POINTS_PAYMENT
from pms.billing.ledger import (
    append_posting,
    label_of,
    lock_folio,
    lock_pair,
    property_of,
    require_reason,
)
from pms.billing.ledger_views import PostingView, load_folio, posting_views
from pms.kernel.errors import InvalidInput, InvalidTransition, NotFound
from pms.kernel.permissions import require


def _refuse_unless_in_house(session: Session, source: Folio, target: Folio) -> None:
    """A posting moves onto a city-ledger account, another folio of its own stay (a split
    bill), or a folio of a stay in the house: a stay that has not arrived, has left or was
    cancelled takes no one else's bill."""
    if target.kind == "city_ledger" or target.reservation_id in (None, source.reservation_id):
        return
    status = session.scalar(
        select(Reservation.status).where(Reservation.id == target.reservation_id)
    )
    if status != ReservationStatus.CHECKED_IN:
        raise InvalidTransition(
            f"folio {label_of(session, target)} belongs to a stay that is {status}: "
            "move postings only to an in-house stay or a city-ledger account"
        )


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
    if posting.code == POINTS_PAYMENT:
        raise InvalidTransition(
            f"posting {posting_id} was paid with loyalty points — give the points back instead"
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


def _negated_vat(posting: Posting) -> tuple[str | None, int | None]:
    """The VAT a posting's opposite carries: its own, negated (none if it had none)."""
    if posting.vat_amount is None:
        return None, None
    return posting.vat_code, -posting.vat_amount


def reverse_posting(
    session: Session, posting_id: int, reason: str, *, expected_version: int | None = None
) -> PostingView:
    """Correct a posting with its exact opposite, with a reason. Once only; a posting of an
    earlier business date needs a supervisor."""
    reason = require_reason(reason, "a reversal")
    posting, folio = _movable(session, posting_id, "reversed")
    business_date = property_of(session, folio).business_date
    if posting.business_date < business_date:
        require(
            session,
            "posting.reverse_earlier_day",
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
        vat=_negated_vat(posting),
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
        require(session, "posting.city_ledger")
    _refuse_unless_in_house(session, source, target)
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
        vat=_negated_vat(posting),
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
        vat=(posting.vat_code, posting.vat_amount),
    )
    return posting_views([moved])[0]
