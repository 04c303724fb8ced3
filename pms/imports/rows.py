"""The rows of each kind of import file, typed and checked with pydantic.

Every field is held to the check its department applies when a person types it: codes, feature
names and money through `pms.setup.hotel_file` (the checks `hotel.toml` uses), e-mail, phone and
country through `pms.guests.contact`, so a file is refused in the same words as the desk.
Money is written in major units (`120.50`) and read through Decimal, never a float; more
decimals than the currency has is a mistake, not a rounding (`pms.kernel.money.to_minor`).
Room types and rate plans are the very sections of `hotel.toml`. What needs the database (a
code that exists, a night that is sold out) is checked when the row is written.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from pms.guests.contact import normalise_country, normalise_email, normalise_phone
from pms.kernel.errors import InvalidInput
from pms.kernel.money import to_minor
from pms.setup.hotel_file import Amount, Code, Feature, RatePlanSection, RoomTypeSection, checked

#: Columns that hold a list, written in a CSV cell with `|` between the items.
LIST_COLUMNS = frozenset({"features", "days"})


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _money(value: str | None, info: ValidationInfo) -> str | None:
    """An amount checked against the property's currency (given in the validation context)."""
    if value is None:
        return None
    try:
        to_minor(value, info.context["currency"], field=info.field_name or "amount")
    except InvalidInput as error:
        raise ValueError(str(error)) from None
    return value


class RoomTypeRow(RoomTypeSection):
    """A room type: the `[[room_types]]` section of hotel.toml, one a row."""

    _prices = field_validator("price", "extra_adult", "extra_child")(_money)


class RoomRow(_Row):
    """A room, or a range of rooms (`101-120`), of one type."""

    number: str = Field(min_length=1, max_length=21)
    room_type: Code
    floor: int | None = Field(default=None, ge=-5, le=200)
    features: list[Feature] = []


class RatePlanRow(RatePlanSection):
    """A rate plan: the `[[rate_plans]]` section of hotel.toml, one a row."""

    _amounts = field_validator("amount")(_money)


class RateRow(_Row):
    """A price and/or restrictions of one plan and room type for the nights `from`..`to`
    (both included; `to` may be left out for one night), on some weekdays when `days` is given."""

    model_config = ConfigDict(populate_by_name=True)

    plan: Code = "BAR"
    room_type: Code
    first: dt.date = Field(alias="from")
    last: dt.date | None = Field(default=None, alias="to")
    price: Amount | None = None
    days: list[str] = []
    min_los: int | None = Field(default=None, ge=0, le=365)
    max_los: int | None = Field(default=None, ge=0, le=365)
    closed_to_arrival: bool | None = None
    closed_to_departure: bool | None = None
    stop_sell: bool | None = None

    _price = field_validator("price")(_money)

    @model_validator(mode="after")
    def _something_to_set(self) -> RateRow:
        if self.last is not None and self.last < self.first:
            raise ValueError(f"to ({self.last}) is before from ({self.first})")
        restrictions = (self.min_los, self.max_los, self.closed_to_arrival)
        more = (self.closed_to_departure, self.stop_sell)
        if self.price is None and all(value is None for value in (*restrictions, *more)):
            raise ValueError("give a price or a restriction (min_los, stop_sell …)")
        return self

    @property
    def nights(self) -> tuple[dt.date, dt.date]:
        """The first and last night the row sets."""
        return self.first, self.last or self.first


Email = Annotated[str, BeforeValidator(checked(normalise_email))]
Country = Annotated[str, BeforeValidator(checked(normalise_country))]


class GuestRow(_Row):
    """A guest profile: names, contact details (checked as the desk checks them), flags."""

    first_name: str = Field(default="", max_length=80)
    last_name: str = Field(min_length=1, max_length=80)
    email: Email = ""
    phone: str = Field(default="", max_length=40)
    country: Country = ""
    company: str = Field(default="", max_length=120)
    city: str = Field(default="", max_length=80)
    vip_level: int = Field(default=0, ge=0, le=5)
    notes: str = ""

    @model_validator(mode="after")
    def _phone_in_e164(self) -> GuestRow:
        try:
            phone = normalise_phone(self.phone, self.country)
        except InvalidInput as error:
            raise ValueError(f"phone: {error}") from None
        object.__setattr__(self, "phone", phone)  # the stored form: E.164
        return self


class ReservationRow(GuestRow):
    """A stay from another system: its confirmation number there, its guest, dates and party.
    `status` and `room` say what the other system knew; `total` is the room total the guest
    accepted (major units) — for a stay to come it must match the rate sheet."""

    external_ref: str = Field(min_length=1, max_length=40)
    arrival: dt.date
    departure: dt.date
    room_type: Code
    rate_plan: Code = "BAR"
    adults: int = Field(default=1, ge=1, le=20)
    children: int = Field(default=0, ge=0, le=20)
    status: str = ""
    room: str = Field(default="", max_length=10)
    total: Amount | None = None
    source: str = Field(default="import", max_length=20)

    _total = field_validator("total")(_money)

    @field_validator("status")
    @classmethod
    def _known_status(cls, value: str) -> str:
        value = value.lower().replace("-", "_").replace(" ", "_")
        known = ("", "tentative", "confirmed", "checked_in", "checked_out", "cancelled", "no_show")
        if value not in known:
            raise ValueError(f"status {value!r} is not one of {', '.join(known[1:])}")
        return value

    @model_validator(mode="after")
    def _in_order(self) -> ReservationRow:
        if self.departure <= self.arrival:
            raise ValueError("departure: departure must be after arrival")
        return self


def prepared(values: dict[str, Any]) -> dict[str, Any]:
    """A row's values as the models take them: blank cells left out (the field's default
    applies), list columns split on `|`."""
    ready: dict[str, Any] = {}
    for name, value in values.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if name in LIST_COLUMNS and isinstance(value, str):
            value = [item.strip() for item in value.split("|") if item.strip()]
        ready[name] = value
    return ready
