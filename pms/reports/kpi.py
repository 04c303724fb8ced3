"""The hotel's figures from a period's statistics, per the property's KPI settings.

- rooms available = rooms in inventory, less those out of order when `occupancy_basis` is
  `capacity_less_ooo` (the default);
- rooms sold = rooms occupied less house use (house use is never sold); comp rooms occupy a
  room and count in occupancy;
- occupancy % = rooms sold ÷ rooms available, two decimals, half-up;
- ADR = room revenue (net of tax) ÷ rooms sold, less comp rooms unless `comp_in_adr`;
- RevPAR = room revenue ÷ rooms available; TRevPAR = (room + other revenue) ÷ rooms available;
  money rounded half-up to the minor unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from pms.hotel.property_settings import PropertySettings

_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Kpis:
    """A period's figures: occupancy in per cent, money in minor units."""

    rooms_available: int
    rooms_sold: int
    occupancy: Decimal
    adr: int
    revpar: int
    trevpar: int
    multiple_occupancy: Decimal


def _ratio(part: int, whole: int) -> Decimal:
    if whole <= 0:
        return Decimal("0.00")
    return (Decimal(100) * part / whole).quantize(_CENT, rounding=ROUND_HALF_UP)


def _money(amount: int, rooms: int) -> int:
    if rooms <= 0:
        return 0
    return int((Decimal(amount) / rooms).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def kpis(totals: dict[str, int], settings: PropertySettings) -> Kpis:
    """Occupancy, ADR, RevPAR and TRevPAR of summed statistics (`DailyStatistic` columns)."""
    available = totals["rooms"]
    if settings.occupancy_basis == "capacity_less_ooo":
        available -= totals["out_of_order"]
    sold = totals["occupied"] - totals["house_use"]
    for_adr = sold if settings.comp_in_adr else sold - totals["comp"]
    revenue = totals["room_revenue"]
    return Kpis(
        rooms_available=available,
        rooms_sold=sold,
        occupancy=_ratio(sold, available),
        adr=_money(revenue, for_adr),
        revpar=_money(revenue, available),
        trevpar=_money(revenue + totals["other_revenue"], available),
        multiple_occupancy=_ratio(totals["multiple_occupied"], totals["occupied"]),
    )
