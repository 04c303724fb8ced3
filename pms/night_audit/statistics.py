"""The day's statistics per room type (OPERA's daily statistics are the model), stored when the
day closes and never recomputed: a closed day reads the same forever, and a correction lands on
a later day. Room revenue is net of tax: taxes inside the price (VAT-inclusive sheets) come out
of the room line in proportion to what was posted of the night, and other revenue is net of
the VAT each extra was posted with.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from db.folios import Folio, Posting
from db.models import (
    STATISTIC_COUNTS,
    STATISTIC_MONEY,
    AuditLog,
    AuditRun,
    DailyStatistic,
    OutOfOrder,
    Property,
    RatePlan,
    Reservation,
    ReservationNight,
    ReservationStatus,
    ReservationTax,
    Room,
    RoomType,
)
from pms.hotel.property_settings import settings_of
from pms.kernel.money import included_share
from pms.stays.night_prices import night_of, prices_and_taxes_inside

Figures = dict[str, int]


def _counted(session: Session, statement: Any) -> dict[int, int]:
    return {type_id: count for type_id, count in session.execute(statement).all()}


def _house(session: Session, prop: Property, day: dt.date, tonight: bool) -> dict[int, Figures]:
    """Rooms in inventory, out of order and out of service, per room type. Out of service is
    how a room is now, with no dates: it counts tonight only."""
    live = (Room.property_id == prop.id) & or_(Room.retired_on.is_(None), Room.retired_on > day)
    by_type = select(Room.room_type_id, func.count(func.distinct(Room.id))).group_by(
        Room.room_type_id
    )
    rooms = _counted(session, by_type.where(live))
    broken = _counted(
        session,
        by_type.join(OutOfOrder, OutOfOrder.room_id == Room.id).where(
            live, OutOfOrder.start_date <= day, OutOfOrder.end_date > day
        ),
    )
    idle = _counted(session, by_type.where(live, Room.out_of_service != "")) if tonight else {}
    figures: dict[int, Figures] = defaultdict(lambda: dict.fromkeys(STATISTIC_COUNTS, 0))
    for type_id, count in rooms.items():
        figures[type_id] |= {
            "rooms": count,
            "out_of_order": broken.get(type_id, 0),
            "out_of_service": idle.get(type_id, 0),
        }
    return figures


def _occupancy(
    session: Session,
    prop: Property,
    day: dt.date,
    figures: dict[int, Figures],
    stayed: tuple[ReservationStatus, ...],
) -> None:
    """Occupied rooms, comp and house use, multiple occupancy and guests of the night, of the
    stays with a status in `stayed` (tonight: in house; a past night: gone since, too)."""
    house_plans = settings_of(prop).house_use_plans
    rows = session.execute(
        select(
            Reservation.room_type_id,
            Reservation.adults,
            Reservation.children,
            RatePlan.code,
            ReservationNight.price,
        )
        .join(RatePlan, RatePlan.id == Reservation.rate_plan_id)
        .join(
            ReservationNight,
            (ReservationNight.reservation_id == Reservation.id) & (ReservationNight.night == day),
        )
        .where(
            Reservation.property_id == prop.id,
            Reservation.status.in_(stayed),
            Reservation.arrival <= day,
            Reservation.departure > day,
        )
    ).all()
    for row in rows:
        counts = figures[row.room_type_id]
        counts["occupied"] += 1
        if row.code in house_plans:
            counts["house_use"] += 1
        elif row.price == 0:
            counts["comp"] += 1
        counts["multiple_occupied"] += row.adults + row.children > 1
        counts["adults"] += row.adults
        counts["children"] += row.children


def _logged(session: Session, prop: Property, stays: list[Any]) -> tuple[set[int], set[int]]:
    """The stays that left early and those extended since the last audit, from the audit log."""
    since = session.scalar(
        select(func.max(AuditRun.finished_at)).where(
            AuditRun.property_id == prop.id, AuditRun.status == "done"
        )
    )
    left = {s.id for s in stays if s.status == ReservationStatus.CHECKED_OUT}
    logged = select(AuditLog.action, AuditLog.entity_id, AuditLog.after).where(
        AuditLog.entity == "reservation",
        AuditLog.action.in_(["check_out", "extend"]),
        AuditLog.entity_id.in_([s.id for s in stays]),
    )
    if since is not None:
        logged = logged.where(AuditLog.at > since)
    early, extended = set(), set()
    for action, entity_id, after in session.execute(logged):
        if action == "extend":
            extended.add(entity_id)
        elif entity_id in left and (after or {}).get("early_departure"):
            early.add(entity_id)
    return early, extended


def _movements(
    session: Session, prop: Property, day: dt.date, figures: dict[int, Figures], tonight: bool
) -> None:
    """Arrivals, walk-ins, day use, departures (early ones too), no-shows and extensions.
    Early departures and extensions are read from what the desk did since the last audit, so
    only `tonight`: a past day (stays imported) has none on record."""
    stays = session.execute(
        select(
            Reservation.id, Reservation.room_type_id, Reservation.status, Reservation.source,
            Reservation.arrival, Reservation.departure,
        ).where(
            Reservation.property_id == prop.id,
            or_(Reservation.arrival == day, Reservation.departure == day,
                Reservation.status == ReservationStatus.CHECKED_IN),
        )
    ).all()  # fmt: skip
    early, extended = _logged(session, prop, list(stays)) if tonight else (set(), set())
    came = (ReservationStatus.CHECKED_IN, ReservationStatus.CHECKED_OUT)
    for stay in stays:
        counts = figures[stay.room_type_id]
        if stay.arrival == day and stay.status in came:
            counts["arrivals"] += 1
            counts["walk_ins"] += stay.source == "walk-in"
            # Tonight a stay that arrived and has gone is a day use; a past stay only if it
            # also departed that day (it may have stayed on since).
            gone = stay.status == ReservationStatus.CHECKED_OUT
            counts["day_use"] += gone and (tonight or stay.departure == day)
        elif stay.departure == day and stay.status == ReservationStatus.CHECKED_OUT:
            counts["departures"] += 1
            counts["early_departures"] += stay.id in early
        if stay.arrival == day and stay.status == ReservationStatus.NO_SHOW:
            counts["no_shows"] += 1
        if stay.status == ReservationStatus.CHECKED_IN:
            counts["extensions"] += stay.id in extended


def _revenue(session: Session, prop: Property, day: dt.date) -> dict[int, Figures]:
    """Room revenue and other revenue (both net of tax) and tax posted on `day`, per room
    type."""
    rows = session.execute(
        select(
            Reservation.id, Reservation.room_type_id, Posting.kind, Posting.code,
            Posting.amount, Posting.unique_key, Posting.vat_amount,
        )
        .join(Folio, Folio.id == Posting.folio_id)
        .join(Reservation, Reservation.id == Folio.reservation_id)
        .where(Folio.property_id == prop.id, Posting.business_date == day,
               Posting.kind.in_(["charge", "tax", "adjustment"]))
    ).all()  # fmt: skip
    nights = {night for r in rows if r.code == "ROOM" and (night := night_of(r.unique_key))}
    prices, inside = prices_and_taxes_inside(session, nights)
    money: dict[int, Figures] = defaultdict(lambda: dict.fromkeys(STATISTIC_MONEY, 0))
    for row in rows:
        counts = money[row.room_type_id]
        if row.kind == "tax":
            counts["tax"] += row.amount
        elif row.code != "ROOM":
            # Net of the VAT inside an extra's price, as room revenue is net of the room's.
            counts["other_revenue"] += row.amount - (row.vat_amount or 0)
            counts["tax"] += row.vat_amount or 0
        else:
            night = night_of(row.unique_key)
            tax_inside = sum(inside.get(night, {}).values()) if night else 0
            included = included_share(tax_inside, row.amount, prices.get(night, 0) if night else 0)
            counts["room_revenue"] += row.amount - included
            counts["tax"] += included
    return money


def _nights_revenue(session: Session, prop: Property, day: dt.date) -> dict[int, Figures]:
    """Room revenue (net of the taxes inside the prices) and tax of the nights of `day` of the
    stays gone since: their system charged them, so their prices are that night's revenue. A
    stay still in house is left out: its nights are charged here at check-out and counted then."""
    gone = (
        (Reservation.property_id == prop.id)
        & (Reservation.status == ReservationStatus.CHECKED_OUT)
        & (Reservation.arrival <= day)  # the stays around the night, on the index
        & (Reservation.departure > day)
    )
    money: dict[int, Figures] = defaultdict(lambda: dict.fromkeys(STATISTIC_MONEY, 0))
    for type_id, amount in session.execute(
        select(Reservation.room_type_id, func.sum(ReservationNight.price))
        .join(ReservationNight, ReservationNight.reservation_id == Reservation.id)
        .where(gone, ReservationNight.night == day)
        .group_by(Reservation.room_type_id)
    ):
        money[type_id]["room_revenue"] += int(amount)
    for type_id, included, amount in session.execute(
        select(Reservation.room_type_id, ReservationTax.included, func.sum(ReservationTax.amount))
        .join(ReservationTax, ReservationTax.reservation_id == Reservation.id)
        .where(gone, ReservationTax.night == day)
        .group_by(Reservation.room_type_id, ReservationTax.included)
    ):
        if included:
            money[type_id]["room_revenue"] -= int(amount)
        money[type_id]["tax"] += int(amount)
    return money


def day_statistics(
    session: Session, prop: Property, day: dt.date, tonight: bool = True
) -> dict[int, dict[str, int]]:
    """The figures of `day` per room type id: `tonight`, as the audit stores them (the stays in
    house, the revenue posted); else of a past day the audit never closed, from the stays'
    nights (imported history: the stays that slept here, their nights' prices)."""
    figures = _house(session, prop, day, tonight)
    for type_id in session.scalars(select(RoomType.id).where(RoomType.property_id == prop.id)):
        figures.setdefault(type_id, dict.fromkeys(STATISTIC_COUNTS, 0))  # a row for every type
    stayed = (ReservationStatus.CHECKED_IN,)
    gone = (*stayed, ReservationStatus.CHECKED_OUT)
    _occupancy(session, prop, day, figures, stayed if tonight else gone)
    _movements(session, prop, day, figures, tonight)
    money = _revenue(session, prop, day) if tonight else _nights_revenue(session, prop, day)
    zero = dict.fromkeys(STATISTIC_MONEY, 0)
    return {type_id: counts | money.get(type_id, zero) for type_id, counts in figures.items()}


def store_statistics(session: Session, prop: Property, day: dt.date, tonight: bool = True) -> int:
    """Store the statistics of `day` once (a rerun, or an import of stays of a day the audit
    closed, finds them there and leaves them); returns the room types stored."""
    stored = session.scalar(
        select(func.count()).where(
            DailyStatistic.property_id == prop.id, DailyStatistic.business_date == day
        )
    )
    if stored:
        return 0
    rows = day_statistics(session, prop, day, tonight)
    session.add_all(
        DailyStatistic(property_id=prop.id, business_date=day, room_type_id=type_id, **figures)
        for type_id, figures in rows.items()
    )
    session.flush()
    return len(rows)
