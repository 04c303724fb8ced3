"""The largest single amount a property takes: its `amount_cap` setting, a sanity check against a
mistyped amount on every charge, payment and nightly price.

It is read here from the property's stored settings alone, without the settings model of
`pms.hotel.property_settings`: every folio and rate-sheet service checks it, and building that
model would load pydantic for read commands that only show a stay (`pms reservation show`). The
stored settings were checked by the model when they were changed, and hold only what differs from
the defaults, so a missing key is the default below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pms.kernel.errors import InvalidInput
from pms.kernel.money import format_money, minor_exponent

if TYPE_CHECKING:
    from db.models import Property

#: The default cap, in whole units of the currency (the settings model's default too).
AMOUNT_CAP = 1_000_000


def check_amount_cap(prop: Property, amount: int, field: str = "amount") -> int:
    """An amount (minor units) within the property's `amount_cap`, or InvalidInput."""
    whole_units = (prop.settings or {}).get("amount_cap", AMOUNT_CAP)
    cap = whole_units * 10 ** minor_exponent(prop.currency)
    if abs(amount) > cap:
        raise InvalidInput(
            field,
            f"{field.replace('_', ' ')} may be at most {format_money(cap, prop.currency)} "
            "at this hotel (setting amount_cap)",
        )
    return amount
