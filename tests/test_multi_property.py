"""Two hotels in one database: each keeps its own rooms, inventory, business date and invoice
numbers, while one guest profile serves both; the CLI needs `--property` (or PMS_PROPERTY)
only once there is more than one."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import CLERK, MANAGER
from folio_racers import pay_cash
from sqlalchemy.orm import Session
from test_cli import data, one_line_error, pms

from db.models import Role
from pms.billing.folios import GUEST_FOLIO, close_folio, folios_of, post_charge
from pms.guests.lookup import GuestInput
from pms.guests.profiles import show_guest
from pms.hotel.properties import add_room_type, create_property, property_view
from pms.inventory.nights import availability
from pms.kernel.desk import Actor, Desk
from pms.kernel.errors import InvalidInput
from pms.reservations.booking import BookingRequest, book
from pms.setup.rooms_admin import add_rooms
from pms.stays.reservation_views import load_reservation

ADMIN = Actor("admin", Role.ADMIN)


def d(day: int) -> dt.date:
    return dt.date(2026, 12, day)


@pytest.fixture
def two_hotels(hotel: Desk) -> Desk:
    """The test hotel (TST, business date 1 Dec) and the Quay Lodge (QAY, in pounds, whose
    night audit has already closed the days before 3 Dec), on one desk acting as the clerk."""
    hotel.actor = ADMIN
    hotel.run(create_property, "QAY", "Quay Lodge", currency="GBP", timezone="Europe/London",
              business_date=d(3))  # fmt: skip
    hotel.actor = MANAGER
    hotel.run(add_room_type, "QAY", "DBL", "Quay double", max_occupancy=2, price=8000)
    hotel.run(add_rooms, "QAY", "1-4", "DBL")
    hotel.actor = CLERK
    return hotel


def _settle_and_close(desk: Desk, confirmation: str) -> int:
    """Charge the minibar, pay it, close the guest folio; the invoice number."""
    desk.run(post_charge, confirmation, "MINIBAR", 1500)
    desk.run(pay_cash, confirmation, 1500)
    folio = next(f for f in desk.read(folios_of, confirmation) if f.name == GUEST_FOLIO)
    return desk.run(close_folio, folio.id).number


def test_two_hotels_stay_apart_while_sharing_a_guest(two_hotels: Desk) -> None:
    guest = GuestInput("Lucía García", email="lucia@example.com")
    here = two_hotels.run(book, BookingRequest(arrival=d(3), nights=2, room_type="DBL",
                                               guest=guest, property_code="TST"))  # fmt: skip
    there = two_hotels.run(book, BookingRequest(arrival=d(5), nights=1, room_type="DBL",
                                                guest=guest, property_code="QAY"))  # fmt: skip

    tst = two_hotels.read(availability, "TST", d(3), d(6))[0]
    qay = two_hotels.read(availability, "QAY", d(3), d(6))[0]
    assert [(n.sold, n.capacity) for n in tst.nights] == [(1, 3), (1, 3), (0, 3)]
    assert [(n.sold, n.capacity) for n in qay.nights] == [(0, 4), (0, 4), (1, 4)]
    assert two_hotels.read(property_view, "TST").business_date == d(1)
    assert two_hotels.read(property_view, "QAY").business_date == d(3)
    assert (here.currency, there.currency) == ("EUR", "GBP")

    assert _settle_and_close(two_hotels, here.confirmation) == 1
    assert _settle_and_close(two_hotels, there.confirmation) == 1  # each hotel counts its own

    guests = {two_hotels.read(_guest_of, stay.confirmation) for stay in (here, there)}
    assert len(guests) == 1  # one profile …
    profile = two_hotels.read(show_guest, guests.pop())
    assert sorted(s.property_code for s in profile.stays) == ["QAY", "TST"]  # … both stays
    with pytest.raises(InvalidInput, match=r"several properties \(QAY, TST\) — name one"):
        two_hotels.read(property_view)


def test_the_cli_needs_a_property_only_when_there_are_several(
    two_hotels: Desk, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "several properties (QAY, TST)" in one_line_error(pms(db_url, "availability"))

    quay = data(pms(db_url, "availability", "--property", "qay", "--json"))
    assert [t["code"] for t in quay] == ["DBL"] and quay[0]["nights"][0]["night"] == "2026-12-03"
    listed = data(pms(db_url, "property", "list", "--json"))
    assert [(p["code"], p["rooms"], p["currency"]) for p in listed] == [
        ("QAY", 4, "GBP"), ("TST", 6, "EUR"),
    ]  # fmt: skip

    monkeypatch.setenv("PMS_PROPERTY", "QAY")
    rooms = data(pms(db_url, "room", "list", "--json"))
    assert [r["number"] for r in rooms] == ["1", "2", "3", "4"]


def _guest_of(session: Session, confirmation: str) -> int:
    return load_reservation(session, confirmation).guest_id
