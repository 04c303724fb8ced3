"""The checks of what an administrator types when setting up a hotel: codes, currency, time
zone, check-in and check-out times, occupancies and feature names.

Every face (the CLI, the Set-up screens, `hotel.toml`) reaches them through the services, or
calls them itself to check a field as it is left, so a mistake reads the same everywhere. Each
returns the value in the form it is stored, or raises `InvalidInput` naming the field.
"""

from __future__ import annotations

import re
import zoneinfo

from babel.numbers import UnknownCurrencyError, get_currency_name

from pms.kernel.errors import InvalidInput

#: Longest code of a property, room type, rate plan or tax.
CODE_LENGTH = 12
#: Longest feature name ("sea view", "accessible").
FEATURE_LENGTH = 40

_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?$")
_FEATURE = re.compile(r"^\w[\w &'/+-]*$")


def code(text: str, field: str = "code", what: str = "code") -> str:
    """A code as stored: upper case, 1–12 letters or digits (`what` names it in the message,
    e.g. "room type code")."""
    value = text.strip().upper()
    if not value.isalnum() or not value.isascii() or len(value) > CODE_LENGTH:
        raise InvalidInput(field, f"{what} {value!r} must be 1–{CODE_LENGTH} letters or digits")
    return value


def currency(text: str) -> str:
    """An ISO 4217 currency code, upper case."""
    value = text.strip().upper()
    try:
        get_currency_name(value)
    except UnknownCurrencyError as exc:
        raise InvalidInput("currency", f"{text.strip()!r} is not an ISO currency code") from exc
    if len(value) != 3:
        raise InvalidInput("currency", f"{text.strip()!r} is not an ISO currency code")
    return value


def time_zone(text: str) -> str:
    """An IANA time zone name, as typed (they are case-sensitive)."""
    value = text.strip()
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput(
            "timezone", f"{value!r} is not a time zone (e.g. Europe/Lisbon)"
        ) from exc
    return value


def hour(text: str | int, field: str) -> int:
    """A check-in or check-out time, `15:00` or `15`, as its hour: the desk works in whole
    hours (cancellation deadlines count back from check-in)."""
    if isinstance(text, int):
        value, minutes = text, "00"
    else:
        match = _TIME.match(text.strip())
        if match is None:
            raise InvalidInput(field, f"{text.strip()!r} is not a time of day, like 15:00")
        value, minutes = int(match.group(1)), match.group(2) or "00"
    if not 0 <= value <= 23:
        raise InvalidInput(field, f"{field.replace('_', ' ')} must be between 00:00 and 23:00")
    if minutes != "00":
        raise InvalidInput(field, "times are on the hour, like 15:00")
    return value


def clock(value: int) -> str:
    """An hour as the desk reads it: 15 → `15:00`."""
    return f"{value:02d}:00"


def name(text: str, field: str, what: str, length: int) -> str:
    """A name that must be there and fit its column."""
    value = " ".join(text.split())
    if not value:
        raise InvalidInput(field, f"the {what} needs a name")
    if len(value) > length:
        raise InvalidInput(field, f"the {what}'s name may be at most {length} characters")
    return value


def optional_text(text: str, field: str, length: int) -> str:
    """Free text that may be empty (a city, an address, a tax number) and must fit."""
    value = " ".join(text.split())
    if len(value) > length:
        raise InvalidInput(field, f"{field.replace('_', ' ')} may be at most {length} characters")
    return value


def occupancy(max_occupancy: int, base_occupancy: int) -> None:
    """A room holds at least one guest, and its base occupancy is within what it holds."""
    if max_occupancy < 1:
        raise InvalidInput("max_occupancy", "a room must hold at least one guest")
    if max_occupancy > 20:
        raise InvalidInput("max_occupancy", "a room may hold at most 20 guests")
    if not 1 <= base_occupancy <= max_occupancy:
        raise InvalidInput(
            "base_occupancy", f"base occupancy must be between 1 and the maximum ({max_occupancy})"
        )


def not_negative(value: int, field: str, what: str) -> int:
    """A count or an amount that cannot go below zero."""
    if value < 0:
        raise InvalidInput(field, f"{what} cannot be negative")
    return value


def feature(text: str, field: str = "features") -> str:
    """A feature's name as the vocabulary keeps it: lower case, single spaces."""
    value = " ".join(text.split()).lower()
    if not value:
        raise InvalidInput(field, "a feature needs a name, like 'sea view'")
    if len(value) > FEATURE_LENGTH or not _FEATURE.match(value):
        raise InvalidInput(
            field,
            f"feature {value!r} must be up to {FEATURE_LENGTH} letters, digits, spaces or -",
        )
    return value
