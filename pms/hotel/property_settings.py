"""A property's settings by name: how its night audit counts and what it stops at.

They are kept as JSON on the property (only the names set differ from the defaults) and always
read through `PropertySettings`, a typed model, so that a service asks
`settings_of(prop).occupancy_basis` and gets a checked value, never a string from a column (but
`amount_cap`, which every charge checks: `pms.hotel.amount_cap` reads it without the model).
A new setting is one more field on the model, with its default and its description (which the
CLI and the Set-up screen show); nothing else changes.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from db.models import Property
from pms.hotel.amount_cap import AMOUNT_CAP
from pms.kernel.errors import InvalidInput


class PropertySettings(BaseModel):
    """The settings a property may change, with their defaults."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    occupancy_basis: Literal["capacity", "capacity_less_ooo"] = Field(
        default="capacity_less_ooo",
        description="rooms available for occupancy and RevPAR: every room (capacity), "
        "or rooms less those out of order (capacity_less_ooo)",
    )
    comp_in_adr: bool = Field(
        default=False,
        description="whether complimentary rooms count in ADR (their nights and zero revenue)",
    )
    day_use_charge: Literal["none", "half", "full"] = Field(
        default="full",
        description="what a day-use stay (arrival and departure on one date) is charged: "
        "none, half or a full night",
    )
    amount_cap: int = Field(
        default=AMOUNT_CAP,
        ge=1,
        le=100_000_000,
        description="the largest single charge, payment or nightly price, in whole units of "
        "the currency: a sanity check against a mistyped amount",
    )
    red_prechecks: tuple[str, ...] = Field(
        default=(),
        description="the night audit's pre-checks that stop the audit when they fail "
        "(comma-separated names); the others only warn",
    )

    credit_limit: int = Field(
        default=0,
        ge=0,
        description="a folio owing more than this (minor units) without a card held is a "
        "pre-check of the night audit; 0 means no limit",
    )
    house_use_plans: tuple[str, ...] = Field(
        default=("HOUSE",),
        description="rate plans whose stays are house use (never sold, not in ADR); "
        "comma-separated codes",
    )
    audit_loyalty: bool = Field(
        default=True,
        description="whether the night audit expires loyalty points and reviews tiers",
    )

    @field_validator("red_prechecks", "house_use_plans", mode="before")
    @classmethod
    def _names(cls, value: Any) -> Any:
        """Typed as `a, b`: a comma-separated list."""
        if isinstance(value, str):
            return tuple(name.strip() for name in value.split(",") if name.strip())
        return value


def settings_of(prop: Property) -> PropertySettings:
    """The property's settings, the defaults filled in."""
    return PropertySettings.model_validate(prop.settings or {})


def setting_descriptions() -> dict[str, str]:
    """Each setting's name and what it decides, in the model's order."""
    return {name: field.description or "" for name, field in PropertySettings.model_fields.items()}


def changed_settings(prop: Property, changes: dict[str, str]) -> dict[str, Any]:
    """The property's stored settings with `changes` (typed text by name) applied, checked
    as a whole; refused naming the setting (`settings.comp_in_adr`) when a value is wrong."""
    known = PropertySettings.model_fields
    for key in changes:
        if key not in known:
            raise InvalidInput(
                "settings", f"there is no setting {key!r} (known: {', '.join(known)})"
            )
    merged = {**(prop.settings or {}), **changes}
    try:
        checked = PropertySettings.model_validate(merged)
    except ValidationError as exc:
        error = exc.errors()[0]
        key = str(error["loc"][0]) if error["loc"] else "settings"
        raise InvalidInput(f"settings.{key}", f"setting {key}: {_reason(error)}") from exc
    # Only what differs from the defaults is kept, so a later default reaches every property.
    defaults = PropertySettings()
    return {
        key: value
        for key, value in checked.model_dump(mode="json").items()
        if getattr(checked, key) != getattr(defaults, key)
    }


def _reason(error: Any) -> str:
    if error["type"] == "literal_error":
        return f"must be one of {error['ctx']['expected']}"
    if error["type"] in ("bool_parsing", "bool_type"):
        return "must be true or false"
    return str(error["msg"])
