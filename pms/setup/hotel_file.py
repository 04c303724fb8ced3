"""A whole hotel described in one file (`hotel.toml`): the property, its features, room
types, rooms, rate plans, seasonal prices and taxes — so a hotel can be kept as code and
rebuilt. `examples/hotel.toml` shows every part.

The file is read into typed objects (pydantic) and every field checked before anything is
written, each problem named by its path (`room_types[2].max_occupancy: must be at least 1`).
Money is written as text (`"119.50"`) or a whole number, never a float, so no price is ever
rounded by the file format. Building the hotel from it is `pms.setup.hotel_build`.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NamedTuple

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from pms.hotel import field_checks
from pms.kernel.errors import InvalidInput


class Problem(NamedTuple):
    """One thing wrong in a hotel file: where (`rooms[1].type`) and what."""

    path: str
    message: str


class InvalidHotelFile(InvalidInput):
    """A hotel file with problems; every one is listed, one a line, and nothing was built."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        lines = "".join(f"\n  {p.path}: {p.message}" for p in problems)
        super().__init__(
            "hotel_file", f"the hotel file {source} has {count}; nothing was built:{lines}"
        )
        self.problems = problems


def _text_amount(value: Any) -> Any:
    """Money and percentages as text: `"119.50"`, `"-10"` or a whole number; a float (119.5)
    is refused, since a float may already have rounded the figure."""
    if isinstance(value, bool | float):
        raise ValueError('write it as text, like "119.50", or as a whole number')
    return str(value) if isinstance(value, int) else value


def checked(check: Callable[[str], Any]) -> Callable[[Any], Any]:
    """A shared field check (`pms.hotel.field_checks`) as a pydantic validator, its message
    kept as it is."""

    def validate(value: Any) -> Any:
        if not isinstance(value, str):
            return value  # pydantic then says it must be text
        try:
            return check(value)
        except InvalidInput as error:
            raise ValueError(str(error)) from None

    return validate


Amount = Annotated[str, BeforeValidator(_text_amount)]
Code = Annotated[str, BeforeValidator(checked(field_checks.code))]
Feature = Annotated[str, BeforeValidator(checked(field_checks.feature))]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class PropertySection(_Section):
    """`[property]`: the hotel itself, its feature vocabulary and its settings by name."""

    code: Code
    name: str = Field(min_length=1, max_length=120)
    currency: Annotated[str, BeforeValidator(checked(field_checks.currency))] = "EUR"
    timezone: Annotated[str, BeforeValidator(checked(field_checks.time_zone))] = "Europe/Lisbon"
    city: str = Field(default="", max_length=80)
    address: str = Field(default="", max_length=200)
    check_in: str = "15:00"
    check_out: str = "11:00"
    tax_number: str = Field(default="", max_length=40)
    taxes_inclusive: bool = False
    features: list[Feature] = []
    settings: dict[str, bool | int | str | list[str]] = {}

    @field_validator("check_in", "check_out")
    @classmethod
    def _on_the_hour(cls, value: str, info: Any) -> str:
        try:
            return field_checks.clock(field_checks.hour(value, info.field_name))
        except InvalidInput as error:
            raise ValueError(str(error)) from None


class RoomTypeSection(_Section):
    """`[[room_types]]`: a kind of room, its guests and its prices on the base plan."""

    code: Code
    name: str = Field(default="", max_length=80)
    max_occupancy: int = Field(ge=1, le=20)
    base_occupancy: int = Field(default=2, ge=1)
    features: list[Feature] = []
    overbooking_allowance: int = Field(default=0, ge=0)
    price: Amount
    extra_adult: Amount = "0"
    extra_child: Amount = "0"

    @model_validator(mode="after")
    def _base_within_max(self) -> RoomTypeSection:
        if self.base_occupancy > self.max_occupancy:
            raise ValueError(
                f"base_occupancy {self.base_occupancy} is above max_occupancy {self.max_occupancy}"
            )
        return self


class RoomsSection(_Section):
    """`[[rooms]]`: rooms of one type, by number or range (`101-120`)."""

    numbers: str = Field(min_length=1)
    type: Code
    floor: int | None = Field(default=None, ge=-5, le=200)
    features: list[Feature] = []


class RatePlanSection(_Section):
    """`[[rate_plans]]`: a plan of its own, or one derived from another (`parent`)."""

    code: Code
    name: str = Field(min_length=1, max_length=80)
    parent: Code | None = None
    percent: Amount | None = None
    amount: Amount | None = None
    meal_plan: str = "RO"
    guarantee: str = "none"
    members_only: bool = False
    non_refundable: bool = False
    free_hours: int | None = Field(default=None, ge=0)
    penalty: str | None = None
    penalty_percent: Amount | None = None
    min_advance_days: int | None = Field(default=None, ge=0)
    max_advance_days: int | None = Field(default=None, ge=0)
    sell_from: dt.date | None = None
    sell_until: dt.date | None = None


class RateSection(_Section):
    """`[[rates]]`: a price on a base plan's sheet for nights `from`..`to` (both included),
    on some weekdays only when `days` is given."""

    model_config = ConfigDict(populate_by_name=True)

    plan: Code = "BAR"
    room_type: Code
    first: dt.date = Field(alias="from")
    last: dt.date = Field(alias="to")
    price: Amount
    days: list[str] = []

    @model_validator(mode="after")
    def _in_order(self) -> RateSection:
        if self.last < self.first:
            raise ValueError(f"to ({self.last}) is before from ({self.first})")
        return self


class TaxSection(_Section):
    """`[[taxes]]`: a percentage of the room price, or an amount per person per night; `on`
    names the charges a percentage is inside instead (`["FNB"]`; ROOM among them: the room's
    too), as `pms tax add --on` does."""

    code: Code
    name: str = Field(min_length=1, max_length=80)
    percent: Amount | None = None
    per_person: Amount | None = None
    children_pay: bool = False
    on: list[str] = []

    @model_validator(mode="after")
    def _one_kind(self) -> TaxSection:
        if (self.percent is None) == (self.per_person is None):
            raise ValueError("give percent or per_person (one of them)")
        if self.on and self.percent is None:
            raise ValueError("on takes a percentage (percent): a charge's VAT")
        return self


class HotelFile(_Section):
    """A whole hotel, as `hotel.toml` describes it."""

    property: PropertySection
    room_types: list[RoomTypeSection] = []
    rooms: list[RoomsSection] = []
    rate_plans: list[RatePlanSection] = []
    rates: list[RateSection] = []
    taxes: list[TaxSection] = []


def read_hotel_file(path: Path) -> HotelFile:
    """The hotel a TOML file describes, every field checked; refused with every problem."""
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise InvalidInput("hotel_file", f"there is no hotel file {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InvalidHotelFile(path.name, [Problem("toml", str(exc))]) from None
    return hotel_from(data, path.name)


def hotel_from(data: dict[str, Any], source: str) -> HotelFile:
    """The hotel described by plain data (a parsed file, or what a walk-through asked)."""
    try:
        return HotelFile.model_validate(data)
    except ValidationError as exc:
        raise InvalidHotelFile(source, [_problem(error) for error in exc.errors()]) from None


def _problem(error: Any) -> Problem:
    path = ""
    for part in error["loc"]:
        path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
    return Problem(path or "file", reason_of(error))


def reason_of(error: Any) -> str:
    """Pydantic's complaint in the words the rest of the system uses."""
    kind, ctx = error["type"], error.get("ctx", {})
    reasons = {
        "missing": "is required",
        "extra_forbidden": "is not a field here",
        "greater_than_equal": f"must be at least {ctx.get('ge')}",
        "less_than_equal": f"must be at most {ctx.get('le')}",
        "int_type": "must be a whole number",
        "int_parsing": "must be a whole number",
        "int_from_float": "must be a whole number",
        "string_type": "must be text, in quotes",
        "string_too_short": "must not be empty",
        "string_too_long": f"may be at most {ctx.get('max_length')} characters",
        "bool_type": "must be true or false",
        "bool_parsing": "must be true or false",
        "list_type": 'must be a list, like ["a", "b"]',
        "date_type": "must be a date, like 2026-12-24",
        "date_parsing": "must be a date, like 2026-12-24",
        "date_from_datetime_parsing": "must be a date, like 2026-12-24",
        "model_type": "must be a table",
        "dict_type": "must be a table",
    }
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return reasons.get(kind, str(error["msg"]))
