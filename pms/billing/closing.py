"""Closing a folio: a folio whose balance is zero is billed with the property's next invoice
number. Numbers are gap-free per property: the number is taken with one guarded UPDATE of the
property's sequence row in the closing transaction, so a rolled-back close rolls it back too and
concurrent closes queue on that row."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.engine import dialect_insert
from db.folios import Folio, Invoice, InvoiceSequence, Posting
from pms.billing.invoice_views import InvoiceView, build_invoice_view, settles, visible_postings
from pms.billing.ledger import label_of, lock_folio, property_of
from pms.billing.ledger_views import load_folio
from pms.kernel.audit import record
from pms.kernel.desk import actor_of
from pms.kernel.errors import InvalidTransition
from pms.kernel.money import format_money
from pms.kernel.permissions import require
from pms.kernel.validation import plain_text


def _next_invoice_number(session: Session, property_id: int) -> int:
    """Take the property's next invoice number in this transaction: gap-free, because a
    rolled-back close rolls the sequence back too, and concurrent closes queue on its row."""
    table = InvoiceSequence.__table__
    take = (
        update(table)
        .where(table.c.property_id == property_id)
        .values(last_number=table.c.last_number + 1)
        .returning(table.c.last_number)
    )
    number = session.execute(take).scalar()
    if number is None:  # the property's first invoice: start its sequence
        session.execute(
            dialect_insert(session.get_bind().dialect.name, table)
            .values(property_id=property_id, last_number=0)
            .on_conflict_do_nothing(index_elements=["property_id"])
        )
        number = session.execute(take).scalar_one()
    return int(number)


def close_folio(
    session: Session, folio_id: int, *, expected_version: int | None = None
) -> InvoiceView:
    """Close a folio whose balance is zero and bill it with the property's next invoice
    number. A balance must be paid or transferred first."""
    folio = load_folio(session, folio_id)
    lock_folio(session, folio, expected_version, close=True)
    postings = list(
        session.scalars(select(Posting).where(Posting.folio_id == folio.id).order_by(Posting.id))
    )
    label = label_of(session, folio)
    prop = property_of(session, folio)
    balance = sum(p.amount for p in postings)
    if balance != 0:
        raise InvalidTransition(
            f"folio {label} has a balance of {format_money(balance, prop.currency)} "
            "— take payment or transfer it"
        )
    if not postings:
        raise InvalidTransition(f"folio {label} has no postings — there is nothing to invoice")
    total = sum(p.amount for p in visible_postings(postings) if not settles(p))
    invoice = session.scalar(select(Invoice).where(Invoice.folio_id == folio.id))
    if invoice is not None:  # closed again after a supervisor reopened it: the same number
        invoice.total, invoice.business_date = total, prop.business_date
        invoice.username = actor_of(session).username
    else:
        invoice = Invoice(
            property_id=prop.id,
            number=_next_invoice_number(session, prop.id),
            folio_id=folio.id,
            business_date=prop.business_date,
            total=total,
            username=actor_of(session).username,
        )
        session.add(invoice)
    session.flush()
    record(
        session,
        "close",
        "folio",
        folio.id,
        before={"status": "open"},
        after={"status": "closed", "invoice": invoice.number, "total": total},
    )
    return build_invoice_view(session, invoice)


def close_unused_folio(session: Session, folio: Folio) -> None:
    """Close a folio nothing was ever posted to, without an invoice: a stay that has left
    takes no more money on any of its folios."""
    lock_folio(session, folio, close=True)
    record(session, "close", "folio", folio.id, before={"status": "open"},
           after={"status": "closed", "invoice": None})  # fmt: skip


def reopen_folio(session: Session, folio_id: int, reason: str) -> None:
    """Open a closed folio again to correct it (supervisors, with a reason in the audit log).
    Closing it again keeps its invoice number, with the new total."""
    require(session, "folio.reopen")
    reason = plain_text(reason, "reason", required=True)
    folio = load_folio(session, folio_id)
    if folio.status == "open":
        raise InvalidTransition(f"folio {label_of(session, folio)} is open already")
    if session.scalar(select(Posting.id).where(Posting.folio_id == folio.id, Posting.imported)):
        # Closing it again would bill with our number what the previous system invoiced.
        raise InvalidTransition(
            f"folio {label_of(session, folio)} was invoiced in the previous system "
            "— correct it there"
        )
    folio.status = "open"  # the ORM bumps its version, so a stale screen is refused
    session.flush()
    record(session, "reopen", "folio", folio.id, before={"status": "closed"},
           after={"status": "open", "reason": reason})  # fmt: skip
