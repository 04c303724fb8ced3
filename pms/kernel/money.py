"""Money: Decimal amounts, stored as integers in the currency's minor unit, rounded half-up;
and the percentages of a price, in basis points."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_currency, get_currency_precision

from pms.kernel.errors import InvalidInput

#: Amounts are stored in 64-bit integers; nothing a hotel sells comes near this many cents.
LARGEST_MINOR = 10**15


def minor_exponent(currency: str) -> int:
    """Digits after the decimal point: 2 for EUR, 0 for JPY."""
    return get_currency_precision(currency)


def to_minor(amount: Decimal | str | int, currency: str, *, field: str = "amount") -> int:
    """An amount as typed (`89.5`, `120`) in minor units, rounded half-up to the currency."""
    try:
        value = Decimal(str(amount).strip())
    except InvalidOperation as exc:
        raise InvalidInput(field, f"{field} {amount!r} is not an amount of money") from exc
    if not value.is_finite():
        raise InvalidInput(field, f"{field} {amount!r} is not an amount of money")
    try:
        scaled = value.scaleb(minor_exponent(currency)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than any amount has (1E100)
        scaled = Decimal(LARGEST_MINOR)
    if abs(scaled) >= LARGEST_MINOR:
        raise InvalidInput(field, f"{field} {amount!r} is far too large an amount")
    return int(scaled)


def exact_minor(amount: Decimal | str | int, currency: str, *, field: str = "amount") -> int:
    """An amount written in a file (`120.50`) in minor units, refused when it has more decimals
    than the currency (a file is not typed by hand: `120.505` is a mistake, not a rounding)."""
    minor = to_minor(amount, currency, field=field)
    if Decimal(str(amount).strip()).scaleb(minor_exponent(currency)) != minor:
        places = minor_exponent(currency)
        raise InvalidInput(
            field, f"{field} {amount!r} has more than {places} decimals for {currency}"
        )
    return minor


def from_minor(minor: int, currency: str) -> Decimal:
    """Minor units back to a Decimal amount with the currency's exponent."""
    return Decimal(minor).scaleb(-minor_exponent(currency))


def format_money(minor: int, currency: str, locale: str = "en_US") -> str:
    """`€1,234.50`-style text for people."""
    return format_currency(from_minor(minor, currency), currency, locale=locale)


def percent_bp(text: str, field: str) -> int:
    """A percentage as typed (`-10`, `12.5`, `6%`) in basis points: 12.5 → 1250. Read through
    Decimal, so that no float ever rounds a price."""
    try:
        value = Decimal(text.strip().removesuffix("%").strip())
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise InvalidInput(field, f"{field} {text!r} is not a percentage (e.g. -10 or 12.5)")
    points = value * 100
    if points != points.to_integral_value():
        raise InvalidInput(field, f"{field} {text!r} has more than two decimals")
    return int(points)
