"""Building the hotel a `HotelFile` describes, whole or not at all.

Every part goes through the same services the CLI and the Set-up screens call, so the file is
held to the same checks in the same words. Each part runs in a savepoint of the one
transaction: a part that is refused is noted under its path in the file and the others still
run, so one pass reports every problem; then, if there was any, the transaction is rolled
back and nothing is left behind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from pms.billing.vat import add_vat
from pms.hotel.features import add_features
from pms.hotel.properties import PropertyView, create_property, property_view
from pms.hotel.property_details import PropertyChanges, edit_property
from pms.kernel.errors import InvalidInput, NotFound, PmsError
from pms.kernel.money import percent_bp, to_minor
from pms.rates.plan_terms import PlanTermsDraft
from pms.rates.plans import create_rate_plan
from pms.rates.sheet_edits import set_rates
from pms.rates.taxes import add_tax, set_taxes_inclusive
from pms.setup.hotel_file import (
    HotelFile,
    InvalidHotelFile,
    Problem,
    RatePlanSection,
    RoomTypeSection,
    TaxSection,
)
from pms.setup.room_types import RoomTypeInput, create_room_type
from pms.setup.rooms_admin import add_rooms

#: The services' names for fields that the file spells its own way.
_FILE_FIELDS = {"number": "numbers", "room_type": "type"}


def build_hotel(session: Session, hotel: HotelFile, source: str) -> PropertyView:
    """Add the hotel the file describes, in this transaction; refused (InvalidHotelFile) with
    every problem found when any part is."""
    code = _build_property(session, hotel, source)
    currency = hotel.property.currency
    problems: list[Problem] = []

    def step(path: str, action: Callable[[], Any], missing: str = "") -> bool:
        """Run one part in a savepoint; a refusal is noted under `path` (and the field
        `missing` when what it names does not exist)."""
        try:
            with session.begin_nested():
                action()
        except NotFound as error:
            problems.append(Problem(f"{path}.{missing}" if missing else path, str(error)))
            return False
        except PmsError as error:
            problems.append(_problem(path, error))
            return False
        return True

    # A part that names a refused one is left out: the first problem is the one to fix.
    refused_types = {
        section.code
        for i, section in enumerate(hotel.room_types)
        if not step(
            f"room_types[{i}]", lambda s=section: build_room_type(session, code, currency, s)
        )
    }
    for i, rooms in enumerate(hotel.rooms):
        if rooms.type not in refused_types:
            step(
                f"rooms[{i}]",
                lambda r=rooms: add_rooms(
                    session, code, r.numbers, r.type, floor=r.floor, features=r.features
                ),
                missing="type",
            )
    refused_plans = {
        plan.code
        for i, plan in enumerate(hotel.rate_plans)
        if not step(
            f"rate_plans[{i}]", lambda p=plan: build_rate_plan(session, code, currency, p), "parent"
        )
    }
    for i, rate in enumerate(hotel.rates):
        if rate.plan not in refused_plans and rate.room_type not in refused_types:
            step(
                f"rates[{i}]",
                lambda r=rate: set_rates(
                    session, code, r.plan, r.room_type, r.first, r.last,
                    to_minor(r.price, currency, field="price"), r.days or None,
                ),
            )  # fmt: skip
    for i, tax in enumerate(hotel.taxes):
        step(f"taxes[{i}]", lambda t=tax: _tax(session, code, currency, t))
    if problems:
        raise InvalidHotelFile(source, problems)
    return property_view(session, code)


def _build_property(session: Session, hotel: HotelFile, source: str) -> str:
    """The property, its vocabulary and settings; everything else hangs on it, so a problem
    here is reported alone."""
    p = hotel.property
    try:
        with session.begin_nested():
            view = create_property(
                session, p.code, p.name, currency=p.currency, timezone=p.timezone, city=p.city,
                address=p.address, check_in=p.check_in, check_out=p.check_out,
                tax_number=p.tax_number,
            )  # fmt: skip
            if p.taxes_inclusive:
                set_taxes_inclusive(session, view.code, True)
            if p.features:
                add_features(session, view.code, p.features)
            if p.settings:
                settings = {key: _setting(value) for key, value in p.settings.items()}
                edit_property(session, view.code, PropertyChanges(settings=settings))
    except PmsError as error:
        raise InvalidHotelFile(source, [_problem("property", error)]) from None
    return view.code


def build_room_type(session: Session, code: str, currency: str, section: RoomTypeSection) -> None:
    """Add the room type a file's section describes (hotel.toml, or a row of an import)."""
    create_room_type(
        session,
        code,
        RoomTypeInput(
            code=section.code,
            name=section.name,
            max_occupancy=section.max_occupancy,
            base_occupancy=section.base_occupancy,
            features=tuple(section.features),
            overbooking_allowance=section.overbooking_allowance,
            price=to_minor(section.price, currency, field="price"),
            extra_adult=to_minor(section.extra_adult, currency, field="extra_adult"),
            extra_child=to_minor(section.extra_child, currency, field="extra_child"),
        ),
    )


def build_rate_plan(session: Session, code: str, currency: str, plan: RatePlanSection) -> None:
    """Add the rate plan a file's section describes (hotel.toml, or a row of an import)."""
    draft = PlanTermsDraft(
        code=plan.code,
        name=plan.name,
        parent=plan.parent,
        derive_percent_bp=percent_bp(plan.percent, "percent") if plan.percent else None,
        derive_amount=to_minor(plan.amount, currency, field="amount") if plan.amount else None,
        meal_plan=plan.meal_plan,
        guarantee=plan.guarantee,
        members_only=plan.members_only,
        sell_from=plan.sell_from,
        sell_until=plan.sell_until,
        min_advance_days=plan.min_advance_days,
        max_advance_days=plan.max_advance_days,
        non_refundable=plan.non_refundable,
        free_hours=plan.free_hours,
        penalty=plan.penalty,
        penalty_bp=(
            percent_bp(plan.penalty_percent, "penalty_percent") if plan.penalty_percent else None
        ),
    )
    create_rate_plan(session, code, draft.terms())


def _tax(session: Session, code: str, currency: str, tax: TaxSection) -> None:
    if tax.on:
        add_vat(session, code, tax.code, tax.name, on=tax.on,
                percent_bp=percent_bp(tax.percent, "percent") if tax.percent else 0)  # fmt: skip
        return
    add_tax(
        session,
        code,
        tax.code,
        tax.name,
        percent_bp=percent_bp(tax.percent, "percent") if tax.percent else 0,
        per_person=to_minor(tax.per_person, currency, field="per_person") if tax.per_person else 0,
        children_exempt=not tax.children_pay,
    )


def _setting(value: bool | int | str | list[str]) -> str:
    """A setting as typed text, the way `pms property edit --set` takes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(value)
    return str(value)


def _problem(path: str, error: PmsError) -> Problem:
    if isinstance(error, InvalidInput) and not isinstance(error, InvalidHotelFile):
        return Problem(f"{path}.{_FILE_FIELDS.get(error.field, error.field)}", str(error))
    return Problem(path, str(error))
