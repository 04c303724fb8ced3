"""The rules every stay obeys, whether quoted, booked or changed: dates and party size."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from db.models import Property, RoomType
from pms.kernel.dates import parse_date
from pms.kernel.desk import rules_of
from pms.kernel.errors import InvalidInput


def read_date(value: dt.date | str, prop: Property, field: str) -> dt.date:
    """A date as given, or as typed (`4.12`, `+3`, `fri`) relative to the business date."""
    if isinstance(value, dt.date):
        return value
    return parse_date(value, prop.business_date, field=field)


#: The most adults, or children, one stay may name: the largest room holds 20 (field_checks).
MAX_PARTY = 20


def resolve_stay(
    session: Session,
    prop: Property,
    arrival: dt.date | str,
    departure: dt.date | str | None,
    nights: int | None,
    *,
    new_arrival: bool = True,
) -> tuple[dt.date, dt.date]:
    """Arrival and departure, checked against the calendar and the hotel's rules.

    Args:
        nights: given instead of a departure, counted from the arrival.
        new_arrival: the arrival is being chosen now, so it may not lie in the past.
    """
    rules = rules_of(session)
    arrival = read_date(arrival, prop, "arrival")
    if nights is not None:
        if nights < 1:
            raise InvalidInput("nights", "a stay needs at least one night")
        if nights > rules.max_stay_nights:
            raise InvalidInput(
                "departure", f"a stay may last at most {rules.max_stay_nights} nights"
            )
        departure = arrival + dt.timedelta(days=nights)
    if departure is None:
        raise InvalidInput("departure", "departure (or nights) is missing")
    departure = read_date(departure, prop, "departure")
    if departure <= arrival:
        raise InvalidInput("departure", "departure must be after arrival")
    if (departure - arrival).days > rules.max_stay_nights:
        raise InvalidInput("departure", f"a stay may last at most {rules.max_stay_nights} nights")
    if new_arrival and arrival < prop.business_date:
        raise InvalidInput(
            "arrival", f"arrival {arrival} is before the business date {prop.business_date}"
        )
    last_open = prop.business_date + dt.timedelta(days=rules.max_advance_days)
    if arrival > last_open:
        raise InvalidInput("arrival", f"bookings are open only until {last_open}")
    return arrival, departure


def check_counts(adults: int, children: int) -> None:
    """At least one adult, no negative number of children, and a party a room could hold
    (`MAX_PARTY`; each room type's own limit is `check_party`)."""
    if adults < 1:
        raise InvalidInput("adults", "a stay needs at least one adult")
    if children < 0:
        raise InvalidInput("children", "children cannot be a negative number")
    if adults > MAX_PARTY or children > MAX_PARTY:
        field = "adults" if adults > MAX_PARTY else "children"
        raise InvalidInput(field, f"a party has at most {MAX_PARTY} adults and as many children")


def check_party(room_type: RoomType, adults: int, children: int) -> None:
    """A sensible party that the room type can hold."""
    check_counts(adults, children)
    if adults + children > room_type.max_occupancy:
        raise InvalidInput(
            "adults",
            f"{room_type.code} holds at most {room_type.max_occupancy} guests; "
            f"this party is {adults + children}",
        )
