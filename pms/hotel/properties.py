"""Setting up a hotel: the property, its room types, rooms and base rate plan."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.orm import Session

from db.models import Inventory, Property, RatePlan, RatePlanPrice, Room, RoomType
from pms.hotel import field_checks
from pms.hotel.vocabulary import known_features
from pms.kernel.audit import record
from pms.kernel.errors import InvalidInput, NotFound
from pms.kernel.permissions import require

#: The code of the plan every property starts with: best available rate.
BASE_PLAN = "BAR"


@dataclass(frozen=True)
class RoomTypeView:
    """A room type as the desk shows it."""

    code: str
    name: str
    max_occupancy: int
    base_occupancy: int
    features: list[str]
    overbooking_allowance: int
    rooms: int
    price: int | None
    extra_adult: int
    extra_child: int
    #: The business date it was retired on; None while it is on sale.
    retired_on: dt.date | None = None


@dataclass(frozen=True)
class PropertyView:
    """A property with its room types."""

    code: str
    name: str
    city: str
    currency: str
    timezone: str
    business_date: dt.date
    taxes_inclusive: bool
    room_types: list[RoomTypeView]

    @property
    def rooms(self) -> int:
        """Rooms in the hotel."""
        return sum(rt.rooms for rt in self.room_types)


def resolve_property(session: Session, code: str | None = None) -> Property:
    """The property named by `code`, or the only one when there is just one."""
    if code:
        prop = session.scalar(select(Property).where(Property.code == code.upper()))
        if prop is None:
            raise NotFound(f"there is no property {code!r}")
        return prop
    props = session.scalars(select(Property).order_by(Property.code).limit(10)).all()
    if not props:
        raise NotFound("no property is set up yet — run `pms init` or `pms demo`")
    if len(props) > 1:
        codes = ", ".join(p.code for p in props)
        raise InvalidInput("property", f"several properties ({codes}) — name one with --property")
    return props[0]


def resolve_room_type(
    session: Session, prop: Property, code: str, *, retired: bool = False
) -> RoomType:
    """The room type `code` of the property, with the list of codes when it does not exist.

    A retired type is refused (nothing is sold, priced or changed on it any more) unless
    `retired`, for the services that read history.
    """
    room_type = session.scalar(
        select(RoomType).where(
            RoomType.property_id == prop.id, RoomType.code == code.strip().upper()
        )
    )
    if room_type is None:
        codes = ", ".join(rt.code for rt in prop.room_types) or "none yet"
        raise NotFound(f"there is no room type {code!r} at {prop.code} (known: {codes})")
    if room_type.retired_on is not None and not retired:
        raise NotFound(
            f"room type {room_type.code} at {prop.code} was retired on {room_type.retired_on}"
        )
    return room_type


def rooms_in_service(night: dt.date) -> ColumnElement[bool]:
    """The rooms still in the hotel on `night`: a retired room keeps its history but leaves
    the rack, the board, the room lists and inventory from its retirement on."""
    return or_(Room.retired_on.is_(None), Room.retired_on > night)


def create_property(
    session: Session,
    code: str,
    name: str,
    *,
    currency: str = "EUR",
    timezone: str = "Europe/Lisbon",
    city: str = "",
    address: str = "",
    check_in: str | int = 15,
    check_out: str | int = 11,
    tax_number: str = "",
    business_date: dt.date | None = None,
) -> PropertyView:
    """A new hotel with its base rate plan; the business date starts at today, local time.

    Check-in and check-out are times on the hour (`15:00`, or the hour itself).
    """
    require(session, "property.create")
    code = field_checks.code(code, what="property code")
    name = field_checks.name(name, "name", "property", 120)
    timezone = field_checks.time_zone(timezone)
    prop = Property(
        code=code,
        name=name,
        city=field_checks.optional_text(city, "city", 80),
        address=field_checks.optional_text(address, "address", 200),
        currency=field_checks.currency(currency),
        timezone=timezone,
        check_in_hour=field_checks.hour(check_in, "check_in"),
        check_out_hour=field_checks.hour(check_out, "check_out"),
        tax_number=field_checks.optional_text(tax_number, "tax_number", 40),
        business_date=business_date or dt.datetime.now(zoneinfo.ZoneInfo(timezone)).date(),
    )
    if session.scalar(select(Property.id).where(Property.code == code)) is not None:
        raise InvalidInput("code", f"a property with code {code} already exists")
    session.add(prop)
    session.flush()
    session.add(RatePlan(property_id=prop.id, code=BASE_PLAN, name="Best available rate"))
    record(session, "create", "property", prop.id, after={"code": code, "name": prop.name})
    return property_view(session, code)


def add_room_type(
    session: Session,
    property_code: str | None,
    code: str,
    name: str,
    *,
    max_occupancy: int,
    base_occupancy: int = 2,
    price: int,
    features: list[str] | None = None,
    overbooking_allowance: int = 0,
) -> RoomTypeView:
    """A new kind of room, priced on the base plan at `price` (minor units) a night."""
    require(session, "room_type.add")
    prop = resolve_property(session, property_code)
    code = field_checks.code(code, what="room type code")
    field_checks.occupancy(max_occupancy, base_occupancy)
    field_checks.not_negative(
        overbooking_allowance, "overbooking_allowance", "the overbooking allowance"
    )
    field_checks.not_negative(price, "price", "a price")
    exists = select(RoomType.retired_on).where(
        RoomType.property_id == prop.id, RoomType.code == code
    )
    if (found := session.execute(exists).first()) is not None:
        retired = f" (retired on {found.retired_on})" if found.retired_on else ""
        raise InvalidInput("code", f"room type {code} already exists at {prop.code}{retired}")
    room_type = RoomType(
        property_id=prop.id,
        code=code,
        name=field_checks.optional_text(name, "name", 80) or code,
        max_occupancy=max_occupancy,
        base_occupancy=base_occupancy,
        features=known_features(session, prop, features or []),
        overbooking_allowance=overbooking_allowance,
    )
    session.add(room_type)
    session.flush()
    plan = session.scalar(
        select(RatePlan).where(RatePlan.property_id == prop.id, RatePlan.code == BASE_PLAN)
    )
    assert plan is not None, "every property is created with its base plan"
    session.add(RatePlanPrice(rate_plan_id=plan.id, room_type_id=room_type.id, amount=price))
    session.expire(prop, ["room_types"])
    record(session, "create", "room_type", room_type.id, after={"code": code, "price": price})
    return view_of_room_type(room_type, rooms=0, price=price)


def add_room(
    session: Session,
    property_code: str | None,
    number: str,
    room_type_code: str,
    *,
    floor: int | None = None,
    features: list[str] | None = None,
) -> None:
    """A new room, in service from the business date: every night from then on that is
    already open for sale gains one room of its type (nights before it keep their count)."""
    require(session, "room.add")
    prop = resolve_property(session, property_code)
    room_type = resolve_room_type(session, prop, room_type_code)
    number = room_number(number)
    taken = select(Room.retired_on).where(Room.property_id == prop.id, Room.number == number)
    if (found := session.execute(taken).first()) is not None:
        retired = f" (retired on {found.retired_on})" if found.retired_on else ""
        raise InvalidInput("number", f"room {number} already exists{retired}")
    if floor is None:
        floor = int(number[:-2]) if number[:-2].isdigit() else 0
    if not -5 <= floor <= 200:
        raise InvalidInput("floor", f"floor {floor} is not one a hotel has (-5 to 200)")
    room = Room(
        property_id=prop.id,
        room_type_id=room_type.id,
        number=number,
        floor=floor,
        features=known_features(session, prop, features or []),
    )
    session.add(room)
    session.flush()
    session.execute(
        update(Inventory)
        .where(Inventory.room_type_id == room_type.id, Inventory.night >= prop.business_date)
        .values(capacity=Inventory.capacity + 1)
        .execution_options(synchronize_session=False)
    )
    record(session, "create", "room", room.id, after={"number": number, "type": room_type.code})


def room_number(text: str) -> str:
    """A room number as stored: up to 10 letters, digits or dashes (`101`, `B12`, `PH-1`)."""
    number = text.strip()
    if not number:
        raise InvalidInput("number", "the room needs a number")
    if len(number) > 10 or not number.replace("-", "").isalnum():
        raise InvalidInput(
            "number", f"room number {number!r} must be up to 10 letters, digits or -"
        )
    return number


def set_extra_charges(
    session: Session,
    property_code: str | None,
    room_type_code: str,
    *,
    extra_adult: int,
    extra_child: int,
) -> None:
    """Nightly charges for each adult and child above the room type's base occupancy."""
    require(session, "room_type.extra_person")
    prop = resolve_property(session, property_code)
    room_type = resolve_room_type(session, prop, room_type_code)
    if extra_adult < 0 or extra_child < 0:
        raise InvalidInput("extra_adult", "extra-person charges cannot be negative")
    before = {"extra_adult": room_type.extra_adult, "extra_child": room_type.extra_child}
    room_type.extra_adult, room_type.extra_child = extra_adult, extra_child
    record(
        session, "update", "room_type", room_type.id,
        before=before, after={"extra_adult": extra_adult, "extra_child": extra_child},
    )  # fmt: skip


def property_view(session: Session, code: str | None = None) -> PropertyView:
    """The property with its room types, room counts and base prices."""
    prop = resolve_property(session, code)
    counts = dict(
        session.execute(
            select(Room.room_type_id, func.count())
            .where(Room.property_id == prop.id, rooms_in_service(prop.business_date))
            .group_by(Room.room_type_id)
        ).all()
    )
    prices = dict(
        session.execute(
            select(RatePlanPrice.room_type_id, RatePlanPrice.amount)
            .join(RatePlan)
            .where(RatePlan.property_id == prop.id, RatePlan.code == BASE_PLAN)
        ).all()
    )
    return PropertyView(
        code=prop.code,
        name=prop.name,
        city=prop.city,
        currency=prop.currency,
        timezone=prop.timezone,
        business_date=prop.business_date,
        taxes_inclusive=prop.taxes_inclusive,
        room_types=[
            view_of_room_type(rt, counts.get(rt.id, 0), prices.get(rt.id)) for rt in prop.room_types
        ],
    )


def property_codes(session: Session) -> list[str]:
    """The code of every property in the database, in order."""
    return list(session.scalars(select(Property.code).order_by(Property.code)))


def list_properties(session: Session) -> list[PropertyView]:
    """Every property in the database."""
    return [property_view(session, code) for code in property_codes(session)]


def view_of_room_type(room_type: RoomType, rooms: int, price: int | None) -> RoomTypeView:
    """The plain view of a room type, with its rooms in service and its base price."""
    return RoomTypeView(
        code=room_type.code,
        name=room_type.name,
        max_occupancy=room_type.max_occupancy,
        base_occupancy=room_type.base_occupancy,
        features=list(room_type.features),
        overbooking_allowance=room_type.overbooking_allowance,
        rooms=rooms,
        price=price,
        extra_adult=room_type.extra_adult,
        extra_child=room_type.extra_child,
        retired_on=room_type.retired_on,
    )
