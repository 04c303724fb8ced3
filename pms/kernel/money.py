"""Money: Decimal amounts, stored as integers in the currency's minor unit, rounded half-up;
and the percentages of a price, in basis points."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_currency, get_currency_precision

from pms.kernel.errors import InvalidInput
from pms.kernel.validation import shown


def minor_exponent(currency: str) -> int:
    """Digits after the decimal point: 2 for EUR, 0 for JPY."""
    return get_currency_precision(currency)


#: The largest amount any single figure may be, in minor units (€100,000,000.00): far above
#: any night, charge or payment of a hotel, far below what a BIGINT holds. A property may set
#: a lower `amount_cap`; this one is for every face before it knows the property.
AMOUNT_CEILING = 10**10
#: Longest amount as typed: `-1,000,000,000.00` fits, a 400-digit number does not.
_AMOUNT_TEXT_LENGTH = 20


def to_minor(amount: Decimal | str | int, currency: str, *, field: str = "amount") -> int:
    """An amount as typed (`89.5`, `120`) in minor units: exact, never rounded.

    More decimals than the currency has (`12.505` in EUR), exponents (`1e309`), more than
    `_AMOUNT_TEXT_LENGTH` characters and anything beyond `AMOUNT_CEILING` are refused, so
    every face stores what the person meant or nothing.
    """
    typed = str(amount).strip()
    what = field.replace("_", " ")
    if len(typed) > _AMOUNT_TEXT_LENGTH or "e" in typed.lower():
        raise InvalidInput(field, f"{what} {shown(typed)} is not an amount of money")
    try:
        value = Decimal(typed)
    except InvalidOperation as exc:
        raise InvalidInput(field, f"{what} {shown(typed)} is not an amount of money") from exc
    if not value.is_finite():
        raise InvalidInput(field, f"{what} {shown(typed)} is not an amount of money")
    exponent = minor_exponent(currency)
    scaled = value.scaleb(exponent)
    if scaled != scaled.to_integral_value():
        raise InvalidInput(field, f"{what} {shown(typed)} has more than {exponent} decimals")
    minor = int(scaled.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if abs(minor) > AMOUNT_CEILING:
        limit = format_money(AMOUNT_CEILING, currency)
        raise InvalidInput(field, f"{what} may be at most {limit}")
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
    typed = text.strip().removesuffix("%").strip()
    try:
        value = Decimal(typed) if len(typed) <= 12 and "e" not in typed.lower() else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or abs(value) > 10_000:
        raise InvalidInput(field, f"{field} {shown(text)} is not a percentage (e.g. -10 or 12.5)")
    points = value * 100
    if points != points.to_integral_value():
        raise InvalidInput(field, f"{field} {shown(text)} has more than two decimals")
    return int(points)


def included_share(tax: int, posted: int, price: int) -> int:
    """The part of the taxes inside a night's price carried by what was posted of it (all of it
    for a full night, half for a half-price day use), rounded half-up as every line is."""
    if not tax or not price:
        return 0
    return int((Decimal(tax) * posted / price).quantize(Decimal(1), rounding=ROUND_HALF_UP))
