"""History and forecast by room type: the past from the statistics the audit stored, the future
from what is on the books (inventory sold, the booked nights' prices net of the taxes inside
them). Both are a few grouped queries whatever the number of days, and both give a line per
day and room type plus the day's total (room type `ALL`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from db.models import (
    STATISTIC_COUNTS,
    STATISTIC_MONEY,
    DailyStatistic,
    Inventory,
    Reservation,
    ReservationNight,
    ReservationStatus,
    ReservationTax,
    Room,
    RoomType,
)
from pms.hotel.properties import resolve_property
from pms.hotel.property_settings import PropertySettings, settings_of
from pms.kernel.errors import InvalidInput, NotFound
from pms.reports.kpi import kpis
from pms.reports.period import closed_day, read_day

ALL = "ALL"
_LIVE = (ReservationStatus.TENTATIVE, ReservationStatus.CONFIRMED, ReservationStatus.CHECKED_IN)


@dataclass(frozen=True)
class DayLine:
    """One day of one room type (or ALL): rooms, sold, occupancy %, revenue, ADR."""

    date: dt.date
    room_type: str
    basis: str  # "actual" (closed by the audit) or "on the books"
    rooms_available: int
    rooms_sold: int
    occupancy: Decimal
    room_revenue: int
    adr: int


def _check_days(days: int) -> None:
    if not 1 <= days <= 731:
        raise InvalidInput("days", "a history or forecast covers 1 to 731 days")


def _lines(
    rows: dict[tuple[dt.date, str], dict[str, int]], basis: str, prop_settings: PropertySettings
) -> list[DayLine]:
    totals: dict[dt.date, dict[str, int]] = {}
    for (day, _), figures in rows.items():
        total = totals.setdefault(day, defaultdict(int))
        for name, value in figures.items():
            total[name] += value
    every = dict(rows) | {(day, ALL): dict(figures) for day, figures in totals.items()}
    lines = []
    for (day, code), figures in sorted(every.items(), key=lambda x: (x[0][0], x[0][1] == ALL)):
        figure = kpis(figures, prop_settings)
        lines.append(DayLine(day, code, basis, figure.rooms_available, figure.rooms_sold,
                             figure.occupancy, figures["room_revenue"], figure.adr))  # fmt: skip
    return lines


def history(
    session: Session, property_code: str | None = None, days: int = 30,
    day: dt.date | str | None = None,
) -> list[DayLine]:  # fmt: skip
    """The `days` closed days up to `day` (default the last closed), from the statistics."""
    _check_days(days)
    prop, last = closed_day(session, property_code, day)
    first = last - dt.timedelta(days=days - 1)
    fields = STATISTIC_COUNTS + STATISTIC_MONEY
    stats = session.execute(
        select(DailyStatistic, RoomType.code)
        .join(RoomType, RoomType.id == DailyStatistic.room_type_id)
        .where(
            DailyStatistic.property_id == prop.id,
            DailyStatistic.business_date >= first,
            DailyStatistic.business_date <= last,
        )
    ).all()
    rows = {
        (stat.business_date, code): {name: getattr(stat, name) for name in fields}
        for stat, code in stats
    }
    return _lines(rows, "actual", settings_of(prop))


def forecast(
    session: Session, property_code: str | None = None, days: int = 30,
    start: dt.date | str | None = None,
) -> list[DayLine]:  # fmt: skip
    """The `days` nights from `start` (default the business date), as they are on the books."""
    _check_days(days)
    prop = resolve_property(session, property_code)
    first = read_day(prop, start, prop.business_date, "from")
    if first < prop.business_date:
        raise InvalidInput("from", "a forecast starts on the business date or later — "
                                   "the days before are in `pms report history`")  # fmt: skip
    last = first + dt.timedelta(days=days - 1)
    types = dict(session.execute(select(RoomType.id, RoomType.code).where(
        RoomType.property_id == prop.id, or_(RoomType.retired_on.is_(None),
                                             RoomType.retired_on > first)))
        .all())  # fmt: skip
    if not types:
        raise NotFound(f"{prop.code} has no room types to forecast")
    rooms = dict(session.execute(
        select(Room.room_type_id, func.count()).where(
            Room.property_id == prop.id, Room.retired_on.is_(None)).group_by(Room.room_type_id)
    ).all())  # fmt: skip
    booked = session.execute(
        select(Inventory.room_type_id, Inventory.night, Inventory.capacity, Inventory.sold).where(
            Inventory.room_type_id.in_(types), Inventory.night >= first, Inventory.night <= last
        )
    ).all()
    revenue = _booked_revenue(session, list(types), first, last)
    blank = dict.fromkeys(STATISTIC_COUNTS + STATISTIC_MONEY, 0)
    rows: dict[tuple[dt.date, str], dict[str, int]] = {}
    for offset in range(days):
        night = first + dt.timedelta(days=offset)
        for type_id, code in types.items():
            rows[(night, code)] = blank | {"rooms": rooms.get(type_id, 0)}
    for type_id, night, capacity, sold in booked:
        figures = rows[(night, types[type_id])]
        figures |= {"out_of_order": max(0, figures["rooms"] - capacity), "occupied": sold}
    for (type_id, night), amount in revenue.items():
        rows[(night, types[type_id])]["room_revenue"] = amount
    return _lines(rows, "on the books", settings_of(prop))


def _booked_revenue(
    session: Session, type_ids: list[int], first: dt.date, last: dt.date
) -> dict[tuple[int, dt.date], int]:
    """The booked nights' room revenue, net of the taxes inside the prices, per type and night."""
    live = (Reservation.room_type_id.in_(type_ids)) & Reservation.status.in_(_LIVE)
    gross = session.execute(
        select(Reservation.room_type_id, ReservationNight.night, func.sum(ReservationNight.price))
        .join(Reservation, Reservation.id == ReservationNight.reservation_id)
        .where(live, ReservationNight.night >= first, ReservationNight.night <= last)
        .group_by(Reservation.room_type_id, ReservationNight.night)
    ).all()
    inside = dict(
        ((type_id, night), int(amount))
        for type_id, night, amount in session.execute(
            select(Reservation.room_type_id, ReservationTax.night, func.sum(ReservationTax.amount))
            .join(Reservation, Reservation.id == ReservationTax.reservation_id)
            .where(live, ReservationTax.included.is_(True), ReservationTax.night >= first,
                   ReservationTax.night <= last)
            .group_by(Reservation.room_type_id, ReservationTax.night)
        ).all()
    )  # fmt: skip
    return {
        (type_id, night): int(amount) - inside.get((type_id, night), 0)
        for type_id, night, amount in gross
    }
