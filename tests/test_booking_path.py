"""The booking path writes with Core statements: what it returns and records is what the ORM
would have read back, and a desk outlives connections the server dropped."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import BUSINESS_DATE, MANAGER
from sqlalchemy import event, select, text

from db.engine import make_engine
from db.models import AuditLog, ChangeLog, Reservation
from pms.guests.lookup import GuestInput
from pms.inventory.nights import availability
from pms.kernel.desk import Desk
from pms.kernel.errors import SoldOut
from pms.rates.plan_terms import PlanTermsInput
from pms.rates.plans import create_rate_plan
from pms.rates.sheet_edits import set_rates
from pms.rates.taxes import add_tax, set_taxes_inclusive
from pms.reservations.booking import BookingRequest, book
from pms.reservations.quotes import QuoteRequest, quote
from pms.stays.reservation_views import get_reservation


def d(day: int) -> dt.date:
    return dt.date(2026, 12, day)


@pytest.fixture
def priced(hotel: Desk) -> Desk:
    """The test hotel with a sheet, inclusive VAT, a city tax and a derived breakfast plan."""
    hotel.actor = MANAGER
    hotel.run(set_rates, "TST", "BAR", "DBL", d(1), d(31), 12000)
    hotel.run(add_tax, "TST", "VAT", "VAT", percent_bp=600)
    hotel.run(add_tax, "TST", "CITY", "City tax", per_person=200)
    hotel.run(set_taxes_inclusive, "TST", True)
    hotel.run(
        create_rate_plan,
        "TST",
        PlanTermsInput("BB", "Bed & breakfast", "BAR", derive_amount=1500, meal_plan="BB"),
    )
    return hotel


@pytest.mark.parametrize(
    "request_",
    [
        BookingRequest(d(3), "DBL", GuestInput("Lucía García", "lucia@example.com"), d(6)),
        BookingRequest(
            "4.12",
            "dbl",
            GuestInput("Chidi Okafor", "", "+351 912 345 678"),
            nights=2,
            adults=2,
            children=1,
            rate_plan="bb",
            property_code="tst",
            tentative=True,
            source="web",
            idempotency_key="web-7",
        ),
        BookingRequest(d(5), "SUI", GuestInput("Mei Tanaka", "mei@example.com"), d(6)),
    ],
)
def test_the_view_of_a_new_stay_is_the_one_read_back(
    priced: Desk, request_: BookingRequest
) -> None:
    booked = priced.run(book, request_)
    assert booked == priced.read(get_reservation, booked.confirmation)
    assert booked.rooms == [] and booked.version == 1 and booked.cancellation_fee == 0


def test_a_replayed_key_returns_the_stay_as_stored(priced: Desk) -> None:
    request = BookingRequest(
        d(3), "DBL", GuestInput("Ana Novak", "ana@example.com"), d(5), idempotency_key="k-1"
    )
    first = priced.run(book, request)
    assert priced.run(book, request) == first


def _reservation_logs(confirmation: str):  # type: ignore[no-untyped-def]
    def read(session):  # type: ignore[no-untyped-def]
        reservation = session.scalar(
            select(Reservation).where(Reservation.confirmation == confirmation)
        )
        audit = session.scalars(
            select(AuditLog).where(
                AuditLog.entity == "reservation", AuditLog.entity_id == reservation.id
            )
        )
        changes = session.scalars(
            select(ChangeLog.operation).where(
                ChangeLog.entity == "reservation", ChangeLog.entity_id == reservation.id
            )
        )
        return (
            reservation.room_type_id,
            [(a.username, a.action, a.before, a.after) for a in audit],
            list(changes),
        )

    return read


def test_a_booking_is_audited_with_its_stored_total(priced: Desk) -> None:
    stay = priced.run(book, BookingRequest(d(3), "DBL", GuestInput("Ana Novak"), d(5), adults=2))
    room_type_id, audit, changes = priced.read(_reservation_logs(stay.confirmation))
    after = {
        "status": "confirmed",
        "arrival": "2026-12-03",
        "departure": "2026-12-05",
        "room_type_id": room_type_id,
        "adults": 2,
        "children": 0,
        "total": stay.total,
    }
    assert audit == [("maria", "create", None, after)]
    assert changes == ["insert"]


def test_nights_never_sold_are_opened_and_a_full_one_is_named(priced: Desk) -> None:
    priced.run(book, BookingRequest(d(10), "SUI", GuestInput("Jonas Weber"), d(11)))
    # The 9th and 11th have never been sold: this attempt opens them, then finds the 10th full.
    with pytest.raises(SoldOut, match="Thu 2026-12-10"):
        priced.run(book, BookingRequest(d(9), "SUI", GuestInput("Mei Tanaka"), d(12)))
    grid = priced.read(availability, "TST", d(8), d(13))
    suites = next(rt for rt in grid if rt.code == "SUI")
    assert [n.sold for n in suites.nights] == [0, 0, 1, 0, 0]
    stay = priced.run(book, BookingRequest(d(11), "SUI", GuestInput("Mei Tanaka"), d(13)))
    assert [n.night for n in stay.nightly] == [d(11), d(12)]


def test_a_desk_outlives_connections_the_server_dropped(priced: Desk, db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("only a server drops connections")
    assert priced.engine.pool.checkedin() >= 1  # the set-up left a connection in the pool
    admin = make_engine(db_url)
    with admin.connect() as conn:
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    admin.dispose()
    begun: list[int] = []
    event.listen(priced.engine, "begin", lambda _conn: begun.append(1))
    stay = priced.run(book, BookingRequest(BUSINESS_DATE, "DBL", GuestInput("Ana Novak"), d(3)))
    assert len(begun) == 2  # the dropped connection's attempt, then the one that booked
    assert priced.read(get_reservation, stay.confirmation) == stay


def test_the_quote_and_the_stay_split_the_price_the_same_way(priced: Desk) -> None:
    """€120 a night with the 6 % VAT inside, 2 adults × €2 city tax a night apart."""
    request = QuoteRequest(d(3), d(5), adults=2, rate_plan="BAR")
    [offer] = [o for o in priced.read(quote, request) if o.room_type == "DBL"]
    assert (offer.price_per_night, offer.price_total, offer.city_tax) == (12000, 24000, 800)
    assert offer.total == 24800 and [offer.night_price(n) for n in offer.nights] == [12000] * 2
    stay = priced.run(book, BookingRequest(d(3), "DBL", GuestInput("Lucía García"), d(5), adults=2))
    assert (stay.price_per_night, stay.price_total, stay.city_tax) == (12000, 24000, 800)
    assert [stay.night_city_tax(n) for n in stay.nightly] == [400, 400]
