"""Guest profiles as the desk shows them: contact, preferences, flags and every stay, upcoming
and past, with the nights stayed and the room revenue they brought.

Creating and changing a profile is `pms.guests.profile_edits`, finding one `pms.guests.lookup`,
merging and anonymising `pms.guests.merge`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import (
    Guest,
    Property,
    Reservation,
    ReservationNight,
    ReservationStatus,
    Room,
    RoomNight,
    RoomType,
)
from pms.guests.contact import display_name
from pms.guests.lookup import resolve_guest

#: Statuses whose nights the guest actually stayed (history counts these nights and revenue).
STAYED = frozenset({ReservationStatus.CHECKED_IN, ReservationStatus.CHECKED_OUT})
#: Statuses of stays still to come.
COMING = frozenset({ReservationStatus.TENTATIVE, ReservationStatus.CONFIRMED})


@dataclass(frozen=True)
class StayLine:
    """One stay in a guest's profile; `revenue` is its room revenue in minor units."""

    confirmation: str
    property_code: str
    status: str
    arrival: dt.date
    departure: dt.date
    room_type: str
    rooms: list[str]
    revenue: int
    currency: str

    @property
    def nights(self) -> int:
        """Length of stay."""
        return (self.departure - self.arrival).days


@dataclass(frozen=True)
class GuestProfile:
    """A guest as the desk shows them: contact, preferences, flags and every stay."""

    id: int
    first_name: str
    last_name: str
    name: str
    email: str
    phone: str
    company: str
    city: str
    country: str
    loyalty_number: str | None
    vip_level: int
    preferences: dict[str, str]
    notes: str
    do_not_rent: bool
    do_not_rent_reason: str
    anonymised: bool
    stays: list[StayLine] = field(default_factory=list)

    @property
    def upcoming(self) -> list[StayLine]:
        """Stays still to come, soonest first."""
        return sorted((s for s in self.stays if s.status in COMING), key=lambda s: s.arrival)

    @property
    def history(self) -> list[StayLine]:
        """Every other stay (in house, past, cancelled, no-show), latest first."""
        return [s for s in self.stays if s.status not in COMING]

    @property
    def nights_stayed(self) -> int:
        """Nights of the stays the guest checked in for."""
        return sum(s.nights for s in self.stays if s.status in STAYED)

    @property
    def revenue(self) -> dict[str, int]:
        """Room revenue of those stays per currency, in minor units."""
        totals: dict[str, int] = defaultdict(int)
        for stay in self.stays:
            if stay.status in STAYED:
                totals[stay.currency] += stay.revenue
        return dict(totals)


def _stays(session: Session, guest_id: int) -> list[StayLine]:
    """The guest's stays, latest first, with their rooms and room revenue: two queries however
    long the history."""
    own = select(Reservation.id).where(Reservation.guest_id == guest_id)
    revenue = (
        select(ReservationNight.reservation_id, func.sum(ReservationNight.price).label("total"))
        .where(ReservationNight.reservation_id.in_(own))
        .group_by(ReservationNight.reservation_id)
        .subquery()
    )
    rows = session.execute(
        select(Reservation, RoomType.code, Property.code, Property.currency, revenue.c.total)
        .join(RoomType, Reservation.room_type_id == RoomType.id)
        .join(Property, Reservation.property_id == Property.id)
        .outerjoin(revenue, revenue.c.reservation_id == Reservation.id)
        .where(Reservation.guest_id == guest_id)
        .order_by(Reservation.arrival.desc(), Reservation.id.desc())
    ).all()
    rooms: dict[int, list[str]] = defaultdict(list)
    numbers = session.execute(
        select(RoomNight.reservation_id, Room.number)
        .join(Room, Room.id == RoomNight.room_id)
        .join(Reservation, Reservation.id == RoomNight.reservation_id)
        .where(Reservation.guest_id == guest_id)
        .order_by(RoomNight.night)
    )
    for reservation_id, number in numbers:
        if number not in rooms[reservation_id]:
            rooms[reservation_id].append(number)
    return [
        StayLine(
            confirmation=r.confirmation,
            property_code=property_code,
            status=r.status,
            arrival=r.arrival,
            departure=r.departure,
            room_type=room_type,
            rooms=rooms.get(r.id, []),
            revenue=int(total or 0),  # PostgreSQL sums bigints as numeric
            currency=currency,
        )
        for r, room_type, property_code, currency, total in rows
    ]


def profile_of(session: Session, guest: Guest) -> GuestProfile:
    """The plain view of a loaded profile, with its stays."""
    return GuestProfile(
        id=guest.id,
        first_name=guest.first_name,
        last_name=guest.last_name,
        name=display_name(guest),
        email=guest.email,
        phone=guest.phone,
        company=guest.company,
        city=guest.city,
        country=guest.country,
        loyalty_number=guest.loyalty_number,
        vip_level=guest.vip_level,
        preferences={str(k): str(v) for k, v in (guest.preferences or {}).items()},
        notes=guest.notes,
        do_not_rent=guest.do_not_rent,
        do_not_rent_reason=guest.do_not_rent_reason,
        anonymised=guest.anonymised_at is not None,
        stays=_stays(session, guest.id),
    )


def show_guest(session: Session, ref: int | str) -> GuestProfile:
    """A guest's whole profile with stay history and upcoming stays."""
    return profile_of(session, resolve_guest(session, ref))
