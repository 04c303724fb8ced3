"""Every wrong thing a clerk can type gets one clear sentence and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from pms.guests.lookup import GuestInput
from pms.inventory.nights import availability
from pms.kernel.desk import Desk
from pms.kernel.errors import InvalidInput, InvalidTransition, NotFound, PmsError
from pms.reservations.booking import BookingRequest, book
from pms.reservations.changes import cancel
from pms.stays.reservation_lists import list_reservations
from pms.stays.reservation_views import get_reservation

GOOD = {
    "arrival": "2026-12-03",
    "departure": "2026-12-05",
    "room_type": "DBL",
    "guest": GuestInput("Lucía García"),
    "adults": 2,
}


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"arrival": "2026-02-30"}, InvalidInput, "arrival '2026-02-30' is not a date"),
        ({"departure": "5th of Dec"}, InvalidInput, "departure '5th of Dec' is not a date"),
        ({"departure": "2026-12-03"}, InvalidInput, "departure must be after arrival"),
        ({"departure": "2027-03-01"}, InvalidInput, "a stay may last at most 60 nights"),
        ({"arrival": "2026-11-30"}, InvalidInput, "is before the business date 2026-12-01"),
        ({"arrival": "2029-01-01", "departure": "2029-01-02"}, InvalidInput, "open only until"),
        ({"room_type": "PENT"}, NotFound, "no room type 'PENT' at TST (known: DBL, SUI, TWN)"),
        ({"property_code": "NOPE"}, NotFound, "there is no property 'NOPE'"),
        ({"adults": 3, "children": 1}, InvalidInput, "DBL holds at most 3 guests; this party is 4"),
        ({"adults": 0}, InvalidInput, "a stay needs at least one adult"),
        ({"children": -1}, InvalidInput, "children cannot be a negative number"),
        ({"nights": 0, "departure": None}, InvalidInput, "a stay needs at least one night"),
        ({"guest": GuestInput("  ")}, InvalidInput, "the guest's name is missing"),
        ({"guest": GuestInput("Ann Lee", "ann-at-home")}, InvalidInput, "is not an e-mail"),
        ({"rate_plan": "CORP"}, NotFound, "no rate plan 'CORP'"),
    ],
)
def test_a_bad_booking_is_refused_in_one_sentence_and_nothing_is_sold(
    hotel: Desk, change: dict, error: type[PmsError], message: str
) -> None:
    with pytest.raises(error) as refused:
        hotel.run(book, BookingRequest(**(GOOD | change)))
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)
    assert hotel.read(list_reservations) == []
    grid = hotel.read(availability, "TST", dt.date(2026, 12, 3), dt.date(2026, 12, 5))
    assert all(n.sold == 0 for rt in grid for n in rt.nights)


def test_a_field_error_names_the_field_so_a_form_can_show_it_beside_it(hotel: Desk) -> None:
    with pytest.raises(InvalidInput) as refused:
        hotel.run(book, BookingRequest(**(GOOD | {"departure": "2026-12-02"})))
    assert refused.value.field == "departure"


def test_an_unknown_reservation_and_a_second_cancellation(hotel: Desk) -> None:
    with pytest.raises(NotFound, match="there is no reservation 'ZZZZ-9999'"):
        hotel.read(get_reservation, "ZZZZ-9999")
    booked = hotel.run(book, BookingRequest(**GOOD))
    hotel.run(cancel, booked.confirmation)
    with pytest.raises(InvalidTransition, match="is already cancelled"):
        hotel.run(cancel, booked.confirmation.lower().replace("-", ""))
