"""The city ledger: direct-bill accounts of companies that settle later. A supervisor moves a
stay's whole balance to one as a transfer pair, so the guest's folio reaches zero and the stay
can check out while the company's account carries the debt until it pays.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.folios import Folio
from pms.billing.ledger import append_posting, label_of, lock_pair, require_reason
from pms.billing.ledger_views import FolioView, balance_of, folio_view, load_folio
from pms.hotel.properties import resolve_property
from pms.kernel.audit import record
from pms.kernel.errors import InvalidInput, InvalidTransition
from pms.kernel.permissions import require


def open_city_ledger(session: Session, property_code: str | None, name: str) -> FolioView:
    """Open a direct-bill account for a company that settles later (supervisor)."""
    require(session, "city_ledger.open")
    prop = resolve_property(session, property_code)
    name = " ".join(name.split())
    if not name or len(name) > 80:
        raise InvalidInput("name", "an account needs a name of 1 to 80 characters")
    taken = session.scalar(
        select(Folio.id).where(
            Folio.property_id == prop.id, Folio.kind == "city_ledger", Folio.name == name
        )
    )
    if taken is not None:
        raise InvalidInput("name", f"{prop.code} has a city-ledger account named {name!r}")
    folio = Folio(property_id=prop.id, reservation_id=None, name=name, kind="city_ledger")
    session.add(folio)
    session.flush()
    record(session, "create", "folio", folio.id, after={"name": name, "kind": "city_ledger"})
    return folio_view(session, folio.id)


def transfer_to_city_ledger(
    session: Session,
    folio_id: int,
    account_folio_id: int,
    reason: str,
    *,
    expected_version: int | None = None,
) -> FolioView:
    """Move a folio's whole balance to a city-ledger account (supervisor), leaving it at zero
    so the stay can check out; the company settles the account later."""
    require(session, "city_ledger.transfer")
    reason = require_reason(reason, "a transfer to the city ledger")
    source = load_folio(session, folio_id)
    account = load_folio(session, account_folio_id)
    if account.kind != "city_ledger":
        raise InvalidInput("account", f"folio {label_of(session, account)} is not a city ledger")
    if source.kind == "city_ledger" or source.property_id != account.property_id:
        raise InvalidInput("folio", "only a stay's folio moves to this property's city ledger")
    lock_pair(session, source, account, expected_version)
    balance = balance_of(session, source.id)
    label = label_of(session, source)
    if balance == 0:
        raise InvalidTransition(f"folio {label} has no balance to transfer")
    group = uuid.uuid4().hex
    append_posting(
        session,
        source,
        kind="transfer",
        code="XFER",
        amount=-balance,
        description=f"Transferred to city ledger {account.name}",
        reason=reason,
        transfer_group=group,
        action="transfer",
    )
    append_posting(
        session,
        account,
        kind="transfer",
        code="XFER",
        amount=balance,
        description=f"Folio {label}",
        reason=reason,
        transfer_group=group,
        action="transfer",
    )
    return folio_view(session, source.id)
