"""How the front desk writes a date: short in lists and grids, in full in forms and details."""

from __future__ import annotations

import datetime as dt


def short_date(day: dt.date) -> str:
    """`Thu 03 Dec`: how lists and grids show a date (the year is rarely in doubt at a desk)."""
    return f"{day:%a %d %b}"


def long_date(day: dt.date) -> str:
    """`Thu 03 Dec 2026`: how forms and the detail screen spell out a date."""
    return f"{day:%a %d %b %Y}"
