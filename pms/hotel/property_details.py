"""A property's details as its administrator keeps them: name, address, currency, time zone,
check-in and check-out times, the tax number printed on invoices, and its settings by name.

Adding a property is `pms.hotel.properties.create_property`; this module reads the details of
one or all of them and changes them, with the same checks as when they were first typed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from db.models import Property, Reservation, Room
from pms.hotel import field_checks
from pms.hotel.properties import resolve_property, rooms_in_service
from pms.hotel.property_settings import changed_settings, settings_of
from pms.kernel.audit import record
from pms.kernel.errors import InvalidInput
from pms.kernel.permissions import require


@dataclass(frozen=True)
class PropertyDetails:
    """A property's details and settings (every setting, the defaults filled in)."""

    code: str
    name: str
    city: str
    address: str
    currency: str
    timezone: str
    check_in: str
    check_out: str
    tax_number: str
    taxes_inclusive: bool
    business_date: dt.date
    room_types: int
    rooms: int
    settings: dict[str, Any]


@dataclass(frozen=True)
class PropertyChanges:
    """What to change of a property's details, None where it stays as it is; `settings` are
    typed values by setting name (`comp_in_adr="true"`)."""

    name: str | None = None
    city: str | None = None
    address: str | None = None
    currency: str | None = None
    timezone: str | None = None
    check_in: str | None = None
    check_out: str | None = None
    tax_number: str | None = None
    settings: dict[str, str] = field(default_factory=dict)

    def is_empty(self) -> bool:
        """True when nothing would change."""
        return self == PropertyChanges()


def property_details(session: Session, property_code: str | None = None) -> PropertyDetails:
    """One property's details."""
    return _details(session, resolve_property(session, property_code))


def list_property_details(session: Session) -> list[PropertyDetails]:
    """Every property's details, by code."""
    return [
        _details(session, prop)
        for prop in session.scalars(select(Property).order_by(Property.code))
    ]


def edit_property(
    session: Session, property_code: str | None, changes: PropertyChanges
) -> PropertyDetails:
    """Change a property's details (managers). The currency changes only while nothing is
    booked there: every price and posting is a count of its minor unit."""
    require(session, "property.change")
    prop = resolve_property(session, property_code)
    if changes.is_empty():
        raise InvalidInput("name", "nothing to change: give at least one detail")
    values = _checked(changes)
    if "currency" in values and values["currency"] != prop.currency:
        booked = session.scalar(select(exists().where(Reservation.property_id == prop.id)))
        if booked:
            raise InvalidInput(
                "currency",
                f"the currency of {prop.code} cannot change once stays are booked there",
            )
    if changes.settings:
        values["settings"] = changed_settings(prop, changes.settings)
    before = {key: getattr(prop, key) for key in values}
    for key, value in values.items():
        setattr(prop, key, value)
    session.flush()
    record(session, "update", "property", prop.id, before=before, after=values)
    return _details(session, prop)


def _checked(changes: PropertyChanges) -> dict[str, Any]:
    """The changed details as stored, each checked as when the property was added."""
    checks = {
        "name": lambda text: field_checks.name(text, "name", "property", 120),
        "city": lambda text: field_checks.optional_text(text, "city", 80),
        "address": lambda text: field_checks.optional_text(text, "address", 200),
        "currency": field_checks.currency,
        "timezone": field_checks.time_zone,
        "check_in": lambda text: field_checks.hour(text, "check_in"),
        "check_out": lambda text: field_checks.hour(text, "check_out"),
        "tax_number": lambda text: field_checks.optional_text(text, "tax_number", 40),
    }
    columns = {"check_in": "check_in_hour", "check_out": "check_out_hour"}
    values: dict[str, Any] = {}
    for name, check in checks.items():
        typed = getattr(changes, name)
        if typed is not None:
            values[columns.get(name, name)] = check(typed)
    return values


def _details(session: Session, prop: Property) -> PropertyDetails:
    rooms = session.scalar(
        select(func.count())
        .select_from(Room)
        .where(Room.property_id == prop.id, rooms_in_service(prop.business_date))
    )
    return PropertyDetails(
        code=prop.code,
        name=prop.name,
        city=prop.city,
        address=prop.address,
        currency=prop.currency,
        timezone=prop.timezone,
        check_in=field_checks.clock(prop.check_in_hour),
        check_out=field_checks.clock(prop.check_out_hour),
        tax_number=prop.tax_number,
        taxes_inclusive=prop.taxes_inclusive,
        business_date=prop.business_date,
        room_types=len(prop.room_types),
        rooms=rooms or 0,
        settings=settings_of(prop).model_dump(mode="json"),
    )
