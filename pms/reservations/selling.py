"""The steps booking a stay and changing one share: pricing its nights from the rate sheet,
selling them in the inventory (past the limit only on a manager's word), and storing the prices
the guest accepted, per night with their tax lines, so later rate changes never touch them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from db.models import RatePlan, Reservation, ReservationNight, ReservationTax, RoomType
from pms.inventory.nights import take
from pms.kernel.errors import InvalidInput, SoldOut
from pms.kernel.permissions import require
from pms.rates.pricing import NightQuote, Party
from pms.rates.ratesheet import RateSheet


def priced(
    sheet: RateSheet, plan: RatePlan, room_type: RoomType, nights: list[dt.date], party: Party
) -> list[NightQuote]:
    """Every night priced from the sheet, or a clear refusal when a night has no price."""
    quotes = sheet.price_stay(plan, room_type, nights, party)
    if quotes is None:
        raise InvalidInput("rate_plan", f"rate plan {plan.code} has no price for {room_type.code}")
    return quotes


def sell_nights(
    session: Session, room_type: RoomType, nights: list[dt.date], overbook: bool
) -> bool:
    """Take the nights; a manager's overbooking goes past the limit. True when the stay is
    overbooked: it used the allowance, or went past it."""
    try:
        return take(session, room_type, nights)
    except SoldOut:
        if not overbook:
            raise
    require(session, "reservation.overbook")
    take(session, room_type, nights, overbook=True)
    return True


def price_lines(
    quotes: list[NightQuote], **fixed: Any
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The quoted nights as reservation night rows and reservation tax rows, each with the
    `fixed` values too (a new stay's id, for its INSERTs)."""
    nights = [{**fixed, "night": q.night, "price": q.room} for q in quotes]
    taxes = [
        {**fixed, "night": q.night, "code": t.code, "amount": t.amount, "included": t.included}
        for q in quotes
        for t in q.taxes
    ]
    return nights, taxes


def store_prices(reservation: Reservation, quotes: list[NightQuote]) -> None:
    """Replace the stay's nights and tax lines with these quoted ones."""
    nights, taxes = price_lines(quotes)
    reservation.nights = [ReservationNight(**night) for night in nights]
    reservation.taxes = [ReservationTax(**tax) for tax in taxes]
