"""Changing a booked stay: its dates, room type or party, cancelling it, confirming it.

Each is one transaction with its audit row, and a change made from a stale copy fails
(`expected_version`). Inventory is released and re-taken in that one transaction, so a stay
that no longer fits fails and leaves the old one as it was. Unlike `book`, these keep to the
ORM: they load the reservation and its lines anyway.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from sqlalchemy.orm import Session

from db.models import Reservation, ReservationStatus, RoomType
from pms.billing.folios import post_cancellation_fee
from pms.hotel.properties import resolve_room_type
from pms.inventory.nights import release, stay_nights
from pms.kernel.audit import record
from pms.kernel.errors import InvalidTransition, Restricted
from pms.rates.pricing import NightQuote, Party, cancellation_fee
from pms.rates.ratesheet import RateSheet, cancel_policy
from pms.reservations.selling import priced, sell_nights, store_prices
from pms.stays.reservation_views import (
    CHANGEABLE,
    ReservationView,
    check_version,
    load_reservation,
    reservation_view,
    snapshot,
    stored_quotes,
)
from pms.stays.rooms import carry_room, drop_room_nights, touch
from pms.stays.stay_rules import check_party, read_date, resolve_stay


@dataclass(frozen=True)
class StayChanges:
    """What a modification changes; None keeps the current value."""

    arrival: dt.date | str | None = None
    departure: dt.date | str | None = None
    nights: int | None = None
    room_type: str | None = None
    adults: int | None = None
    children: int | None = None


@dataclass(frozen=True)
class _ChangedStay:
    """The stay as it will be once the change is made, checked."""

    arrival: dt.date
    departure: dt.date
    room_type: RoomType
    adults: int
    children: int


def _changed_stay(session: Session, reservation: Reservation, changes: StayChanges) -> _ChangedStay:
    """The stay with the changes applied: dates read and checked on the property's calendar
    (the length kept when only the arrival moves), the party checked against the room type."""
    prop = reservation.room_type.property
    arrival = (
        read_date(changes.arrival, prop, "arrival") if changes.arrival else reservation.arrival
    )
    departure: dt.date | str | None = changes.departure
    nights = changes.nights
    if departure is None and nights is None:
        nights = (reservation.departure - reservation.arrival).days
    arrival, departure = resolve_stay(
        session, prop, arrival, departure, nights, new_arrival=arrival != reservation.arrival
    )
    room_type = (
        resolve_room_type(session, prop, changes.room_type)
        if changes.room_type
        else reservation.room_type
    )
    adults = reservation.adults if changes.adults is None else changes.adults
    children = reservation.children if changes.children is None else changes.children
    check_party(room_type, adults, children)
    return _ChangedStay(arrival, departure, room_type, adults, children)


def _quote_change(
    session: Session,
    reservation: Reservation,
    stay: _ChangedStay,
    new_nights: list[dt.date],
    *,
    moved: bool,
    same_type: bool,
) -> list[NightQuote]:
    """The changed stay's nights, priced. A stay that moves (other dates or room type) is
    checked against the sheet's restrictions again; nights kept in the same room type for the
    same party keep their quoted price, the others are priced from today's sheet."""
    sheet = RateSheet.load(session, reservation.room_type.property, stay.arrival, stay.departure)
    if moved:
        member = bool(reservation.guest.loyalty_number)
        if reason := sheet.why_closed(
            reservation.rate_plan, stay.room_type, stay.arrival, stay.departure, member=member
        ):
            raise Restricted(reason)
    same_party = (stay.adults, stay.children) == (reservation.adults, reservation.children)
    kept = {q.night: q for q in stored_quotes(reservation)} if same_type and same_party else {}
    fresh = [n for n in new_nights if n not in kept]
    party = Party(stay.adults, stay.children)
    repriced = {
        q.night: q for q in priced(sheet, reservation.rate_plan, stay.room_type, fresh, party)
    }
    return [kept.get(n) or repriced[n] for n in new_nights]


def modify(
    session: Session,
    confirmation: str,
    changes: StayChanges,
    expected_version: int | None = None,
) -> ReservationView:
    """Change dates, room type or party. Inventory is released and re-taken in this one
    transaction, so a stay that no longer fits fails and leaves the old one as it was.

    Restrictions are checked again for the new stay. Nights kept in the same room type for the
    same party keep their quoted price; only changed nights are priced from today's sheet.
    """
    reservation = load_reservation(session, confirmation)
    check_version(reservation, expected_version)
    if reservation.status not in CHANGEABLE:
        raise InvalidTransition(
            f"reservation {reservation.confirmation} is {reservation.status}; "
            "only tentative or confirmed stays can be modified"
        )
    stay = _changed_stay(session, reservation, changes)
    old_nights = [n.night for n in reservation.nights]
    new_nights = stay_nights(stay.arrival, stay.departure)
    same_type = stay.room_type.id == reservation.room_type_id
    moved = old_nights != new_nights or not same_type
    quotes = _quote_change(session, reservation, stay, new_nights, moved=moved, same_type=same_type)

    before = snapshot(reservation)
    touch(session, reservation)
    if moved:
        release(session, reservation.room_type_id, old_nights)
        sell_nights(session, stay.room_type, new_nights, overbook=False)
    store_prices(reservation, quotes)
    reservation.arrival, reservation.departure = stay.arrival, stay.departure
    reservation.room_type = stay.room_type
    reservation.adults, reservation.children = stay.adults, stay.children
    session.flush()
    carry_room(session, reservation, old_nights, same_type)
    record(
        session,
        "modify",
        "reservation",
        reservation.id,
        before=before,
        after=snapshot(reservation),
    )
    return reservation_view(session, reservation)


def cancel(
    session: Session,
    confirmation: str,
    reason: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> ReservationView:
    """Cancel a stay that has not arrived: its nights go back on sale, its room is freed and
    the fee its rate plan's policy sets for this moment is recorded on it.

    Args:
        now: when the guest cancels (an aware datetime); default the present moment. The policy
            is read on the property's local clock.
    """
    reservation = load_reservation(session, confirmation)
    check_version(reservation, expected_version)
    if reservation.status == ReservationStatus.CANCELLED:
        raise InvalidTransition(f"reservation {reservation.confirmation} is already cancelled")
    if reservation.status not in CHANGEABLE:
        raise InvalidTransition(
            f"reservation {reservation.confirmation} is {reservation.status}"
            " and cannot be cancelled"
        )
    prop = reservation.room_type.property
    local_now = (now or dt.datetime.now(dt.UTC)).astimezone(zoneinfo.ZoneInfo(prop.timezone))
    fee = cancellation_fee(
        cancel_policy(reservation.rate_plan),
        stored_quotes(reservation),
        reservation.arrival,
        local_now.replace(tzinfo=None),
        prop.check_in_hour,
    )
    before = snapshot(reservation)
    reservation.status = ReservationStatus.CANCELLED
    reservation.cancellation_fee = fee
    post_cancellation_fee(session, reservation)  # on the guest folio, once
    touch(session, reservation)
    release(session, reservation.room_type_id, [n.night for n in reservation.nights])
    drop_room_nights(session, reservation)
    after = snapshot(reservation) | {"reason": reason.strip(), "fee": fee}
    record(session, "cancel", "reservation", reservation.id, before=before, after=after)
    return reservation_view(session, reservation)


def confirm(
    session: Session, confirmation: str, expected_version: int | None = None
) -> ReservationView:
    """Turn a tentative booking into a confirmed one."""
    reservation = load_reservation(session, confirmation)
    check_version(reservation, expected_version)
    if reservation.status != ReservationStatus.TENTATIVE:
        raise InvalidTransition(
            f"reservation {reservation.confirmation} is {reservation.status}, not tentative"
        )
    before = snapshot(reservation)
    reservation.status = ReservationStatus.CONFIRMED
    touch(session, reservation)
    record(
        session,
        "confirm",
        "reservation",
        reservation.id,
        before=before,
        after=snapshot(reservation),
    )
    return reservation_view(session, reservation)
