"""The room nights a leaving guest has not been charged yet, so that no invoice misses room revenue.

The night audit posts each in-house night when it closes the day; a guest who leaves before the
audit of a night they stayed (an early departure the morning after a missed audit, or a day use:
arrived and left on one business date) is charged here, at check-out, under the same unique keys
(`night:<stay>:<night>:<code>`), so the audit and the check-out can never both charge one night.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from db.folios import Posting
from db.models import Reservation
from pms.billing.folios import post_room_night
from pms.hotel.property_settings import settings_of
from pms.inventory.nights import stay_nights

#: What the `day_use_charge` setting charges of the night a day-use stay holds.
DAY_USE_SHARE = {"none": Decimal(0), "half": Decimal("0.5"), "full": Decimal(1)}


def post_nights_stayed(session: Session, reservation: Reservation) -> list[Posting]:
    """Post every night of the stay before the business date that has no room posting yet, and
    the day-use charge (per the property's `day_use_charge`) when the guest arrived today."""
    prop = reservation.room_type.property
    today = prop.business_date
    postings: list[Posting] = []
    for night in stay_nights(reservation.arrival, min(reservation.departure, today)):
        postings += post_room_night(session, reservation, night)
    if reservation.arrival == today:
        share = DAY_USE_SHARE[settings_of(prop).day_use_charge]
        if share:
            postings += post_room_night(session, reservation, today, share)
    return postings
