"""The VAT of what a hotel sells besides the room: which percentage tax is inside the price of
each charge code (food 13 %, minibar and telephone 23 % …), and the VAT a posting carries.

An extra's price is gross, as a bar's or a restaurant's is, whether or not the property's room
prices include their taxes: the amount the clerk types is what the guest pays, and the VAT is
backed out of it — amount × rate / (1 + rate), rounded half-up for that line — and stored on
the posting (`db.folios.Posting.vat_code`, `vat_amount`). Stored, not looked up again, so a
rate changed later never rewrites an invoice already issued, and a reversal carries its
original's VAT negated. The room keeps its own taxes (`Tax.room`, the rate sheet's), which may
be several; every other charge code has at most one VAT (`ChargeTax`, one row per code).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import ChargeTax, Tax
from pms.billing.codes import TRANSACTION_CODES
from pms.hotel.properties import resolve_property
from pms.kernel.audit import record
from pms.kernel.errors import InvalidInput, NotFound
from pms.kernel.permissions import require
from pms.rates.taxes import TaxView, add_tax, list_taxes

#: The charge codes a VAT can be set on: every charge but the room, whose taxes are its own.
VAT_CODES = tuple(
    code for code, (kind, _) in TRANSACTION_CODES.items() if kind == "charge" and code != "ROOM"
)
#: What `--on` names for the room nights (a tax charged on them as before).
ROOM = "ROOM"

_BASIS = Decimal(10_000)


def vat_inside(amount: int, percent_bp: int) -> int:
    """The VAT inside a gross amount at `percent_bp`, rounded half-up (away from zero for a
    negative amount, so a line and its reversal carry the same VAT)."""
    exact = Decimal(abs(amount)) * percent_bp / (_BASIS + percent_bp)
    rounded = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return rounded if amount >= 0 else -rounded


def vat_of_charge(
    session: Session, property_id: int, code: str, amount: int
) -> tuple[str | None, int | None]:
    """(tax code, VAT inside `amount`) for a charge posted now, (None, None) when the code
    carries no VAT at the property."""
    row = session.execute(
        select(Tax.code, Tax.percent_bp)
        .join(ChargeTax, ChargeTax.tax_id == Tax.id)
        .where(ChargeTax.property_id == property_id, ChargeTax.code == code)
    ).first()
    if row is None:
        return None, None
    return row.code, vat_inside(amount, row.percent_bp)


def _charge_codes(codes: list[str] | tuple[str, ...]) -> list[str]:
    """The codes typed, upper case and known as charges a VAT can be set on."""
    wanted = [c.strip().upper() for c in codes if c.strip()]
    if not wanted:
        raise InvalidInput("to", "name the charge codes the tax applies to")
    for code in wanted:
        if code == ROOM:
            raise InvalidInput("to", "the room's taxes are set when the tax is added (--on ROOM)")
        if code not in VAT_CODES:
            raise InvalidInput(
                "to", f"{code!r} is not a charge code with a VAT ({', '.join(VAT_CODES)})"
            )
    return list(dict.fromkeys(wanted))


def apply_tax(
    session: Session, property_code: str | None, tax_code: str, codes: list[str] | tuple[str, ...]
) -> TaxView:
    """Make a percentage tax the VAT of these charge codes, in place of the one they had.
    Charges already posted keep the VAT they were posted with."""
    require(session, "tax.change")
    prop = resolve_property(session, property_code)
    wanted = _charge_codes(codes)
    tax = session.scalar(
        select(Tax).where(Tax.property_id == prop.id, Tax.code == tax_code.strip().upper())
    )
    if tax is None:
        raise NotFound(f"there is no tax {tax_code.strip().upper()!r} at {prop.code}")
    if not tax.percent_bp:
        raise InvalidInput("tax", f"{tax.code} is an amount per person: a VAT is a percentage")
    before = dict(
        session.execute(
            select(ChargeTax.code, Tax.code)
            .join(Tax, Tax.id == ChargeTax.tax_id)
            .where(ChargeTax.property_id == prop.id, ChargeTax.code.in_(wanted))
        ).all()
    )
    for code in wanted:
        row = session.get(ChargeTax, (prop.id, code))
        if row is None:
            session.add(ChargeTax(property_id=prop.id, code=code, tax_id=tax.id))
        else:
            row.tax_id = tax.id
    session.flush()
    record(session, "apply", "tax", tax.id, before={"charges": before},
           after={"charges": dict.fromkeys(wanted, tax.code)})  # fmt: skip
    return next(t for t in list_taxes(session, prop.code) if t.code == tax.code)


def exempt_charges(
    session: Session, property_code: str | None, codes: list[str] | tuple[str, ...]
) -> list[str]:
    """Take the VAT off these charge codes (a VAT set on the wrong code, a charge the law
    exempts); returns the codes that had one. Charges already posted keep the VAT they were
    posted with."""
    require(session, "tax.change")
    prop = resolve_property(session, property_code)
    wanted = _charge_codes(codes)
    rows = session.scalars(
        select(ChargeTax).where(ChargeTax.property_id == prop.id, ChargeTax.code.in_(wanted))
    ).all()
    before = {row.code: row.tax_id for row in rows}
    for row in rows:
        session.delete(row)
    session.flush()
    if before:
        record(session, "exempt", "property", prop.id, before={"charges": before},
               after={"charges": {}})  # fmt: skip
    return sorted(before)


def add_vat(
    session: Session,
    property_code: str | None,
    code: str,
    name: str,
    *,
    percent_bp: int,
    on: list[str] | tuple[str, ...],
) -> TaxView:
    """A new percentage tax on the charge codes named (ROOM among them: on the room nights
    too), in one step: `pms tax add VAT13 --percent 13 --on FNB`."""
    wanted = [c.strip().upper() for c in on if c.strip()]
    if not wanted:
        raise InvalidInput("on", "name what the tax is charged on (ROOM, FNB, MINIBAR …)")
    charges = [c for c in wanted if c != ROOM]
    if charges:
        _charge_codes(charges)  # refused before the tax is added, with the same message
    view = add_tax(session, property_code, code, name, percent_bp=percent_bp,
                   room=ROOM in wanted)  # fmt: skip
    if not charges:
        return view
    return apply_tax(session, property_code, view.code, charges)
