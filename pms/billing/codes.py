"""Transaction codes: what each posting on a folio is (a charge, tax, payment, refund,
adjustment or transfer) and the description its line gets when the clerk gives none. Taxes post
under `TAX-<the tax's code>`, so a property's own taxes need no entry here."""

from __future__ import annotations

from pms.kernel.errors import InvalidInput

TRANSACTION_CODES: dict[str, tuple[str, str]] = {
    "ROOM": ("charge", "Room"),
    "FNB": ("charge", "Food & beverage"),
    "MINIBAR": ("charge", "Minibar"),
    "PHONE": ("charge", "Telephone"),
    "LAUNDRY": ("charge", "Laundry"),
    "MISC": ("charge", "Miscellaneous"),
    "CANCEL-FEE": ("charge", "Cancellation fee"),
    "NOSHOW-FEE": ("charge", "No-show fee"),
    "PAY-CASH": ("payment", "Payment, cash"),
    "PAY-CARD": ("payment", "Payment, card"),
    "PAY-TERMINAL": ("payment", "Payment, card terminal"),
    "PAY-POINTS": ("payment", "Payment, loyalty points"),
    "PAY-PREVIOUS": ("payment", "Settled in the previous system"),
    "REFUND": ("refund", "Refund"),
    "ADJ": ("adjustment", "Adjustment"),
    "XFER": ("transfer", "Transfer"),
}
#: Taxes post under `TAX-<the tax's code>`, e.g. TAX-VAT.
TAX_PREFIX = "TAX-"
#: A routing rule for this code sends every tax code of the stay.
ALL_TAXES = "TAX"
KINDS = ("charge", "tax", "payment", "refund", "adjustment", "transfer")


#: Points redeemed on a folio (`pms.loyalty`): given back there, with the points, not reversed here.
POINTS_PAYMENT = "PAY-POINTS"

#: A past stay imported from another PMS, invoiced and paid there (`pms.billing.imported_history`).
PREVIOUS_SYSTEM = "PAY-PREVIOUS"

#: Kinds a clerk does not post by hand: payments and refunds go through pms.payments.take.
NOT_BY_HAND = frozenset({"payment", "refund", "transfer"})


def transaction_code(code: str) -> tuple[str, str]:
    """The (kind, description) of a transaction code; `TAX-VAT` is a tax."""
    key = code.strip().upper()
    if key in TRANSACTION_CODES:
        return TRANSACTION_CODES[key]
    if key.startswith(TAX_PREFIX) and len(key) > len(TAX_PREFIX) and len(key) <= 16:
        return "tax", f"Tax {key.removeprefix(TAX_PREFIX)}"
    known = ", ".join(TRANSACTION_CODES)
    raise InvalidInput("code", f"{code.strip()!r} is not a transaction code ({known}, TAX-…)")
