"""Taxes and fees: percentage taxes (VAT, inside or on top of the price as the property says)
and fixed amounts per person per night (city tax), each with its own code. A tax is charged on
the room nights unless it was added only as the VAT of other charges (`pms.billing.vat` says
which charge codes carry which VAT)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import ChargeTax, Tax
from pms.hotel.properties import resolve_property
from pms.kernel.audit import record
from pms.kernel.errors import InvalidInput
from pms.kernel.permissions import require


@dataclass(frozen=True)
class TaxView:
    """A tax as the property charges it."""

    code: str
    name: str
    percent_bp: int
    per_person: int
    children_exempt: bool
    #: Charged on the room nights.
    room: bool = True
    #: The charge codes whose price has this tax inside (FNB, MINIBAR …), by code.
    charges: tuple[str, ...] = ()

    @property
    def percent_text(self) -> str:
        """`6 % of the room price`, `13 % inside FNB`: what a percentage is charged on, in the
        words every face shows."""
        where = ["of the room price"] if self.room else []
        where += [f"inside {', '.join(self.charges)}"] if self.charges else []
        return f"{Decimal(self.percent_bp) / 100:g} % {' and '.join(where) or 'on nothing yet'}"


def add_tax(
    session: Session,
    property_code: str | None,
    code: str,
    name: str,
    *,
    percent_bp: int = 0,
    per_person: int = 0,
    children_exempt: bool = True,
    room: bool = True,
) -> TaxView:
    """A new tax: either a percentage (basis points) or an amount per person per night;
    charged on the room nights unless `room` is false (a VAT only of other charges)."""
    require(session, "tax.add")
    prop = resolve_property(session, property_code)
    code = code.strip().upper()
    if not code.isalnum():
        raise InvalidInput("code", f"tax code {code!r} must be letters or digits")
    if (percent_bp > 0) == (per_person > 0) or percent_bp < 0 or per_person < 0:
        raise InvalidInput("percent", "a tax is either a percentage or an amount per person")
    if session.scalar(select(Tax.id).where(Tax.property_id == prop.id, Tax.code == code)):
        raise InvalidInput("code", f"tax {code} already exists at {prop.code}")
    tax = Tax(
        property_id=prop.id,
        code=code,
        name=name.strip() or code,
        percent_bp=percent_bp,
        per_person=per_person,
        children_exempt=children_exempt,
        room=room,
    )
    session.add(tax)
    session.flush()
    record(session, "create", "tax", tax.id, after={"code": code, "percent_bp": percent_bp,
                                                     "per_person": per_person,
                                                     "room": room})  # fmt: skip
    return _view(tax)


def set_taxes_inclusive(session: Session, property_code: str | None, inclusive: bool) -> None:
    """Say whether the rate sheet's prices already include the percentage taxes."""
    require(session, "tax.change")
    prop = resolve_property(session, property_code)
    before = {"taxes_inclusive": prop.taxes_inclusive}
    prop.taxes_inclusive = inclusive
    record(session, "update", "property", prop.id, before=before,
           after={"taxes_inclusive": inclusive})  # fmt: skip


def list_taxes(session: Session, property_code: str | None = None) -> list[TaxView]:
    """The property's taxes, by code."""
    prop = resolve_property(session, property_code)
    charges: dict[int, list[str]] = {}
    for tax_id, code in session.execute(
        select(ChargeTax.tax_id, ChargeTax.code)
        .where(ChargeTax.property_id == prop.id)
        .order_by(ChargeTax.code)
    ):
        charges.setdefault(tax_id, []).append(code)
    return [
        _view(t, tuple(charges.get(t.id, ())))
        for t in session.scalars(select(Tax).where(Tax.property_id == prop.id).order_by(Tax.code))
    ]


def _view(tax: Tax, charges: tuple[str, ...] = ()) -> TaxView:
    return TaxView(
        tax.code, tax.name, tax.percent_bp, tax.per_person, tax.children_exempt, tax.room, charges
    )


def city_tax_codes(session: Session, property_id: int) -> tuple[str, ...]:
    """The property's taxes charged per person and night (city tax): apart from the price,
    which has the percentage taxes (VAT) in it."""
    codes = select(Tax.code).where(
        Tax.property_id == property_id, Tax.per_person > 0, Tax.room.is_(True)
    )
    return tuple(session.scalars(codes.order_by(Tax.code)))
