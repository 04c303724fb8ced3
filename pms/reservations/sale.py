"""The sale a booking request names: the property, room type and rate plan, the returning
guest's profile and any stay its idempotency key made already, found in one query, then each
checked. The first steps of `pms.reservations.booking.book`.

Why one query, read as Core and put in the session as loaded (`db.prepared.as_loaded`): these
look-ups start every booking, and through the ORM each cost more Python than the database took
to answer it (issues 2 and 13).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from db.models import Guest, Property, RatePlan, Reservation, RoomType
from db.prepared import Prepared, as_loaded, whole_row
from pms.guests.lookup import RETURNING_GUEST, FoundAsTyped, TypedGuest
from pms.hotel.properties import resolve_property, resolve_room_type
from pms.kernel.desk import connection_of
from pms.rates.plans import resolve_plan
from pms.stays.reservation_views import ReservationView, load_reservation, reservation_view
from pms.stays.stay_rules import check_party, resolve_stay

if TYPE_CHECKING:
    from pms.reservations.booking import BookingRequest

_EARLIER = Prepared(
    select(Reservation.confirmation).where(
        Reservation.idempotency_key == bindparam("idempotency_key")
    )
)
# The property, room type and rate plan a request names, the returning guest's profile (whole
# row, NULLs when the address typed has none) and the stay an earlier request with the same
# idempotency key made (NULL for a new key): one query for the look-ups every booking starts
# with. Whole rows read as Core and put in the session as loaded (`db.prepared.as_loaded`).
_SALE_MODELS = (Property, RoomType, RatePlan)
_SALE_WIDTHS = [len(whole_row(model)) for model in _SALE_MODELS]
_GUEST_WIDTH = len(whole_row(Guest))
_SALE = Prepared(
    select(
        *(column for model in (*_SALE_MODELS, Guest) for column in whole_row(model)),
        select(Reservation.confirmation)
        .where(Reservation.idempotency_key == bindparam("idempotency_key"))
        .scalar_subquery(),
    )
    .select_from(Property)
    .join(RoomType, RoomType.property_id == Property.id)
    .join(RatePlan, RatePlan.property_id == Property.id)
    .outerjoin(Guest, RETURNING_GUEST)
    .where(
        Property.code == bindparam("property_code"),
        RoomType.code == bindparam("room_type_code"),
        RatePlan.code == bindparam("plan_code"),
    )
    .order_by(Guest.id)
    .limit(1)
)


@dataclass(frozen=True, slots=True)
class Sale:
    """What a request books, resolved and checked: where, which room type, on which plan, when,
    under which idempotency key (None for none) and from which source."""

    prop: Property
    room_type: RoomType
    plan: RatePlan
    arrival: dt.date
    departure: dt.date
    idempotency_key: str | None
    source: str


def find_sale(
    session: Session, request: BookingRequest, key: str | None, guest: TypedGuest | None
) -> tuple[Any, ...] | None:
    """The property, room type and rate plan the request names, what the guest's address as
    typed found (`FoundAsTyped`, None for a guest given by id) and the confirmation of the stay
    its idempotency key already made (or None), in one query; None when one of the three
    does not exist (or no property is named), for the resolvers to say which."""
    if not request.property_code:
        return None
    found = _SALE.execute(
        connection_of(session),
        {
            "idempotency_key": key,
            "guest_email": guest.email if guest is not None and guest.email else None,
            "guest_last_name": guest.last_name if guest is not None else None,
            "property_code": request.property_code.upper(),
            "room_type_code": request.room_type.upper(),
            "plan_code": request.rate_plan.upper(),
        },
    )
    if not found:
        return None
    row, start, entities = found[0], 0, []
    for model, width in zip(_SALE_MODELS, _SALE_WIDTHS, strict=True):
        entities.append(as_loaded(session, model, row[start : start + width]))
        start += width
    plan = entities[2]
    if plan.parent_id is None and "parent" not in vars(plan):
        # What reading `plan.parent` would store (no parent), without the lazy loader's walk:
        # pricing and the restrictions read it for every booking.
        set_committed_value(plan, "parent", None)
    profile = row[start : start + _GUEST_WIDTH]
    as_typed = FoundAsTyped(profile if profile[0] is not None else None)
    return (*entities, as_typed if guest is not None else None, row[-1])


def earlier_booking(
    session: Session, idempotency_key: str, sale: tuple[Any, ...] | None
) -> ReservationView | None:
    """The reservation a request with this idempotency key made before, if one did (the sale
    query found it already, when it found the sale)."""
    if sale is not None:
        earlier = sale[4]
    else:
        found = _EARLIER.execute(connection_of(session), {"idempotency_key": idempotency_key})
        earlier = found[0][0] if found else None
    if earlier is None:
        return None
    return reservation_view(session, load_reservation(session, earlier))


def resolve_sale(
    session: Session,
    request: BookingRequest,
    checked: tuple[str | None, str],
    found: tuple[Any, ...] | None,
) -> Sale:
    """The property, stay dates, room type and rate plan the request names, each checked
    (`checked`: its idempotency key and source, checked already)."""
    # One query found all three; when it found nothing, the resolvers say what is missing, in
    # the order these checks have always run.
    prop, room_type, plan = found[:3] if found is not None else (None, None, None)
    prop = prop or resolve_property(session, request.property_code)
    arrival, departure = resolve_stay(
        session, prop, request.arrival, request.departure, request.nights
    )
    room_type = room_type or resolve_room_type(session, prop, request.room_type)
    check_party(room_type, request.adults, request.children)
    plan = plan or resolve_plan(session, prop, request.rate_plan)
    return Sale(prop, room_type, plan, arrival, departure, *checked)
