"""What a channel may read before it books: availability, offers (the quote), room types and
rate plans — the desk's own services, behind the key's `availability` scope."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy.orm import Session

from pms.channels.keys import ChannelAccess
from pms.hotel.properties import PropertyView, property_view
from pms.inventory.nights import RoomTypeAvailability, availability
from pms.rates.plans import RatePlanView, list_rate_plans
from pms.reservations.quotes import Offer, QuoteRequest, quote


def channel_availability(
    session: Session, access: ChannelAccess, property_code: str, start: dt.date, end: dt.date
) -> list[RoomTypeAvailability]:
    """Rooms left per room type and night, start..end (end excluded)."""
    access.require("availability")
    return availability(session, property_code, start, end)


def channel_offers(
    session: Session,
    access: ChannelAccess,
    property_code: str,
    arrival: dt.date,
    departure: dt.date,
    adults: int,
    children: int,
) -> list[Offer]:
    """Every room type × rate plan the property can sell for the stay, cheapest first, with
    its nightly prices, taxes, policy and rooms left. Members' plans are not offered: a channel
    cannot tell a member from a guest."""
    access.require("availability")
    request = QuoteRequest(
        arrival=arrival,
        departure=departure,
        adults=adults,
        children=children,
        property_code=property_code,
    )
    return quote(session, request)


def channel_property(session: Session, access: ChannelAccess, property_code: str) -> PropertyView:
    """The property with its room types (on sale ones only)."""
    access.require("availability")
    view = property_view(session, property_code)
    on_sale = [rt for rt in view.room_types if rt.retired_on is None]
    return dataclasses.replace(view, room_types=on_sale)


def channel_rate_plans(
    session: Session, access: ChannelAccess, property_code: str
) -> list[RatePlanView]:
    """The property's rate plans and their terms; members' and restricted (corporate) plans
    are left out: a channel books for no member and no company."""
    access.require("availability")
    plans = list_rate_plans(session, property_code)
    return [p for p in plans if not p.members_only and not p.restricted]
