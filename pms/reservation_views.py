"""Reading reservations: the plain views screens and commands show, and the lookups behind them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from db.models import (
    Guest,
    Property,
    RatePlan,
    Reservation,
    ReservationStatus,
    Room,
    RoomNight,
    RoomType,
)
from pms.errors import ConcurrentChange, InvalidInput, NotFound
from pms.guests import display_name
from pms.pricing import NightQuote, TaxLine
from pms.properties import resolve_property
from pms.ratesheet import cancel_policy

#: Statuses that hold a room of their type for their nights (sold in the inventory).
HOLDING = frozenset(
    {
        ReservationStatus.TENTATIVE,
        ReservationStatus.CONFIRMED,
        ReservationStatus.CHECKED_IN,
        ReservationStatus.CHECKED_OUT,
    }
)
#: Statuses a booking can still be changed or cancelled in from the reservation screens.
CHANGEABLE = frozenset({ReservationStatus.TENTATIVE, ReservationStatus.CONFIRMED})


@dataclass(frozen=True)
class NightPrice:
    """One night of a stay and the price the guest accepted for it (minor units)."""

    night: dt.date
    price: int


@dataclass(frozen=True)
class TaxView:
    """One tax line of one night; `included` lines are already inside the night's price."""

    night: dt.date
    code: str
    amount: int
    included: bool


@dataclass(frozen=True)
class ReservationView:
    """A reservation as the desk shows it; `version` goes back with any change to it."""

    confirmation: str
    status: str
    property_code: str
    currency: str
    guest_name: str
    email: str
    phone: str
    room_type: str
    rate_plan: str
    arrival: dt.date
    departure: dt.date
    adults: int
    children: int
    nightly: list[NightPrice]
    taxes: list[TaxView]
    rooms: list[str]
    source: str
    overbooked: bool
    meal_plan: str
    policy: str
    cancellation_fee: int
    version: int

    @property
    def nights(self) -> int:
        """Length of stay."""
        return (self.departure - self.arrival).days

    @property
    def room_total(self) -> int:
        """The stay's room revenue: the sum of the nightly lines."""
        return sum(n.price for n in self.nightly)

    @property
    def total(self) -> int:
        """What the guest pays: the nights plus the taxes not already inside them."""
        return self.room_total + sum(t.amount for t in self.taxes if not t.included)

    @property
    def room(self) -> str:
        """The assigned room(s) as one label, '' when none."""
        return "/".join(self.rooms)


@dataclass(frozen=True)
class ReservationSummary:
    """One line of a reservation list."""

    confirmation: str
    status: str
    guest_name: str
    room_type: str
    room: str
    arrival: dt.date
    departure: dt.date
    adults: int
    children: int

    @property
    def nights(self) -> int:
        """Length of stay."""
        return (self.departure - self.arrival).days


def load_reservation(session: Session, confirmation: str) -> Reservation:
    """The reservation with this confirmation number (case and dashes forgiven)."""
    wanted = normalise_confirmation(confirmation)
    reservation = session.scalar(
        select(Reservation)
        .where(Reservation.confirmation == wanted)
        .options(selectinload(Reservation.nights), selectinload(Reservation.taxes))
    )
    if reservation is None:
        raise NotFound(f"there is no reservation {confirmation.strip()!r}")
    return reservation


def normalise_confirmation(text: str) -> str:
    """`ab12cd34` → `AB12-CD34`, the form confirmations are stored in."""
    raw = text.strip().upper().replace("-", "").replace(" ", "")
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == 8 else raw


def check_version(reservation: Reservation, expected: int | None) -> None:
    """Refuse a change made from a copy older than the stored one."""
    if expected is not None and expected != reservation.version:
        raise ConcurrentChange(
            f"reservation {reservation.confirmation} was changed by someone else "
            "— reload it and try again"
        )


def rooms_of(session: Session, reservation_id: int) -> list[str]:
    """Room numbers of the stay in night order, each once."""
    numbers = session.scalars(
        select(Room.number)
        .join(RoomNight, RoomNight.room_id == Room.id)
        .where(RoomNight.reservation_id == reservation_id)
        .order_by(RoomNight.night)
    )
    return list(dict.fromkeys(numbers))


def reservation_view(session: Session, reservation: Reservation) -> ReservationView:
    """The plain view of a loaded reservation."""
    guest = reservation.guest
    return ReservationView(
        confirmation=reservation.confirmation,
        status=reservation.status,
        property_code=reservation.room_type.property.code,
        currency=reservation.room_type.property.currency,
        guest_name=display_name(guest),
        email=guest.email,
        phone=guest.phone,
        room_type=reservation.room_type.code,
        rate_plan=reservation.rate_plan.code,
        arrival=reservation.arrival,
        departure=reservation.departure,
        adults=reservation.adults,
        children=reservation.children,
        nightly=[NightPrice(n.night, n.price) for n in reservation.nights],
        taxes=[TaxView(t.night, t.code, t.amount, t.included) for t in reservation.taxes],
        rooms=rooms_of(session, reservation.id),
        source=reservation.source,
        overbooked=reservation.overbooked,
        meal_plan=reservation.rate_plan.meal_plan,
        policy=cancel_policy(reservation.rate_plan).summary(),
        cancellation_fee=reservation.cancellation_fee,
        version=reservation.version,
    )


def new_stay_view(
    *,
    confirmation: str,
    status: str,
    prop: Property,
    guest: Guest,
    room_type: RoomType,
    plan: RatePlan,
    arrival: dt.date,
    departure: dt.date,
    adults: int,
    children: int,
    quotes: list[NightQuote],
    source: str,
    overbooked: bool,
) -> ReservationView:
    """The view of a stay just stored with these values and quoted nights — what
    `reservation_view` would show after reading it back, without the queries: a new stay has no
    room yet, owes no cancellation fee and is at version 1."""
    return ReservationView(
        confirmation=confirmation,
        status=status,
        property_code=prop.code,
        currency=prop.currency,
        guest_name=display_name(guest),
        email=guest.email,
        phone=guest.phone,
        room_type=room_type.code,
        rate_plan=plan.code,
        arrival=arrival,
        departure=departure,
        adults=adults,
        children=children,
        nightly=[NightPrice(q.night, q.room) for q in quotes],
        taxes=[TaxView(q.night, t.code, t.amount, t.included) for q in quotes for t in q.taxes],
        rooms=[],
        source=source,
        overbooked=overbooked,
        meal_plan=plan.meal_plan,
        policy=cancel_policy(plan).summary(),
        cancellation_fee=0,
        version=1,
    )


def snapshot(reservation: Reservation) -> dict[str, Any]:
    """The fields an auditor compares before and after a change."""
    return stay_snapshot(
        status=reservation.status,
        arrival=reservation.arrival,
        departure=reservation.departure,
        room_type_id=reservation.room_type_id,
        adults=reservation.adults,
        children=reservation.children,
        total=sum(n.price for n in reservation.nights)
        + sum(t.amount for t in reservation.taxes if not t.included),
    )


def stay_snapshot(
    *,
    status: str,
    arrival: dt.date,
    departure: dt.date,
    room_type_id: int,
    adults: int,
    children: int,
    total: int,
) -> dict[str, Any]:
    """`snapshot` of a stay given by its values (`total`: nights plus taxes not inside them)."""
    return {
        "status": status,
        "arrival": arrival.isoformat(),
        "departure": departure.isoformat(),
        "room_type_id": room_type_id,
        "adults": adults,
        "children": children,
        "total": total,
    }


def get_reservation(session: Session, confirmation: str) -> ReservationView:
    """One reservation, in full."""
    return reservation_view(session, load_reservation(session, confirmation))


def list_reservations(
    session: Session,
    property_code: str | None = None,
    *,
    arriving: dt.date | None = None,
    departing: dt.date | None = None,
    staying: dt.date | None = None,
    status: str | None = None,
    text: str = "",
    limit: int = 500,
) -> list[ReservationSummary]:
    """Reservations of a property, filtered the ways a desk asks: arrivals, departures, in-house
    on a night, by status, or by a piece of the guest's name or the confirmation number."""
    prop = resolve_property(session, property_code)
    query: Select[Any] = (
        select(Reservation, Guest, RoomType.code)
        .join(Guest, Reservation.guest_id == Guest.id)
        .join(RoomType, Reservation.room_type_id == RoomType.id)
        .where(Reservation.property_id == prop.id)
    )
    if arriving:
        query = query.where(Reservation.arrival == arriving)
    if departing:
        query = query.where(Reservation.departure == departing)
    if staying:
        query = query.where(Reservation.arrival <= staying, Reservation.departure > staying)
    if status:
        try:
            query = query.where(Reservation.status == ReservationStatus(status))
        except ValueError as exc:
            known = ", ".join(s.value for s in ReservationStatus)
            raise InvalidInput("status", f"status {status!r} is not one of {known}") from exc
    if text.strip():
        pattern = f"%{text.strip().lower()}%"
        query = query.where(
            or_(
                func.lower(Guest.last_name).like(pattern),
                func.lower(Guest.first_name).like(pattern),
                func.lower(Reservation.confirmation).like(pattern),
            )
        )
    if limit < 1:
        raise InvalidInput("limit", "the limit must be at least 1")
    query = query.order_by(Reservation.arrival, Guest.last_name).limit(limit)
    rows = session.execute(query).all()
    rooms = _first_rooms(session, [r.id for r, _, _ in rows])
    return [
        ReservationSummary(
            confirmation=r.confirmation,
            status=r.status,
            guest_name=display_name(g),
            room_type=code,
            room=rooms.get(r.id, ""),
            arrival=r.arrival,
            departure=r.departure,
            adults=r.adults,
            children=r.children,
        )
        for r, g, code in rows
    ]


def _first_rooms(session: Session, reservation_ids: list[int]) -> dict[int, str]:
    """The room of each stay's first assigned night, in one query for the whole list."""
    if not reservation_ids:
        return {}
    first_night = (
        select(RoomNight.reservation_id, func.min(RoomNight.night).label("night"))
        .where(RoomNight.reservation_id.in_(reservation_ids))
        .group_by(RoomNight.reservation_id)
        .subquery()
    )
    rows = session.execute(
        select(RoomNight.reservation_id, Room.number)
        .join(Room, Room.id == RoomNight.room_id)
        .join(
            first_night,
            (first_night.c.reservation_id == RoomNight.reservation_id)
            & (first_night.c.night == RoomNight.night),
        )
    ).all()
    return dict(rows)


def stored_quotes(reservation: Reservation) -> list[NightQuote]:
    """The nights as the guest accepted them, rebuilt from the stored lines."""
    lines: dict[dt.date, list[TaxLine]] = {}
    for tax in reservation.taxes:
        lines.setdefault(tax.night, []).append(TaxLine(tax.code, tax.amount, tax.included))
    return [NightQuote(n.night, n.price, tuple(lines.get(n.night, []))) for n in reservation.nights]
