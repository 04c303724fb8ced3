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
    night: dt.date
    available: int


class RoomTypeNights(_Out):
    code: str
    name: str
    nights: list[NightAvailability]


class Availability(BaseModel):
    property: str
    room_types: list[RoomTypeNights]


class TaxLine(_Out):
    code: str
    amount: int
    included: bool


class OfferNight(_Out):
    night: dt.date
    room: int
    taxes: list[TaxLine]
    total: int


class Offer(_Out):
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
    property: str
    offers: list[Offer]


class RoomType(_Out):
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
    property: str
    currency: str
    room_types: list[RoomType]


class RatePlan(_Out):
    code: str
    name: str
    parent: str | None
    meal_plan: str
    guarantee: str
    policy: str
    sell_from: dt.date | None
    sell_until: dt.date | None


class RatePlans(BaseModel):
    property: str
    rate_plans: list[RatePlan]


class Guest(_In):
    first_name: str = Field(default="", max_length=60)
    last_name: str = Field(max_length=60)
    email: str = Field(default="", max_length=120)
    phone: str = Field(default="", max_length=40)


class GuestChange(_In):
    first_name: str | None = Field(default=None, max_length=60)
    last_name: str | None = Field(default=None, max_length=60)
    email: str | None = Field(default=None, max_length=120)
    phone: str | None = Field(default=None, max_length=40)


class NewBooking(_In):
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
    arrival: dt.date | None = None
    departure: dt.date | None = None
    adults: int | None = Field(default=None, ge=-1000, le=1000)
    children: int | None = Field(default=None, ge=-1000, le=1000)
    guest: GuestChange | None = None
    #: The booking's `version` as last read: a booking changed since is refused (409).
    version: int | None = Field(default=None, ge=0, le=2**31)


class Cancellation(_In):
    reason: str = Field(default="", max_length=200)
    version: int | None = Field(default=None, ge=0, le=2**31)


class NightPrice(_Out):
    night: dt.date
    price: int


class NightTax(_Out):
    night: dt.date
    code: str
    amount: int
    included: bool


class Booking(_Out):
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
