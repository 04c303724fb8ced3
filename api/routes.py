"""The endpoints: `/v1/properties/{code}/…`. Each reads its request into the service's own
request type, runs one `pms.channels` service as the calling channel and shapes the answer;
what is valid is the service's to say."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response

from api import schemas
from api.app import Caller, CallerDep
from pms.channels.bookings import (
    ChannelBooking,
    ChannelChange,
    GuestContact,
    book_for_channel,
    cancel_channel_booking,
    change_channel_booking,
    channel_booking,
)
from pms.channels.catalogue import (
    channel_availability,
    channel_offers,
    channel_property,
    channel_rate_plans,
)
from pms.kernel.errors import SoldOut


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": schemas.ErrorBody} for status in (401, 403, 422, 429, 503, *statuses)}


router = APIRouter(prefix="/v1/properties/{code}")
_READ = _errors(404)
_WRITE = _errors(404, 409)


@contextmanager
def _counting_sold_out(caller: Caller) -> Iterator[None]:
    try:
        yield
    except SoldOut as error:
        caller.state.metrics.sold_out.labels(error.room_type).inc()
        raise


@router.get("/availability", response_model=schemas.Availability, responses=_READ)
async def availability(
    code: str,
    caller: CallerDep,
    start: Annotated[dt.date, Query(alias="from", description="First night.")],
    end: Annotated[dt.date, Query(alias="to", description="The day after the last night.")],
) -> schemas.Availability:
    """Rooms left to sell per room type and night (never below 0)."""
    grid = caller.read(channel_availability, code, start, end)
    return schemas.Availability(
        property=code.upper(),
        room_types=[
            schemas.RoomTypeNights(
                code=rt.code,
                name=rt.name,
                nights=[
                    schemas.NightAvailability(night=n.night, available=max(0, n.available))
                    for n in rt.nights
                ],
            )
            for rt in grid
        ],
    )


@router.get("/offers", response_model=schemas.Offers, responses=_READ)
async def offers(
    code: str,
    caller: CallerDep,
    arrival: dt.date,
    departure: dt.date,
    adults: Annotated[int, Query(ge=-1000, le=1000)] = 1,
    children: Annotated[int, Query(ge=-1000, le=1000)] = 0,
) -> schemas.Offers:
    """What the property can sell for the stay and party, cheapest first: each room type on
    each rate plan with nightly prices, taxes, total, cancellation policy and rooms left."""
    found = caller.read(channel_offers, code, arrival, departure, adults, children)
    return schemas.Offers(
        property=code.upper(), offers=[schemas.Offer.model_validate(o) for o in found]
    )


@router.get("/room-types", response_model=schemas.RoomTypes, responses=_READ)
async def room_types(code: str, caller: CallerDep) -> schemas.RoomTypes:
    """The room types on sale, with their guests, features, rooms and base price."""
    view = caller.read(channel_property, code)
    return schemas.RoomTypes(
        property=view.code,
        currency=view.currency,
        room_types=[schemas.RoomType.model_validate(rt) for rt in view.room_types],
    )


@router.get("/rate-plans", response_model=schemas.RatePlans, responses=_READ)
async def rate_plans(code: str, caller: CallerDep) -> schemas.RatePlans:
    """The rate plans a channel may sell, with their meal plan, guarantee and policy."""
    plans = caller.read(channel_rate_plans, code)
    return schemas.RatePlans(
        property=code.upper(), rate_plans=[schemas.RatePlan.model_validate(p) for p in plans]
    )


def _contact(guest: schemas.Guest | schemas.GuestChange) -> GuestContact:
    return GuestContact(guest.first_name, guest.last_name, guest.email, guest.phone)


@router.post("/bookings", status_code=201, response_model=schemas.Booking, responses=_WRITE)
async def create_booking(
    code: str,
    body: schemas.NewBooking,
    caller: CallerDep,
    response: Response,
    idempotency_key: Annotated[
        str,
        Header(
            alias="Idempotency-Key",
            description="Unique per booking: a retry with the same key and body gets the "
            "first answer again; the same key with another body is refused (422).",
        ),
    ],
) -> schemas.Booking:
    """Book a stay. The booking's source is the calling channel."""
    booking = ChannelBooking(
        arrival=body.arrival,
        departure=body.departure,
        room_type=body.room_type,
        rate_plan=body.rate_plan,
        guest=_contact(body.guest),
        adults=body.adults,
        children=body.children,
        expected_total=body.expected_total,
    )
    with _counting_sold_out(caller):
        result = caller.run(book_for_channel, code, idempotency_key, booking)
    if result.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    else:
        caller.state.metrics.bookings.labels(caller.access.channel).inc()
    return schemas.Booking.model_validate(result.booking)


@router.get("/bookings/{confirmation}", response_model=schemas.Booking, responses=_READ)
async def get_booking(code: str, confirmation: str, caller: CallerDep) -> schemas.Booking:
    """One of the channel's bookings as it stands (`version` goes back with a change)."""
    return schemas.Booking.model_validate(caller.read(channel_booking, code, confirmation))


@router.patch("/bookings/{confirmation}", response_model=schemas.Booking, responses=_WRITE)
async def change_booking(
    code: str, confirmation: str, body: schemas.BookingChange, caller: CallerDep
) -> schemas.Booking:
    """Change dates, party or guest details, priced and checked as at the desk: nights kept
    keep their price, new ones are priced today; a stale `version` is refused (409)."""
    change = ChannelChange(
        arrival=body.arrival,
        departure=body.departure,
        adults=body.adults,
        children=body.children,
        guest=_contact(body.guest) if body.guest else None,
        version=body.version,
    )
    with _counting_sold_out(caller):
        view = caller.run(change_channel_booking, code, confirmation, change)
    return schemas.Booking.model_validate(view)


@router.post("/bookings/{confirmation}/cancel", response_model=schemas.Booking, responses=_WRITE)
async def cancel_booking(
    code: str, confirmation: str, caller: CallerDep, body: schemas.Cancellation | None = None
) -> schemas.Booking:
    """Cancel the booking; `cancellation_fee` is what its policy charges now."""
    body = body or schemas.Cancellation()
    view = caller.run(cancel_channel_booking, code, confirmation, body.reason, body.version)
    return schemas.Booking.model_validate(view)
