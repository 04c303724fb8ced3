"""A stay's folios: the guest's own (opened on first use), split ones opened by name (e.g.
"Company" for room and tax), the routing rules that send a stay's postings of a code to one of
them, and closing them all at check-out. One folio per name per stay, kept by the database:
two desks opening the same folio at once make one, and the second runs again to use it."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.folios import Folio, Posting, RoutingRule
from db.models import Reservation, ReservationStatus
from pms.billing.closing import close_folio
from pms.billing.codes import ALL_TAXES, NOT_BY_HAND, TAX_PREFIX, transaction_code
from pms.billing.invoice_views import InvoiceView
from pms.billing.ledger_views import GUEST_FOLIO, FolioView, folio_view
from pms.kernel.audit import record
from pms.kernel.errors import InvalidInput, InvalidTransition, NotFound, RetryableConflict
from pms.stays.reservation_views import load_reservation


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
    if reservation.status == ReservationStatus.CHECKED_OUT:
        raise InvalidTransition(
            f"{reservation.confirmation} has checked out: its folios are closed "
            "(a supervisor may reopen one: pms folio reopen)"
        )
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


def routed_folio(session: Session, reservation: Reservation, code: str) -> Folio | None:
    """The folio the stay's routing sends postings of this code to; None sends them to the
    guest folio."""
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
