"""The ledger underneath every folio: the one low-level append, and the lock every change to a
folio takes first.

Postings are appended, never changed; a correction is a reversing posting with a reason and a
user, and the balance is always the sum of the postings. Every change to a folio first bumps
its `version` with one guarded UPDATE (`… WHERE status = 'open'`), so two desks posting to one
folio take turns, a closed folio takes nothing more, and a clerk's stale screen
(`expected_version`) is refused instead of acting on old figures. The database backs the rest:
a posting is reversed at most once (UNIQUE reverses_id) and a night-audit posting exists once
(UNIQUE unique_key). What a posting's code means is `pms.billing.codes`; closing a folio with
its invoice number is `pms.billing.closing`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from db.folios import Folio, Invoice, Posting
from db.models import Property, Reservation, ReservationStatus
from pms.billing.codes import KINDS, transaction_code
from pms.billing.ledger_views import folio_label
from pms.billing.vat import vat_of_charge
from pms.hotel.amount_cap import check_amount_cap
from pms.kernel.audit import record
from pms.kernel.desk import actor_of
from pms.kernel.errors import ConcurrentChange, InvalidInput, InvalidTransition, RetryableConflict
from pms.kernel.validation import plain_text

#: What a cancelled or no-show stay may still take: its fee, and the payments that settle it.
_FEE_CODES = frozenset({"CANCEL-FEE", "NOSHOW-FEE"})
_SETTLING_KINDS = frozenset({"payment", "refund"})
_OVER = (ReservationStatus.CANCELLED, ReservationStatus.NO_SHOW)

#: Kinds that must post with one sign: charges add to the bill, payments take from it.
_SIGN = {"charge": 1, "tax": 1, "payment": -1, "refund": 1}


def property_of(session: Session, folio: Folio) -> Property:
    """The hotel the folio belongs to (its currency and business date)."""
    prop = session.get(Property, folio.property_id)
    assert prop is not None
    return prop


def label_of(session: Session, folio: Folio) -> str:
    """`Guest of AB12-CD34`, or a city-ledger account's name: how messages name a folio."""
    confirmation = None
    if folio.reservation_id is not None:
        confirmation = session.scalar(
            select(Reservation.confirmation).where(Reservation.id == folio.reservation_id)
        )
    return folio_label(folio, confirmation)


def refuse_if_stay_over(session: Session, folio: Folio, kind: str, code: str) -> None:
    """A stay that was cancelled or did not arrive takes only its fee and its settlement.
    (A stay that has left has every folio closed, so `lock_folio` refuses for it.)"""
    if folio.reservation_id is None:
        return
    status = session.scalar(
        select(Reservation.status).where(Reservation.id == folio.reservation_id)
    )
    if status in _OVER and kind not in _SETTLING_KINDS and code not in _FEE_CODES:
        raise InvalidTransition(
            f"{label_of(session, folio)} belongs to a {status.replace('_', '-')} stay: "
            "it takes only its fee and the payments that settle it"
        )


def lock_folio(
    session: Session, folio: Folio, expected_version: int | None = None, *, close: bool = False
) -> None:
    """Bump the folio's version (closing it if asked) while it is open and unchanged; the
    row lock this takes makes concurrent changes to one folio take turns."""
    table = Folio.__table__
    stmt = update(table).where(table.c.id == folio.id, table.c.status == "open")
    if expected_version is not None:
        stmt = stmt.where(table.c.version == expected_version)
    values: dict[str, Any] = {"version": table.c.version + 1}
    if close:
        values["status"] = "closed"
    new_version = session.execute(stmt.values(values).returning(table.c.version)).scalar()
    if new_version is None:
        status, version = session.execute(
            select(table.c.status, table.c.version).where(table.c.id == folio.id)
        ).one()
        label = label_of(session, folio)
        if status != "open":
            number = session.scalar(select(Invoice.number).where(Invoice.folio_id == folio.id))
            billed = f" (invoice {number})" if number else ""
            raise InvalidTransition(f"folio {label} is already closed{billed}")
        raise ConcurrentChange(
            f"folio {label} was changed by someone else (now version {version}) "
            "— reload it and try again"
        )
    set_committed_value(folio, "version", new_version)
    if close:
        set_committed_value(folio, "status", "closed")


def lock_pair(session: Session, first: Folio, second: Folio, expected: int | None) -> None:
    """Lock two folios in id order, so two opposite transfers cannot deadlock; `expected` is
    the version the clerk saw of the first."""
    for folio in sorted((first, second), key=lambda f: f.id):
        lock_folio(session, folio, expected if folio is first else None)


def require_reason(reason: str, doing: str) -> str:
    """The reason a correction gives, refused when blank."""
    if not reason.strip():
        raise InvalidInput("reason", f"{doing} needs a reason")
    return reason.strip()


def _snapshot(posting: Posting) -> dict[str, Any]:
    return {
        "posting_id": posting.id,
        "kind": posting.kind,
        "code": posting.code,
        "amount": posting.amount,
        "business_date": posting.business_date.isoformat(),
        "reverses_id": posting.reverses_id,
        "transfer_group": posting.transfer_group,
        "reason": posting.reason,
        "vat_code": posting.vat_code,
        "vat_amount": posting.vat_amount,
    }


def append_posting(
    session: Session,
    folio: Folio,
    *,
    kind: str,
    code: str,
    amount: int,
    description: str,
    reason: str = "",
    reverses_id: int | None = None,
    unique_key: str | None = None,
    transfer_group: str | None = None,
    payment_id: int | None = None,
    business_date: dt.date | None = None,
    action: str = "post",
    vat: tuple[str | None, int | None] = (None, None),
) -> Posting:
    """Insert one posting on a folio already locked by `lock_folio`, with its audit row;
    `vat` is the (tax code, amount) inside it."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount == 0:
        raise InvalidInput("amount", "a posting needs a non-zero amount in minor units")
    posting = Posting(
        folio_id=folio.id,
        business_date=business_date or property_of(session, folio).business_date,
        kind=kind,
        code=code,
        description=description[:200],
        amount=amount,
        username=actor_of(session).username,
        reason=reason.strip()[:200],
        reverses_id=reverses_id,
        unique_key=unique_key,
        transfer_group=transfer_group,
        payment_id=payment_id,
        vat_code=vat[0],
        vat_amount=vat[1],
    )
    session.add(posting)
    try:
        session.flush()
    except IntegrityError as exc:
        # Another desk reversed the same posting or posted the same audit key first: run again,
        # and the checks before the insert find its posting.
        if "reverses_id" in str(exc.orig) or "unique_key" in str(exc.orig):
            raise RetryableConflict("posting raced with an identical one") from exc
        raise
    record(session, action, "folio", folio.id, after=_snapshot(posting))
    return posting


def posting_by_key(session: Session, unique_key: str | None) -> Posting | None:
    """The posting made earlier with this unique key, if any."""
    if not unique_key:
        return None
    return session.scalar(select(Posting).where(Posting.unique_key == unique_key))


def post(
    session: Session,
    folio: Folio,
    *,
    code: str,
    amount: int,
    description: str = "",
    kind: str | None = None,
    unique_key: str | None = None,
    payment_id: int | None = None,
    reason: str = "",
    transfer_group: str | None = None,
    business_date: dt.date | None = None,
    expected_version: int | None = None,
) -> Posting:
    """Append one posting to an open folio: the single way money gets onto a folio.

    Charges, taxes and refunds post positive amounts, payments negative ones; adjustments
    either. The kind comes from the transaction code unless given, the business date from the
    property, the user from the unit of work. A posting whose `unique_key` exists already is
    returned as it is (the night audit may run again). A charge carries the VAT its code has
    at the property now (`pms.billing.vat`).
    """
    if existing := posting_by_key(session, unique_key):
        return existing
    description = plain_text(description, "description")
    reason = plain_text(reason, "reason")
    code = code.strip().upper()
    code_kind, default_description = transaction_code(code)
    kind = kind or code_kind
    if kind not in KINDS:
        raise InvalidInput("kind", f"{kind!r} is not a posting kind ({', '.join(KINDS)})")
    sign = _SIGN.get(kind)
    if sign is not None and isinstance(amount, int) and amount * sign < 0:
        direction = "negative" if sign < 0 else "positive"
        raise InvalidInput("amount", f"a {kind} posts a {direction} amount, not {amount}")
    refuse_if_stay_over(session, folio, kind, code)
    check_amount_cap(property_of(session, folio), amount)
    vat = None
    if kind == "charge" and code != "ROOM":  # the room's taxes are the stay's nights'
        vat = vat_of_charge(session, folio.property_id, code, amount)
    lock_folio(session, folio, expected_version)
    return append_posting(
        session,
        folio,
        kind=kind,
        code=code,
        amount=amount,
        description=description.strip() or default_description,
        reason=reason,
        unique_key=unique_key,
        transfer_group=transfer_group,
        payment_id=payment_id,
        business_date=business_date,
        vat=vat or (None, None),
    )
