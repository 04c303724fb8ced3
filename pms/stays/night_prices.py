"""What a stay's nights were sold at, as booked: the price of each night and the taxes inside it.

A posted room night names its night in its key (`night:<stay>:<night>:ROOM`); the statistics
split its amount into revenue and the tax inside it, and the invoice states that tax. Both read
the stored nights here, once per set of nights.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import ReservationNight, ReservationTax

#: A stay's night: (reservation id, night).
NightKey = tuple[int, dt.date]


def night_of(posting_key: str | None) -> NightKey | None:
    """The night a room-night posting's unique key names, or None for any other posting."""
    if not posting_key or not posting_key.startswith("night:"):
        return None
    _, stay, night = posting_key.split(":")[:3]
    return int(stay), dt.date.fromisoformat(night)


def prices_and_taxes_inside(
    session: Session, nights: Collection[NightKey]
) -> tuple[dict[NightKey, int], dict[NightKey, dict[str, int]]]:
    """Each night's price, and by tax code the taxes inside that price, as the stay stored them."""
    stays, days = {s for s, _ in nights}, {n for _, n in nights}
    if not stays:
        return {}, {}
    prices = {
        (stay, night): price
        for stay, night, price in session.execute(
            select(ReservationNight.reservation_id, ReservationNight.night, ReservationNight.price)
            .where(ReservationNight.reservation_id.in_(stays), ReservationNight.night.in_(days))
        )
    }  # fmt: skip
    inside: dict[NightKey, dict[str, int]] = {}
    for stay, night, code, amount in session.execute(
        select(ReservationTax.reservation_id, ReservationTax.night, ReservationTax.code,
               ReservationTax.amount)
        .where(ReservationTax.reservation_id.in_(stays), ReservationTax.night.in_(days),
               ReservationTax.included.is_(True))
    ):  # fmt: skip
        taxes = inside.setdefault((stay, night), {})
        taxes[code] = taxes.get(code, 0) + amount
    return prices, inside
