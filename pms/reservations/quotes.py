"""What can I sell: every bookable room type × rate plan for a stay and party, priced.

One service answers the caller's question for one property or every property (by city):
nightly breakdown, taxes, total, cancellation policy and rooms left, sorted by price, with
the closed combinations and their reasons when asked.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Property, RatePlan, Room, RoomType
from pms.hotel.properties import resolve_property, rooms_in_service
from pms.hotel.vocabulary import vocabulary
from pms.inventory.nights import stay_nights
from pms.kernel.errors import InvalidInput, NotFound
from pms.kernel.validation import plain_text
from pms.rates.entitlement import COMPANY_LENGTH, entitled_companies, why_not_entitled
from pms.rates.pricing import NightQuote, Party, per_night, stay_total
from pms.rates.ratesheet import RateSheet, cancel_policy
from pms.reviews.ratings import room_type_ratings
from pms.stays.stay_rules import check_counts, resolve_stay


@dataclass(frozen=True)
class QuoteRequest:
    """A caller's question. Dates may be typed text (`4.12`, `+3`, `fri`)."""

    arrival: dt.date | str
    departure: dt.date | str | None = None
    nights: int | None = None
    adults: int = 1
    children: int = 0
    property_code: str | None = None
    city: str | None = None
    features: tuple[str, ...] = ()
    max_total: int | None = None
    max_nightly: int | None = None
    rate_plan: str | None = None
    member: bool = False
    include_closed: bool = False
    #: A member number typed at the desk: members' plans are shown when it is a member's.
    member_number: str = ""
    #: Only room types whose guests rated them at least this (1–5) on average.
    min_rating: int | None = None
    #: The company the stay is booked for: its restricted (corporate) plans are shown too.
    company: str = ""


@dataclass(frozen=True)
class Offer:
    """One room type on one rate plan for the stay: its price lines and terms.

    `closed` says why it cannot be sold ('' when it can).
    """

    property_code: str
    property_name: str
    currency: str
    room_type: str
    room_type_name: str
    rate_plan: str
    rate_plan_name: str
    meal_plan: str
    guarantee: str
    policy: str
    features: list[str]
    arrival: dt.date
    departure: dt.date
    nights: list[NightQuote]
    rooms_left: int  # rooms that can still sell on the fullest night, the allowance included
    closed: str = ""
    #: The room type's average overall rating from published reviews (None without any).
    rating: Decimal | None = None
    reviews: int = 0
    #: The codes of the taxes charged per person and night (city tax), apart from the price.
    city_taxes: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        """What the guest pays: every night's room and the taxes not inside it."""
        return stay_total(self.nights)

    @property
    def city_tax(self) -> int:
        """The city tax over the stay, shown apart from the price."""
        return sum(t.amount for n in self.nights for t in n.taxes if t.code in self.city_taxes)

    @property
    def price_total(self) -> int:
        """The stay's price with VAT in it, the city tax apart: what every face shows as
        "total incl. VAT" beside the city tax."""
        return self.total - self.city_tax

    @property
    def price_per_night(self) -> int:
        """`price_total` a night ("per night incl. VAT")."""
        return per_night(self.price_total, len(self.nights))

    def night_price(self, night: NightQuote) -> int:
        """One night's price with VAT in it, its city tax apart."""
        return night.total - sum(t.amount for t in night.taxes if t.code in self.city_taxes)

    @property
    def tax_total(self) -> int:
        """All tax lines, included or added."""
        return sum(t.amount for n in self.nights for t in n.taxes)

    @property
    def per_night(self) -> int:
        """The total spread over the nights, to the nearest minor unit (halves up), as the
        offer lists show it; 0 for an offer with no priced night."""
        return per_night(self.total, len(self.nights))

    @property
    def highest_nightly(self) -> int:
        """The dearest night (for a 'max price per night' filter)."""
        return max((n.total for n in self.nights), default=0)


def _properties(session: Session, request: QuoteRequest) -> list[Property]:
    if request.property_code:
        return [resolve_property(session, request.property_code)]
    query = select(Property).order_by(Property.code)
    if request.city:
        query = query.where(func.lower(Property.city) == request.city.strip().lower())
    found = list(session.scalars(query))
    if not found:
        where = f" in {request.city}" if request.city else ""
        raise NotFound(f"no property{where} is set up")
    return found


def quote(session: Session, request: QuoteRequest) -> list[Offer]:
    """Every room type × rate plan the hotel(s) could sell for the stay, cheapest first.

    Closed combinations (restrictions, sold out, too small for the party) are left out unless
    `include_closed`, in which case they come last with the reason. Members' plans are shown
    to members only (`member`, or a `member_number` that is a member's); each offer carries
    its room type's average rating, and `min_rating` leaves out the types rated below it.
    Restricted plans are shown only when `company` is entitled to them.
    """
    if request.max_total is not None and request.max_total < 0:
        raise InvalidInput("max_price", "a maximum price cannot be negative")
    if request.max_nightly is not None and request.max_nightly < 0:
        raise InvalidInput("max_nightly", "a maximum nightly price cannot be negative")
    if request.min_rating is not None and not 1 <= request.min_rating <= 5:
        raise InvalidInput("min_rating", "a minimum rating is 1 to 5")
    company = plain_text(request.company, "company", length=COMPANY_LENGTH)
    request = dataclasses.replace(request, company=company)
    if request.member_number.strip():
        from pms.loyalty.members import find_member  # loyalty loads for a member's quote only

        find_member(session, request.member_number)  # refuses a number that is no member's
        request = dataclasses.replace(request, member=True)
    properties = _properties(session, request)
    if request.features:
        _check_features(session, properties, request.features)
    offers: list[Offer] = []
    for prop in properties:
        offers.extend(_offers_at(session, prop, request))
    open_offers = sorted((o for o in offers if not o.closed), key=lambda o: (o.total, o.room_type))
    closed = [o for o in offers if o.closed] if request.include_closed else []
    return open_offers + closed


def _check_features(session: Session, properties: list[Property], wanted: tuple[str, ...]) -> None:
    """A feature no hotel's vocabulary has is a typo, not a wish nobody can meet: say so."""
    known = {name for prop in properties for name in vocabulary(session, prop)}
    for feature in wanted:
        if feature.strip() and " ".join(feature.split()).lower() not in known:
            listed = ", ".join(sorted(known)) or "none yet"
            raise InvalidInput("feature", f"{feature.strip()!r} is not a feature (known: {listed})")


def _offers_at(session: Session, prop: Property, request: QuoteRequest) -> list[Offer]:
    arrival, departure = resolve_stay(
        session, prop, request.arrival, request.departure, request.nights
    )
    nights = stay_nights(arrival, departure)
    check_counts(request.adults, request.children)
    party = Party(request.adults, request.children)
    sheet = RateSheet.load(session, prop, arrival, departure)
    plans = list(
        session.scalars(
            select(RatePlan).where(RatePlan.property_id == prop.id).order_by(RatePlan.code)
        )
    )
    if request.rate_plan:
        plans = [p for p in plans if p.code == request.rate_plan.upper()]
        if not plans:
            raise NotFound(f"there is no rate plan {request.rate_plan!r} at {prop.code}")
    entitled = entitled_companies(session, plans)
    city_taxes = tuple(t.code for t in sheet.taxes if t.per_person)
    room_features = _room_features(session, prop)
    ratings = room_type_ratings(session, prop.id)
    wanted = {f.strip().lower() for f in request.features if f.strip()}
    offers = []
    for room_type in prop.room_types:
        features = sorted(set(room_type.features) | room_features.get(room_type.id, set()))
        if wanted - {f.lower() for f in features}:
            continue
        rating = ratings.get(room_type.id)
        average = rating.average if rating else None
        if request.min_rating is not None and (average is None or average < request.min_rating):
            continue
        # Inventory is the same for every plan: count it once per room type.
        rooms_left = max(0, sheet.rooms_left(room_type, nights))
        sellable = sheet.sellable(room_type, nights)
        for plan in plans:
            if plan.members_only and not request.member and not request.include_closed:
                continue
            not_entitled = why_not_entitled(plan, entitled, [request.company])
            if not_entitled and not request.include_closed:
                continue
            closed = not_entitled or _why_not(
                sheet, plan, room_type, arrival, departure, party, request
            )
            if not closed and not sellable:
                closed = f"{room_type.code} is sold out"
            priced = sheet.price_stay(plan, room_type, nights, party) or []
            if not priced:
                closed = closed or f"{plan.code} has no price for {room_type.code}"
            offer = Offer(
                property_code=prop.code,
                property_name=prop.name,
                currency=prop.currency,
                room_type=room_type.code,
                room_type_name=room_type.name,
                rate_plan=plan.code,
                rate_plan_name=plan.name,
                meal_plan=plan.meal_plan,
                guarantee=plan.guarantee,
                policy=cancel_policy(plan).summary(),
                features=features,
                arrival=arrival,
                departure=departure,
                nights=priced,
                rooms_left=rooms_left,
                closed=closed,
                rating=average,
                reviews=rating.count if rating else 0,
                city_taxes=city_taxes,
            )
            if not offer.closed and not _within_budget(offer, request):
                continue
            offers.append(offer)
    return offers


def _why_not(
    sheet: RateSheet,
    plan: RatePlan,
    room_type: RoomType,
    arrival: dt.date,
    departure: dt.date,
    party: Party,
    request: QuoteRequest,
) -> str:
    if party.persons > room_type.max_occupancy:
        return f"{room_type.code} holds at most {room_type.max_occupancy} guests"
    return sheet.why_closed(plan, room_type, arrival, departure, member=request.member)


def _within_budget(offer: Offer, request: QuoteRequest) -> bool:
    if request.max_total is not None and offer.total > request.max_total:
        return False
    return request.max_nightly is None or offer.highest_nightly <= request.max_nightly


def _room_features(session: Session, prop: Property) -> dict[int, set[str]]:
    """Features some room of each type has (accessible, quiet …) beyond the type's own."""
    found: dict[int, set[str]] = {}
    for type_id, features in session.execute(
        select(Room.room_type_id, Room.features).where(
            Room.property_id == prop.id, rooms_in_service(prop.business_date)
        )
    ).all():
        found.setdefault(type_id, set()).update(features or [])
    return found
