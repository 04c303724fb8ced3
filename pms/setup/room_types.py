"""Room types as the administrator keeps them: adding one with its prices, changing it, listing
them, and retiring one — never leaving a night sold beyond what is left.

Lowering the overbooking allowance is refused, naming the nights, where more rooms are
already sold than the rooms plus the new allowance; lowering the most guests a type holds is
refused while a stay booked on it brings more. A type is retired only when nothing is sold on
it from the business date on; its rooms retire with it, and its stays and nights stay on
record for reports.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import (
    Property,
    RatePlan,
    RatePlanPrice,
    Reservation,
    ReservationStatus,
    RoomType,
)
from pms.hotel import field_checks
from pms.hotel.properties import (
    BASE_PLAN,
    RoomTypeView,
    add_room_type,
    property_view,
    resolve_property,
    resolve_room_type,
    set_extra_charges,
    view_of_room_type,
)
from pms.hotel.vocabulary import known_features
from pms.inventory.capacity_changes import nights_named, oversold_with, sold_nights
from pms.kernel.audit import record
from pms.kernel.errors import CapacityRefused, InvalidInput
from pms.kernel.permissions import require
from pms.setup.rooms_admin import list_rooms, retire_rooms

#: The stays a change of room type must respect: booked, or in house.
_ACTIVE = (ReservationStatus.TENTATIVE, ReservationStatus.CONFIRMED, ReservationStatus.CHECKED_IN)


@dataclass(frozen=True)
class RoomTypeInput:
    """A new room type: its guests, features, overbooking allowance and nightly prices (minor
    units) on the base plan, and for each adult and child above the base occupancy (which is
    two, or one for a single, unless given)."""

    code: str
    name: str
    max_occupancy: int
    price: int
    base_occupancy: int | None = None
    features: tuple[str, ...] = ()
    overbooking_allowance: int = 0
    extra_adult: int = 0
    extra_child: int = 0


@dataclass(frozen=True)
class RoomTypeChanges:
    """What to change of a room type, None where it stays as it is."""

    name: str | None = None
    max_occupancy: int | None = None
    base_occupancy: int | None = None
    features: tuple[str, ...] | None = None
    overbooking_allowance: int | None = None
    price: int | None = None
    extra_adult: int | None = None
    extra_child: int | None = None


def create_room_type(
    session: Session, property_code: str | None, kind: RoomTypeInput
) -> RoomTypeView:
    """Add a room type with its base price and extra-person charges (managers)."""
    code = resolve_property(session, property_code).code
    add_room_type(
        session,
        code,
        kind.code,
        kind.name,
        max_occupancy=kind.max_occupancy,
        base_occupancy=(
            min(2, kind.max_occupancy) if kind.base_occupancy is None else kind.base_occupancy
        ),
        price=kind.price,
        features=list(kind.features),
        overbooking_allowance=kind.overbooking_allowance,
    )
    if kind.extra_adult or kind.extra_child:
        set_extra_charges(
            session, code, kind.code, extra_adult=kind.extra_adult, extra_child=kind.extra_child
        )
    return room_type_view(session, code, kind.code)


def room_type_view(session: Session, property_code: str | None, code: str) -> RoomTypeView:
    """One room type as the desk shows it, retired or not."""
    prop = resolve_property(session, property_code)
    wanted = code.strip().upper()
    views = {view.code: view for view in list_room_types(session, prop.code, retired=True)}
    if wanted not in views:
        resolve_room_type(session, prop, wanted)  # refused, naming the types there are
    return views[wanted]


def list_room_types(
    session: Session, property_code: str | None = None, *, retired: bool = False
) -> list[RoomTypeView]:
    """The property's room types by code, with rooms and base prices; retired ones (no
    rooms, the date they were retired) too when `retired`."""
    prop = resolve_property(session, property_code)
    views = property_view(session, prop.code).room_types
    if not retired:
        return views
    gone = session.scalars(
        select(RoomType).where(RoomType.property_id == prop.id, RoomType.retired_on.is_not(None))
    )
    prices = _base_prices(session, prop)
    extra = [view_of_room_type(rt, rooms=0, price=prices.get(rt.id)) for rt in gone]
    return sorted([*views, *extra], key=lambda view: view.code)


def edit_room_type(
    session: Session, property_code: str | None, code: str, changes: RoomTypeChanges
) -> RoomTypeView:
    """Change a room type (managers). New prices reach new quotes only; stays keep theirs."""
    require(session, "room_type.change")
    prop = resolve_property(session, property_code)
    room_type = resolve_room_type(session, prop, code)
    if changes == RoomTypeChanges():
        raise InvalidInput("name", "nothing to change: give at least one detail")
    before = _facts(session, prop, room_type)
    most = _pick(changes.max_occupancy, room_type.max_occupancy)
    field_checks.occupancy(most, _pick(changes.base_occupancy, room_type.base_occupancy))
    if changes.max_occupancy is not None and changes.max_occupancy < room_type.max_occupancy:
        _check_parties_fit(session, prop, room_type, changes.max_occupancy)
    if changes.overbooking_allowance is not None:
        _change_allowance(session, prop, room_type, changes.overbooking_allowance)
    if changes.name is not None:
        room_type.name = field_checks.optional_text(changes.name, "name", 80) or room_type.code
    room_type.max_occupancy = most
    room_type.base_occupancy = _pick(changes.base_occupancy, room_type.base_occupancy)
    if changes.features is not None:
        room_type.features = known_features(session, prop, changes.features)
    if changes.price is not None:
        _set_base_price(session, prop, room_type, changes.price)
    if changes.extra_adult is not None or changes.extra_child is not None:
        adult = _pick(changes.extra_adult, room_type.extra_adult)
        child = _pick(changes.extra_child, room_type.extra_child)
        set_extra_charges(session, prop.code, room_type.code, extra_adult=adult, extra_child=child)
    session.flush()
    after = _facts(session, prop, room_type)
    record(session, "update", "room_type", room_type.id, before=before, after=after)
    return room_type_view(session, prop.code, room_type.code)


def retire_room_type(session: Session, property_code: str | None, code: str) -> RoomTypeView:
    """Stop selling a room type from the business date on (managers), with all its rooms;
    refused, naming the nights, while anything is sold on it from then on."""
    require(session, "room_type.retire")
    prop = resolve_property(session, property_code)
    room_type = resolve_room_type(session, prop, code)
    first = prop.business_date
    if sold := sold_nights(session, room_type, first):
        raise CapacityRefused(
            f"room type {room_type.code} is sold on {nights_named(sold)} — cancel those stays "
            "or move them to another type first",
            sold,
        )
    rooms = [room.number for room in list_rooms(session, prop.code, room_type=room_type.code)]
    if rooms:
        retire_rooms(session, prop.code, ", ".join(rooms))
    room_type.retired_on = first
    session.flush()
    session.expire(prop, ["room_types"])
    record(session, "retire", "room_type", room_type.id, after={"retired_on": first.isoformat()})
    return room_type_view(session, prop.code, room_type.code)


def _change_allowance(
    session: Session, prop: Property, room_type: RoomType, allowance: int
) -> None:
    field_checks.not_negative(allowance, "overbooking_allowance", "the overbooking allowance")
    if allowance < room_type.overbooking_allowance:
        oversold = oversold_with(session, room_type, prop.business_date, allowance)
        if oversold:
            raise CapacityRefused(
                f"an overbooking allowance of {allowance} would leave {room_type.code} sold "
                f"beyond its rooms on {nights_named(oversold)} — it stays at "
                f"{room_type.overbooking_allowance}",
                oversold,
            )
    room_type.overbooking_allowance = allowance


def _check_parties_fit(session: Session, prop: Property, room_type: RoomType, most: int) -> None:
    """Refuse a maximum below the party of a stay still to come or in house."""
    too_many = session.scalar(
        select(Reservation.confirmation)
        .where(
            Reservation.room_type_id == room_type.id,
            Reservation.status.in_(_ACTIVE),
            Reservation.departure > prop.business_date,
            Reservation.adults + Reservation.children > most,
        )
        .order_by(Reservation.arrival)
        .limit(1)
    )
    if too_many is not None:
        raise InvalidInput(
            "max_occupancy",
            f"{too_many} is booked on {room_type.code} with more than {most} guests — "
            "change that stay first",
        )


def _set_base_price(session: Session, prop: Property, room_type: RoomType, price: int) -> None:
    field_checks.not_negative(price, "price", "a price")
    session.execute(
        update(RatePlanPrice)
        .where(
            RatePlanPrice.room_type_id == room_type.id,
            RatePlanPrice.rate_plan_id == _base_plan_id(session, prop),
        )
        .values(amount=price)
        .execution_options(synchronize_session=False)
    )


def _base_plan_id(session: Session, prop: Property) -> int:
    plan_id = session.scalar(
        select(RatePlan.id).where(RatePlan.property_id == prop.id, RatePlan.code == BASE_PLAN)
    )
    assert plan_id is not None, "every property is created with its base plan"
    return plan_id


def _base_prices(session: Session, prop: Property) -> dict[int, int]:
    return dict(
        session.execute(
            select(RatePlanPrice.room_type_id, RatePlanPrice.amount).where(
                RatePlanPrice.rate_plan_id == _base_plan_id(session, prop)
            )
        ).all()
    )


def _facts(session: Session, prop: Property, room_type: RoomType) -> dict[str, object]:
    """What the audit log keeps of a room type, before and after a change."""
    return {
        "name": room_type.name,
        "max_occupancy": room_type.max_occupancy,
        "base_occupancy": room_type.base_occupancy,
        "features": list(room_type.features),
        "overbooking_allowance": room_type.overbooking_allowance,
        "price": _base_prices(session, prop).get(room_type.id),
        "extra_adult": room_type.extra_adult,
        "extra_child": room_type.extra_child,
    }


def _pick(value: int | None, current: int) -> int:
    return current if value is None else value
