"""The night audit's pre-checks: what is left undone on the business date, each red (stops the
audit) or yellow (warns), with what to do about it and the command that does it.

An unattended run (cron at 2 a.m.) answers every yellow item with its default resolution
(`--yes`); the property's `red_prechecks` setting makes any of them red, and a red item is
either fixed or overridden by a supervisor with a reason (audit-logged). A departure that was
not checked out is kept one more night at its rate and flagged for the morning desk; when its
room or the inventory for the night is not there, that is red whatever the settings say.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from db.folios import Folio, Payment, Posting
from db.models import (
    Inventory,
    OutOfOrder,
    Property,
    RatePlan,
    Reservation,
    ReservationNight,
    ReservationStatus,
    Room,
    RoomNight,
)
from pms.hotel.property_settings import settings_of
from pms.kernel.money import format_money

#: Every pre-check by name, with (what it finds, what to do, what `--yes` does about it).
PRECHECKS: dict[str, tuple[str, str, str]] = {
    "arrivals_not_checked_in": (
        "arrivals of the day not checked in",
        "check them in (`pms checkin CONF`, Arrivals on the desk) or cancel them",
        "they become no-shows in the next step",
    ),
    "departures_not_checked_out": (
        "departures of the day not checked out",
        "check them out (`pms checkout CONF`) or extend them (`pms room extend`)",
        "each stays one more night at its rate, flagged for the morning desk",
    ),
    "departures_without_room": (
        "departures not checked out whose room or inventory is gone for tonight",
        "check them out, or move them (`pms room move`) to a free room",
        "none: the audit cannot keep them",
    ),
    "pending_card_payments": (
        "card payments left pending",
        "reconcile them with the processor (`pms payments reconcile`)",
        "left pending for the morning",
    ),
    "zero_priced_stays": (
        "in-house stays priced at zero tonight",
        "confirm them as comp, or book them on a house-use plan (HOUSE)",
        "counted as complimentary rooms",
    ),
    "room_status_mismatch": (
        "in-house stays with no room tonight, or in a room out of order or out of service",
        "give them a room (`pms room assign`) or move them (`pms room move`)",
        "counted as they stand",
    ),
    "credit_limit": (
        "folios over the credit limit without a card held",
        "take a payment or a card hold (`pms folio pay`)",
        "left for the morning desk",
    ),
}
#: Pre-checks that are red whatever the property's settings say.
ALWAYS_RED = frozenset({"departures_without_room"})


@dataclass(frozen=True)
class Finding:
    """One pre-check that found something: its level, what to do, and the stays or rooms."""

    name: str
    level: str  # "red" stops the audit, "yellow" warns
    title: str
    fix: str
    default: str
    items: tuple[str, ...] = field(default_factory=tuple)


def _in_house(prop: Property, day: dt.date) -> object:
    return and_(
        Reservation.property_id == prop.id,
        Reservation.status == ReservationStatus.CHECKED_IN,
        Reservation.arrival <= day,
        Reservation.departure > day,
    )


def arrivals_left(session: Session, prop: Property, day: dt.date) -> list[Reservation]:
    """Arrivals of `day` still not checked in (the no-shows of the next step)."""
    return list(
        session.scalars(
            select(Reservation)
            .where(
                Reservation.property_id == prop.id,
                Reservation.arrival == day,
                Reservation.status.in_([ReservationStatus.CONFIRMED, ReservationStatus.TENTATIVE]),
            )
            .order_by(Reservation.id)
        )
    )


def departures_left(session: Session, prop: Property, day: dt.date) -> list[Reservation]:
    """In-house stays due out on or before `day` and still not checked out."""
    return list(
        session.scalars(
            select(Reservation)
            .where(
                Reservation.property_id == prop.id,
                Reservation.status == ReservationStatus.CHECKED_IN,
                Reservation.departure <= day,
            )
            .order_by(Reservation.id)
        )
    )


def can_keep_tonight(session: Session, reservation: Reservation, day: dt.date) -> bool:
    """Whether a departure not checked out can stay the night of `day` in its last room: the
    room free and in order, and a room of its type left to sell."""
    room_id = session.scalar(
        select(RoomNight.room_id)
        .where(RoomNight.reservation_id == reservation.id)
        .order_by(RoomNight.night.desc())
        .limit(1)
    )
    if room_id is None:
        return False
    taken = session.scalar(
        select(func.count()).where(RoomNight.room_id == room_id, RoomNight.night == day)
    )
    broken = session.scalar(
        select(func.count()).where(
            OutOfOrder.room_id == room_id, OutOfOrder.start_date <= day, OutOfOrder.end_date > day
        )
    )
    counts = session.execute(
        select(Inventory.capacity, Inventory.sold).where(
            Inventory.room_type_id == reservation.room_type_id, Inventory.night == day
        )
    ).first()
    left = counts is None or counts.capacity + reservation.room_type.overbooking_allowance > (
        counts.sold
    )
    return not taken and not broken and left


def _pending_payments(session: Session, prop: Property) -> list[str]:
    rows = session.execute(
        select(Payment.id, Payment.amount, Payment.currency)
        .join(Folio, Folio.id == Payment.folio_id)
        .where(Folio.property_id == prop.id, Payment.state == "pending")
        .order_by(Payment.id)
    ).all()
    return [f"payment {r.id} ({format_money(r.amount, r.currency)})" for r in rows]


def _zero_priced(session: Session, prop: Property, day: dt.date) -> list[str]:
    house = settings_of(prop).house_use_plans
    return list(
        session.scalars(
            select(Reservation.confirmation)
            .join(ReservationNight, ReservationNight.reservation_id == Reservation.id)
            .join(RatePlan, RatePlan.id == Reservation.rate_plan_id)
            .where(
                _in_house(prop, day),
                ReservationNight.night == day,
                ReservationNight.price == 0,
                RatePlan.code.not_in(house),
            )
            .order_by(Reservation.confirmation)
        )
    )


def _mismatches(session: Session, prop: Property, day: dt.date) -> list[str]:
    roomless = session.scalars(
        select(Reservation.confirmation)
        .where(
            _in_house(prop, day),
            ~exists().where(RoomNight.reservation_id == Reservation.id, RoomNight.night == day),
        )
        .order_by(Reservation.confirmation)
    ).all()
    out_of_order = exists().where(
        OutOfOrder.room_id == Room.id, OutOfOrder.start_date <= day, OutOfOrder.end_date > day
    )
    unfit = session.scalars(
        select(Room.number)
        .join(RoomNight, RoomNight.room_id == Room.id)
        .join(Reservation, Reservation.id == RoomNight.reservation_id)
        .where(_in_house(prop, day), RoomNight.night == day)
        .where(out_of_order | (Room.out_of_service != ""))
        .order_by(Room.number)
    ).all()
    return [f"{c} has no room" for c in roomless] + [f"room {n} occupied" for n in unfit]


def _over_limit(session: Session, prop: Property, day: dt.date) -> list[str]:
    limit = settings_of(prop).credit_limit
    if not limit:
        return []
    held = exists().where(Payment.folio_id == Folio.id, Payment.state == "authorised")
    rows = session.execute(
        select(Reservation.confirmation, func.sum(Posting.amount).label("balance"))
        .join(Folio, Folio.reservation_id == Reservation.id)
        .join(Posting, Posting.folio_id == Folio.id)
        .where(_in_house(prop, day), Folio.status == "open", ~held)
        .group_by(Reservation.confirmation, Folio.id)
        .having(func.sum(Posting.amount) > limit)
        .order_by(Reservation.confirmation)
    ).all()
    return [f"{r.confirmation} owes {format_money(r.balance, prop.currency)}" for r in rows]


def find_prechecks(session: Session, prop: Property, day: dt.date) -> list[Finding]:
    """Every pre-check that finds something on `day`, red ones first."""
    departures = departures_left(session, prop, day)
    stuck = [r for r in departures if not can_keep_tonight(session, r, day)]
    found = {
        "arrivals_not_checked_in": [r.confirmation for r in arrivals_left(session, prop, day)],
        "departures_not_checked_out": [r.confirmation for r in departures if r not in stuck],
        "departures_without_room": [r.confirmation for r in stuck],
        "pending_card_payments": _pending_payments(session, prop),
        "zero_priced_stays": _zero_priced(session, prop, day),
        "room_status_mismatch": _mismatches(session, prop, day),
        "credit_limit": _over_limit(session, prop, day),
    }
    red = set(settings_of(prop).red_prechecks) | ALWAYS_RED
    findings = [
        Finding(name, "red" if name in red else "yellow", *PRECHECKS[name], items=tuple(items))
        for name, items in found.items()
        if items
    ]
    return sorted(findings, key=lambda f: f.level != "red")
