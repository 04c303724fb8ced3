"""Reading reservations: the plain views screens and commands show of one stay, and the lookups
behind them (lists of stays are `pms.stays.reservation_lists`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
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
from pms.guests.contact import display_name
from pms.kernel.errors import ConcurrentChange, NotFound
from pms.rates.pricing import NightQuote, TaxLine, per_night
from pms.rates.ratesheet import cancel_policy
from pms.rates.taxes import city_tax_codes

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
    #: The guest's loyalty member number, "" when they are not a member.
    member_number: str = ""
    #: The codes of the taxes charged per person and night (city tax), apart from the price.
    city_taxes: tuple[str, ...] = ()
    #: The company the stay is booked for (its corporate rate), "" when none.
    company: str = ""

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
    def city_tax(self) -> int:
        """The city tax over the stay, shown apart from the price."""
        return sum(t.amount for t in self.taxes if t.code in self.city_taxes)

    @property
    def price_total(self) -> int:
        """The stay's price with VAT in it, the city tax apart ("total incl. VAT")."""
        return self.total - self.city_tax

    @property
    def price_per_night(self) -> int:
        """`price_total` a night ("per night incl. VAT")."""
        return per_night(self.price_total, self.nights)

    def night_price(self, night: NightPrice) -> int:
        """One night's price with VAT in it (added VAT too), its city tax apart."""
        added = (
            t.amount
            for t in self.taxes
            if t.night == night.night and not t.included and t.code not in self.city_taxes
        )
        return night.price + sum(added)

    def night_city_tax(self, night: NightPrice) -> int:
        """One night's city tax, apart from its price."""
        return sum(
            t.amount for t in self.taxes if t.night == night.night and t.code in self.city_taxes
        )

    @property
    def room(self) -> str:
        """The assigned room(s) as one label, '' when none."""
        return "/".join(self.rooms)


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
        member_number=guest.loyalty_number or "",
        city_taxes=city_tax_codes(session, reservation.room_type.property_id),
        company=reservation.company or "",
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
    city_taxes: tuple[str, ...],
    company: str = "",
) -> ReservationView:
    """The view of a stay just stored with these values and quoted nights (`city_taxes`: the
    codes of the property's per-person taxes) — what `reservation_view` would show after
    reading it back, without the queries: a new stay has no room yet, owes no cancellation fee
    and is at version 1."""
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
        member_number=guest.loyalty_number or "",
        city_taxes=city_taxes,
        company=company,
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


def stored_quotes(reservation: Reservation) -> list[NightQuote]:
    """The nights as the guest accepted them, rebuilt from the stored lines."""
    lines: dict[dt.date, list[TaxLine]] = {}
    for tax in reservation.taxes:
        lines.setdefault(tax.night, []).append(TaxLine(tax.code, tax.amount, tax.included))
    return [NightQuote(n.night, n.price, tuple(lines.get(n.night, []))) for n in reservation.nights]
