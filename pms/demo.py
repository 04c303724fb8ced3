"""A realistic demo hotel: room types over several floors, a few thousand guests, and stays in
every state around today, loyalty members and guests' reviews, so every screen has something
true to show on first run.

Bookings go through the real services (inventory, room-nights, audit), with the business date
wound back to the start of the history; then the past days are lived through one by one, with
the night audit closing each (`make_demo`), so today's folios and reports have their history.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from faker import Faker
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from db.folios import Folio
from db.models import (
    Guest,
    HousekeepingStatus,
    Property,
    Reservation,
    ReservationStatus,
    Role,
    Room,
)
from pms.billing.folios import balance_of, post, post_to_stay
from pms.billing.room_charges import post_nights_stayed
from pms.billing.vat import add_vat, apply_tax
from pms.frontdesk.check_out import check_out
from pms.hotel.features import add_features
from pms.hotel.properties import add_room, add_room_type, resolve_property, set_extra_charges
from pms.hotel.users import create_user
from pms.kernel.audit import record
from pms.kernel.desk import Desk
from pms.loyalty.adjustments import adjust_points
from pms.loyalty.batches import review_tiers
from pms.loyalty.earning import earn_points
from pms.loyalty.members import enrol
from pms.loyalty.programme import ProgrammeTerms, TierTerms, set_programme, set_tier
from pms.night_audit.run import run_night_audit
from pms.rates.dynamic_pricing import add_pricing_rule
from pms.rates.entitlement import entitle_company
from pms.rates.plan_terms import PlanTermsInput
from pms.rates.plans import create_rate_plan
from pms.rates.sheet_edits import set_rates
from pms.rates.taxes import add_tax, set_taxes_inclusive
from pms.reservations.booking import BookingRequest, book
from pms.reservations.changes import cancel
from pms.reviews.entry import ReviewInput, add_review
from pms.setup import initialise
from pms.stays.reservation_views import load_reservation
from pms.stays.rooms import assign_room

DEMO_CODE = "SEA"
HISTORY_DAYS = 60  # the default; `make_demo(history_days=…)` and demo.history_days change it
FUTURE_DAYS = 60
DEMO_PASSWORD = "demo"


@dataclass(frozen=True)
class _Type:
    code: str
    name: str
    share: float
    max_occupancy: int
    price: int
    features: tuple[str, ...]
    allowance: int


_TYPES = [
    _Type("DBL", "Double", 0.40, 3, 11900, ("double bed",), 2),
    _Type("TWN", "Twin", 0.25, 2, 10900, ("twin beds",), 1),
    _Type("KNG", "Deluxe King", 0.15, 3, 16900, ("king bed", "sea view"), 0),
    _Type("FAM", "Family", 0.10, 4, 18900, ("double bed", "sofa bed"), 0),
    _Type("SUI", "Suite", 0.10, 4, 29900, ("king bed", "sea view", "balcony", "bathtub"), 0),
]
_USERS = [
    ("ana", "Ana Ribeiro", Role.CLERK),
    ("sam", "Sam Okafor", Role.SUPERVISOR),
    ("maria", "Maria Costa", Role.MANAGER),
]

Progress = Callable[[int, int], None]


def build_demo(
    session: Session,
    *,
    rooms: int = 120,
    seed: int = 7,
    progress: Progress | None = None,
    history_days: int = HISTORY_DAYS,
) -> int:
    """Create the demo hotel in this transaction; returns the number of reservations made."""
    rng = random.Random(seed)
    fake = Faker(["en_GB", "pt_PT", "es_ES", "de_DE", "fr_FR", "it_IT"])
    fake.seed_instance(seed)
    today = dt.date.today()
    start = today - dt.timedelta(days=history_days)
    initialise(
        session,
        code=DEMO_CODE,
        name="Seaside Demo Hotel",
        currency="EUR",
        timezone="Europe/Lisbon",
        city="Lisbon",
        admin_username="admin",
        admin_password=DEMO_PASSWORD,
    )
    prop = session.scalar(select(Property).where(Property.code == DEMO_CODE))
    assert prop is not None
    prop.business_date = start
    for username, full_name, role in _USERS:
        create_user(session, username, DEMO_PASSWORD, role, full_name)
    room_numbers = _build_rooms(session, rng, rooms)
    _build_rates(session, start, today + dt.timedelta(days=365))
    guest_ids = _build_guests(session, fake, rooms * 25)
    stays = _plan_stays(rng, room_numbers, start, today + dt.timedelta(days=FUTURE_DAYS))
    for done, (number, room_type, arrival, departure) in enumerate(stays, start=1):
        _book_stay(session, rng, prop, today, guest_ids, number, room_type, arrival, departure)
        if progress and done % 50 == 0:
            progress(done, len(stays))
    # The stays of the past arrive and leave as `make_demo` replays the days from here.
    prop.business_date = start
    record(session, "demo", "property", prop.id, after={"reservations": len(stays)})
    if progress:
        progress(len(stays), len(stays))
    return len(stays)


def make_demo(
    desk: Desk,
    *,
    rooms: int = 120,
    seed: int = 7,
    history_days: int = HISTORY_DAYS,
    progress: Progress | None = None,
) -> int:
    """The demo hotel with its history: the stays booked, then each past day lived through —
    arrivals checked in, departures paid and checked out, the night audit run — so folios carry
    their room and tax and every report has history; it ends on a normal evening of today
    (departures gone, some arrivals still to come) on which `pms audit run --yes` completes.
    Returns the number of reservations made."""
    made = desk.run(
        build_demo, rooms=rooms, seed=seed, progress=progress, history_days=history_days
    )
    today = dt.date.today()
    first = desk.read(lambda s: resolve_property(s, DEMO_CODE).business_date)
    days = (today - first).days
    for number in range(days):
        day = first + dt.timedelta(days=number)
        desk.run(_live_the_day, day, seed, evening=False)
        run_night_audit(desk, DEMO_CODE, yes=True)
        if progress:
            progress(number + 1, days)
    desk.run(_live_the_day, today, seed, evening=True)
    desk.run(_finish_demo, seed)
    return made


def _live_the_day(session: Session, day: dt.date, seed: int, *, evening: bool) -> None:
    """The desk's day: every departure paid and checked out, the arrivals checked in — all
    of them on a past day but the few that never come (no-shows), about 70 % by this evening."""
    rng = random.Random(seed * 10_000 + day.toordinal())
    leaving = session.scalars(
        select(Reservation.confirmation).where(
            Reservation.status == ReservationStatus.CHECKED_IN, Reservation.departure <= day
        ).order_by(Reservation.id)
    ).all()  # fmt: skip
    extras = random.Random(seed * 20_000 + day.toordinal())  # leaves `rng`'s draws as they were
    for confirmation in leaving:
        _dinner_and_minibar(session, confirmation, extras)
        _settle(session, confirmation, rng.choice(["PAY-CARD", "PAY-CARD", "PAY-CASH"]))
        check_out(session, confirmation)
    arriving = session.scalars(
        select(Reservation).where(
            Reservation.arrival == day, Reservation.status == ReservationStatus.CONFIRMED
        ).order_by(Reservation.id)
    ).all()  # fmt: skip
    for reservation in arriving:
        if rng.random() < (0.3 if evening else 0.03):
            continue  # still to come tonight, or a no-show the audit will find
        reservation.status = ReservationStatus.CHECKED_IN
        reservation.checked_in_at = dt.datetime.now(dt.UTC)
    session.flush()


def _dinner_and_minibar(session: Session, confirmation: str, rng: random.Random) -> None:
    """What some guests had besides the room, so their invoices state the VAT of food (13 %)
    and drinks (23 %) beside the room's: a dinner for about a third, the minibar for a fifth."""
    reservation = load_reservation(session, confirmation)
    if rng.random() < 0.35:
        post_to_stay(session, reservation, code="FNB", amount=rng.randrange(1800, 7200, 10),
                     description="Dinner, Restaurante Maré")  # fmt: skip
    if rng.random() < 0.2:
        post_to_stay(session, reservation, code="MINIBAR", amount=rng.randrange(450, 2400, 50))


def _settle(session: Session, confirmation: str, code: str) -> None:
    """The guest pays every folio of the stay."""
    reservation = load_reservation(session, confirmation)
    post_nights_stayed(session, reservation)
    folios = session.scalars(
        select(Folio).where(Folio.reservation_id == reservation.id, Folio.status == "open")
    ).all()
    for folio in folios:
        if balance := balance_of(session, folio.id):
            post(session, folio, code=code, amount=-balance)


def _finish_demo(session: Session, seed: int) -> None:
    """Rooms in every housekeeping state; loyalty members and guests' reviews."""
    rng = random.Random(seed)
    _dirty_rooms(session, rng)
    _members_and_reviews(session, rng)


def _build_rooms(session: Session, rng: random.Random, count: int) -> dict[str, str]:
    words = {f for kind in _TYPES for f in kind.features} | {"quiet", "accessible"}
    add_features(session, DEMO_CODE, sorted(words))
    for kind in _TYPES:
        add_room_type(
            session,
            DEMO_CODE,
            kind.code,
            kind.name,
            max_occupancy=kind.max_occupancy,
            base_occupancy=2,
            price=kind.price,
            features=list(kind.features),
            overbooking_allowance=kind.allowance,
        )
    kinds = [k.code for k in _TYPES for _ in range(max(1, round(k.share * count)))][:count]
    kinds += [_TYPES[0].code] * (count - len(kinds))
    numbers: dict[str, str] = {}
    for index, code in enumerate(kinds):
        floor, slot = divmod(index, 20)
        number = f"{floor + 1}{slot + 1:02d}"
        extras = [f for f, p in (("quiet", 0.2), ("accessible", 0.05)) if rng.random() < p]
        add_room(session, DEMO_CODE, number, code, floor=floor + 1, features=extras)
        numbers[number] = code
    return numbers


#: The one company entitled to the demo's corporate rate (CORP).
CORPORATE_CLIENT = "Tejo Consulting"

_PLANS = [
    PlanTermsInput("BB", "Bed & breakfast", "BAR", derive_amount=1800, meal_plan="BB"),
    PlanTermsInput("CORP", "Corporate", "BAR", derive_percent_bp=-1000, restricted=True),
    PlanTermsInput(
        "NRF",
        "Advance non-refundable",
        "BAR",
        derive_percent_bp=-1500,
        min_advance_days=7,
        non_refundable=True,
        guarantee="card",
    ),
    PlanTermsInput("MEM", "Members", "BAR", derive_percent_bp=-1000, members_only=True),
]


def _build_rates(session: Session, first: dt.date, last: dt.date) -> None:
    """A year of BAR with dearer weekends, derived plans, Lisbon's taxes, a busy-night rule."""
    for kind in _TYPES:
        set_rates(session, DEMO_CODE, "BAR", kind.code, first, last, kind.price)
        weekend = kind.price * 6 // 5
        set_rates(session, DEMO_CODE, "BAR", kind.code, first, last, weekend, ["fri", "sat"])
        set_extra_charges(session, DEMO_CODE, kind.code, extra_adult=3000, extra_child=1500)
    for terms in _PLANS:
        create_rate_plan(session, DEMO_CODE, terms)
    entitle_company(session, DEMO_CODE, "CORP", CORPORATE_CLIENT)
    add_tax(session, DEMO_CODE, "VAT", "VAT 6 %", percent_bp=600)
    # Portugal's rates: food 13 %, drinks and the other services 23 %; a cancellation or
    # no-show fee pays for the room that was held, so it has the room's VAT.
    apply_tax(session, DEMO_CODE, "VAT", ["CANCEL-FEE", "NOSHOW-FEE"])
    add_vat(session, DEMO_CODE, "VAT13", "VAT 13 %", percent_bp=1300, on=["FNB"])
    add_vat(session, DEMO_CODE, "VAT23", "VAT 23 %", percent_bp=2300,
            on=["MINIBAR", "PHONE", "LAUNDRY", "MISC"])  # fmt: skip
    add_tax(session, DEMO_CODE, "CITY", "Lisbon city tax", per_person=200)
    set_taxes_inclusive(session, DEMO_CODE, True)
    add_pricing_rule(session, DEMO_CODE, threshold_pct=85, adjust_bp=1500)


def _build_guests(session: Session, fake: Faker, count: int) -> list[int]:
    rows = [
        {
            "first_name": fake.first_name(),
            "last_name": fake.last_name(),
            "email": f"guest{i:05d}@{fake.free_email_domain()}",
            "phone": fake.phone_number(),
        }
        for i in range(count)
    ]
    session.execute(insert(Guest), rows)
    return list(session.scalars(select(Guest.id).order_by(Guest.id)))


def _plan_stays(
    rng: random.Random, rooms: dict[str, str], start: dt.date, end: dt.date
) -> list[tuple[str, str, dt.date, dt.date]]:
    """Back-to-back stays per room, with gaps, about 75 % full; in arrival order."""
    stays = []
    for number, code in rooms.items():
        day = start + dt.timedelta(days=rng.randint(0, 3))
        while day < end:
            nights = rng.choice([1, 1, 2, 2, 2, 3, 3, 4, 5, 7])
            stays.append((number, code, day, day + dt.timedelta(days=nights)))
            day += dt.timedelta(days=nights + rng.choice([0, 0, 0, 1, 1, 2, 4]))
    stays.sort(key=lambda s: (s[2], s[0]))
    return stays


def _book_stay(
    session: Session,
    rng: random.Random,
    prop: Property,
    today: dt.date,
    guest_ids: list[int],
    number: str,
    room_type: str,
    arrival: dt.date,
    departure: dt.date,
) -> None:
    if prop.business_date < arrival:
        prop.business_date = arrival
    party = rng.choice([1, 2, 2, 2, 3])
    adults = min(party, 2)
    children = 0 if room_type == "TWN" else party - adults
    guest = rng.choice(guest_ids)  # drawn before the plan, as the demo always drew them
    plan = rng.choice(["BAR", "BAR", "BB", "CORP"])
    view = book(
        session,
        BookingRequest(
            arrival=arrival,
            departure=departure,
            room_type=room_type,
            guest=guest,
            adults=adults,
            children=children,
            rate_plan=plan,
            tentative=arrival > today and rng.random() < 0.05,
            source=rng.choice(["desk", "phone", "web", "web", "agent"]),
            company=CORPORATE_CLIENT if plan == "CORP" else "",
        ),
    )
    roll = rng.random()
    if arrival > today + dt.timedelta(days=10) and roll < 0.6:
        return  # far-off stays wait for a room
    if arrival >= today and roll > 0.93:
        cancel(session, view.confirmation, reason=rng.choice(["change of plans", "illness"]))
        return
    assign_room(session, view.confirmation, number)


def _dirty_rooms(session: Session, rng: random.Random) -> None:
    for room in session.scalars(select(Room)):
        room.housekeeping = rng.choice(
            [HousekeepingStatus.CLEAN, HousekeepingStatus.INSPECTED, HousekeepingStatus.DIRTY]
        )


_TIERS = [
    TierTerms("BLUE", "Blue", 0, threshold=0, earn_per_unit=10, stay_bonus=250),
    TierTerms("SILVER", "Silver", 1, threshold=5_000, earn_per_unit=12, stay_bonus=500),
    TierTerms("GOLD", "Gold", 2, threshold=15_000, earn_per_unit=15, stay_bonus=1_000),
]
_REVIEWS = [
    (5, "Wonderful stay", "Lovely sea view and the friendliest staff in Lisbon."),
    (4, "Very good", "Quiet room, excellent breakfast, a little far from the metro."),
    (4, "Comfortable", "Great bed and a spotless bathroom; the lift was slow."),
    (3, "Fine for a night", "Clean enough, but the street was noisy until late."),
    (2, "Disappointing", "The air conditioning rattled all night and nobody came."),
    (5, "Perfect weekend", "Balcony, bathtub and sunset: we will be back."),
]


def _members_and_reviews(session: Session, rng: random.Random) -> None:
    """The Seaside Club with three tiers, about a third of the past guests as members with
    their stays' points, and a review from about one stay in three that checked out."""
    set_programme(session, ProgrammeTerms("SEACLUB", "Seaside Club", expiry="after",
                                          expiry_months=24), DEMO_CODE)  # fmt: skip
    for tier in _TIERS:
        set_tier(session, "SEACLUB", tier)
    past = list(
        session.scalars(
            select(Reservation)
            .where(Reservation.status == ReservationStatus.CHECKED_OUT)
            .order_by(Reservation.id)
        )
    )
    members: set[int] = set()
    for reservation in past:
        if reservation.guest_id not in members and rng.random() < 0.35:
            enrol(session, reservation.guest_id)
            brought = {"redeemable": rng.randrange(0, 20_000, 50),
                       "qualifying": rng.randrange(0, 20_000, 50)}  # fmt: skip
            adjust_points(session, reservation.guest_id, **brought, reason="points brought over")
            members.add(reservation.guest_id)
        if reservation.guest_id in members:
            earn_points(session, reservation)
        if rng.random() < 0.3:
            overall, title, text = rng.choice(_REVIEWS)
            codes = ("cleanliness", "comfort", "location", "service", "value")
            scores = {c: max(1, min(5, overall + rng.choice([-1, 0, 0, 1]))) for c in codes}
            add_review(session, ReviewInput(reservation.confirmation, overall, scores, title, text,
                                            "en", review_date=reservation.departure))  # fmt: skip
    review_tiers(session, DEMO_CODE)
