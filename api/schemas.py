"""The JSON the API reads and writes, as pydantic models: they give the OpenAPI spec its shapes
and read the services' views (`from_attributes`). They check shape only — types and lengths;
what a value may be is for the services to say, as they say it to the desk.

Money is integer minor units, always beside a `currency`.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

_Short = Field(max_length=80)


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorItem(BaseModel):
    """One thing wrong with a request: a code a program can test, the field, a sentence."""

    code: str
    field: str | None
    message: str


class ErrorBody(BaseModel):
    """Every error answer: 401, 403, 404, 409, 422, 429 and 503 alike."""

    errors: list[ErrorItem]


class NightAvailability(_Out):
    """Rooms of a type left to sell on one night (never below 0)."""

    night: dt.date
    available: int


class RoomTypeNights(_Out):
    """One room type's nights in the availability grid."""

    code: str
    name: str
    nights: list[NightAvailability]


class Availability(BaseModel):
    """Rooms left per room type and night, from `from` to the night before `to`."""

    property: str
    room_types: list[RoomTypeNights]


class TaxLine(_Out):
    """One tax on one night; `included` taxes are inside the room price already."""

    code: str
    amount: int
    included: bool


class OfferNight(_Out):
    """One night of an offer: the room price, its taxes and what the guest pays."""

    night: dt.date
    room: int
    taxes: list[TaxLine]
    total: int


class Offer(_Out):
    """A room type on a rate plan for the stay: prices, terms and rooms left."""

    room_type: str
    room_type_name: str
    rate_plan: str
    rate_plan_name: str
    meal_plan: str
    guarantee: str
    policy: str
    features: list[str]
    currency: str
    arrival: dt.date
    departure: dt.date
    nights: list[OfferNight]
    total: int
    tax_total: int
    rooms_left: int


class Offers(BaseModel):
    """What the property can sell for the stay and party, cheapest first."""

    property: str
    offers: list[Offer]


class RoomType(_Out):
    """A room type on sale, with its base price (integer minor units)."""

    code: str
    name: str
    max_occupancy: int
    base_occupancy: int
    features: list[str]
    rooms: int
    price: int | None
    extra_adult: int
    extra_child: int


class RoomTypes(BaseModel):
    """The property's room types on sale."""

    property: str
    currency: str
    room_types: list[RoomType]


class RatePlan(_Out):
    """A rate plan a channel may sell, with its terms."""

    code: str
    name: str
    parent: str | None
    meal_plan: str
    guarantee: str
    policy: str
    sell_from: dt.date | None
    sell_until: dt.date | None


class RatePlans(BaseModel):
    """The property's rate plans a channel may sell."""

    property: str
    rate_plans: list[RatePlan]


class Guest(_In):
    """The guest the stay is for; a returning guest is found again by e-mail and last name."""

    first_name: str = Field(default="", max_length=60)
    last_name: str = Field(max_length=60)
    email: str = Field(default="", max_length=120)
    phone: str = Field(default="", max_length=40)


class GuestChange(_In):
    """Guest details to change; fields left out stay as they are."""

    first_name: str | None = Field(default=None, max_length=60)
    last_name: str | None = Field(default=None, max_length=60)
    email: str | None = Field(default=None, max_length=120)
    phone: str | None = Field(default=None, max_length=40)


class NewBooking(_In):
    """A stay to book: dates, party, room type and rate plan codes, the guest."""

    arrival: dt.date
    departure: dt.date
    adults: int = Field(default=1, ge=-1000, le=1000)
    children: int = Field(default=0, ge=-1000, le=1000)
    room_type: str = Field(max_length=20)
    rate_plan: str = Field(default="BAR", max_length=20)
    guest: Guest
    #: The total of the offer the guest accepted; a price changed since is refused (409).
    expected_total: int | None = Field(default=None, ge=0, le=10**12)


class BookingChange(_In):
    """What a change asks for; fields left out stay as they are."""

    arrival: dt.date | None = None
    departure: dt.date | None = None
    adults: int | None = Field(default=None, ge=-1000, le=1000)
    children: int | None = Field(default=None, ge=-1000, le=1000)
    guest: GuestChange | None = None
    #: The booking's `version` as last read: a booking changed since is refused (409).
    version: int | None = Field(default=None, ge=0, le=2**31)


class Cancellation(_In):
    """Why the guest cancels, and the booking's version as last read."""

    reason: str = Field(default="", max_length=200)
    version: int | None = Field(default=None, ge=0, le=2**31)


class NightPrice(_Out):
    """One night of a booking and the price the guest accepted for it."""

    night: dt.date
    price: int


class NightTax(_Out):
    """One tax line of one night of a booking."""

    night: dt.date
    code: str
    amount: int
    included: bool


class Booking(_Out):
    """A booking as it stands: status, stay, party, nightly prices, total and policy."""

    confirmation: str
    status: str
    property_code: str
    currency: str
    guest_name: str
    email: str
    phone: str
    room_type: str
    rate_plan: str
    arrival: dt.date
    departure: dt.date
    nights: int
    adults: int
    children: int
    nightly: list[NightPrice]
    taxes: list[NightTax]
    room_total: int
    total: int
    meal_plan: str
    policy: str
    cancellation_fee: int
    source: str
    version: int
