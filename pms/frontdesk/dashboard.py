"""The desk's day at a glance: arrivals, departures, in-house and tonight's occupancy."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Reservation, ReservationStatus
from pms.hotel.properties import resolve_property
from pms.inventory.nights import RoomTypeAvailability, availability
from pms.stays.reservation_lists import ReservationSummary, list_reservations


@dataclass(frozen=True)
class Dashboard:
    """What the front desk sees first thing: the business date's movements and occupancy."""

    property_name: str
    property_code: str
    business_date: dt.date
    arrivals: list[ReservationSummary]
    departures: list[ReservationSummary]
    in_house: int
    tonight: list[RoomTypeAvailability]

    @property
    def arrivals_in(self) -> int:
        """Arrivals already checked in."""
        return sum(r.status == ReservationStatus.CHECKED_IN for r in self.arrivals)

    @property
    def departures_out(self) -> int:
        """Departures already checked out."""
        return sum(r.status == ReservationStatus.CHECKED_OUT for r in self.departures)

    @property
    def occupancy_tonight(self) -> float:
        """Rooms sold tonight over rooms to sell (out-of-order rooms do not count as available)."""
        capacity = sum(rt.nights[0].capacity for rt in self.tonight)
        sold = sum(rt.nights[0].sold for rt in self.tonight)
        return sold / capacity if capacity else 0.0


_EXPECTED = (ReservationStatus.CONFIRMED, ReservationStatus.TENTATIVE, ReservationStatus.CHECKED_IN)


def dashboard(session: Session, property_code: str | None = None) -> Dashboard:
    """The dashboard for the property's business date."""
    prop = resolve_property(session, property_code)
    today = prop.business_date
    arrivals = [
        r for r in list_reservations(session, prop.code, arriving=today) if r.status in _EXPECTED
    ]
    departures = [
        r
        for r in list_reservations(session, prop.code, departing=today)
        if r.status in (ReservationStatus.CHECKED_IN, ReservationStatus.CHECKED_OUT)
    ]
    in_house = session.scalar(
        select(func.count()).where(
            Reservation.property_id == prop.id,
            Reservation.status == ReservationStatus.CHECKED_IN,
        )
    )
    return Dashboard(
        property_name=prop.name,
        property_code=prop.code,
        business_date=today,
        arrivals=arrivals,
        departures=departures,
        in_house=in_house or 0,
        tonight=availability(session, prop.code, today, today + dt.timedelta(days=1)),
    )
