"""A day at the desk from the command line: stays are booked, found, changed, given rooms and
cancelled; whatever the clerk mistypes gets one clear line and changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from conftest import BUSINESS_DATE
from test_cli import data, one_line_error, pms

from pms.guests.lookup import GuestInput
from pms.inventory.nights import availability
from pms.kernel.desk import Desk
from pms.reservations.booking import BookingRequest, book
from pms.stays.reservation_lists import list_reservations
from pms.stays.reservation_views import get_reservation


def d(day: int) -> str:
    """A December 2026 date in ISO form, as --json prints it."""
    return dt.date(2026, 12, day).isoformat()


def sold(desk: Desk) -> dict[str, list[int]]:
    """Rooms sold per room type on each of the business date's next 14 nights."""
    grid = desk.read(availability, "TST", BUSINESS_DATE, BUSINESS_DATE + dt.timedelta(days=14))
    return {rt.code: [n.sold for n in rt.nights] for rt in grid}


def book_garcia(desk: Desk, **overrides: Any) -> str:
    """Lucía García's double, 3 to 5 December, booked through the service; her confirmation."""
    fields: dict[str, Any] = {
        "arrival": dt.date(2026, 12, 3),
        "departure": dt.date(2026, 12, 5),
        "room_type": "DBL",
        "guest": GuestInput("Lucía García", "lucia@example.com"),
        "adults": 2,
    }
    return desk.run(book, BookingRequest(**(fields | overrides))).confirmation


def test_a_clerk_books_a_stay_and_reads_it_back(hotel: Desk, db_url: str) -> None:
    booked = pms(db_url, "--user", "ana", "reservation", "create",
                 "--arrival", "2026-12-03", "--departure", "2026-12-05", "--room-type", "dbl",
                 "--guest", "Lucía García", "--email", "lucia@example.com",
                 "--phone", "+351 912 345 678",
                 "--adults", "2", "--children", "1")  # fmt: skip

    assert booked.exit_code == 0, booked.output
    [stay] = hotel.read(list_reservations)
    assert f"Booked {stay.confirmation}." in booked.stdout
    assert "García, Lucía" in booked.stdout and "€200.00 total incl. VAT" in booked.stdout

    shown = pms(db_url, "reservation", "show", stay.confirmation.lower().replace("-", ""))
    assert shown.exit_code == 0, shown.output
    assert "Thu 2026-12-03 → Sat 2026-12-05, 2 nights" in shown.stdout
    assert "2 adults, 1 child" in shown.stdout and "DBL, no room yet" in shown.stdout
    assert "€100.00 per night incl. VAT · €200.00 total incl. VAT" in shown.stdout
    assert shown.stdout.count("€100.00") == 3  # the price a night, then each of the 2 nights

    view = data(pms(db_url, "reservation", "show", stay.confirmation, "--json"))
    assert view["status"] == "confirmed" and view["guest_name"] == "García, Lucía"
    assert (view["arrival"], view["departure"], view["nights"]) == (d(3), d(5), 2)
    assert view["nightly"] == [{"night": d(3), "price": 10000}, {"night": d(4), "price": 10000}]
    assert (view["total"], view["currency"]) == (20000, "EUR")
    assert sold(hotel)["DBL"][:5] == [0, 0, 1, 1, 0]


def test_dates_are_typed_the_way_the_desk_says_them(hotel: Desk, db_url: str) -> None:
    friday = data(pms(db_url, "reservation", "create", "--arrival", "fri", "--nights", "2",
                      "-t", "TWN", "--guest", "Chidi Okafor", "--json"))  # fmt: skip
    assert (friday["arrival"], friday["departure"]) == (d(4), d(6))
    soon = data(pms(db_url, "reservation", "create", "--arrival", "+2", "--departure", "7.12",
                    "-t", "TWN", "--guest", "Okafor, Chidi", "--json"))  # fmt: skip
    assert (soon["arrival"], soon["departure"]) == (d(3), d(7))


def test_a_retried_booking_with_the_same_key_books_once(hotel: Desk, db_url: str) -> None:
    args = ["reservation", "create", "--arrival", "3.12", "--nights", "1", "-t", "SUI",
            "--guest", "Ada Lovelace", "--idempotency-key", "phone-0042", "--json"]  # fmt: skip
    first, again = data(pms(db_url, *args)), data(pms(db_url, *args))
    assert again["confirmation"] == first["confirmation"]
    assert sold(hotel)["SUI"][2] == 1


def test_only_a_manager_may_overbook(hotel: Desk, db_url: str) -> None:
    book_garcia(hotel, room_type="SUI")
    args = ["reservation", "create", "--arrival", "3.12", "--nights", "1", "-t", "SUI",
            "--guest", "Walk In", "--overbook"]  # fmt: skip
    assert "overbooking needs" in one_line_error(pms(db_url, "--user", "ana", *args))
    assert data(pms(db_url, "--user", "maria", *args, "--json"))["overbooked"] is True
    assert sold(hotel)["SUI"][2] == 2


def test_lists_find_arrivals_departures_in_house_and_names(hotel: Desk, db_url: str) -> None:
    garcia = book_garcia(hotel)
    okafor = book_garcia(hotel, guest=GuestInput("Chidi Okafor"), arrival=dt.date(2026, 12, 4),
                         departure=dt.date(2026, 12, 8), room_type="TWN")  # fmt: skip

    def listed(*filters: str) -> list[str]:
        return [r["confirmation"] for r in data(pms(db_url, "reservation", "list", *filters,
                                                    "--json"))]  # fmt: skip

    assert listed() == [garcia, okafor]
    assert listed("--arriving", "fri") == [okafor]
    assert listed("--departing", "5.12") == [garcia]
    assert listed("--in-house", "+3") == [garcia, okafor]
    assert listed("--search", "OKA") == [okafor]
    assert listed("--status", "cancelled") == []
    assert listed("--limit", "1") == [garcia]

    table = pms(db_url, "reservation", "list", "--arriving", "3.12")
    assert table.exit_code == 0, table.output
    assert garcia in table.stdout and "García, Lucía" in table.stdout and okafor not in table.stdout
    assert "No reservations match." in pms(db_url, "reservation", "list", "--search", "uu").stdout


def test_a_stay_is_lengthened_and_a_stale_copy_cannot_undo_it(hotel: Desk, db_url: str) -> None:
    confirmation = book_garcia(hotel)
    version = hotel.read(get_reservation, confirmation).version

    longer = data(pms(db_url, "reservation", "modify", confirmation, "--departure", "7.12",
                      "--version", str(version), "--json"))  # fmt: skip

    assert [n["night"] for n in longer["nightly"]] == [d(3), d(4), d(5), d(6)]
    assert sold(hotel)["DBL"][:7] == [0, 0, 1, 1, 1, 1, 0]
    stale = pms(db_url, "reservation", "modify", confirmation, "--nights", "1",
                "--version", str(version))  # fmt: skip
    assert "changed by someone else" in one_line_error(stale)
    assert hotel.read(get_reservation, confirmation).departure == dt.date(2026, 12, 7)

    suite = pms(db_url, "reservation", "modify", confirmation, "-t", "sui", "--adults", "4")
    assert suite.exit_code == 0, suite.output
    assert (
        f"Changed {confirmation}." in suite.stdout and "€1,000.00 total incl. VAT" in suite.stdout
    )


def test_a_change_needs_something_to_change(hotel: Desk, db_url: str) -> None:
    confirmation = book_garcia(hotel)
    assert pms(db_url, "reservation", "modify", confirmation).exit_code == 2
    both = pms(db_url, "reservation", "modify", confirmation, "--departure", "9.12",
               "--nights", "2")  # fmt: skip
    assert both.exit_code == 2 and "not both" in both.stderr


def test_rooms_are_offered_given_and_taken_back(hotel: Desk, db_url: str) -> None:
    garcia = book_garcia(hotel)
    neighbour = book_garcia(hotel, guest=GuestInput("Chidi Okafor"))

    offered = data(pms(db_url, "reservation", "rooms", garcia, "--json"))
    assert [room["number"] for room in offered] == ["101", "102", "103"]
    given = pms(db_url, "reservation", "assign", garcia, "101")
    assert given.exit_code == 0, given.output
    assert f"Gave room 101 to {garcia}." in given.stdout and "DBL, room 101" in given.stdout

    taken = one_line_error(pms(db_url, "reservation", "assign", neighbour, "101"))
    assert taken == f"room 101 is taken on Thu 2026-12-03 by {garcia} — pick another"
    assert "101" not in pms(db_url, "reservation", "rooms", neighbour).stdout

    freed = data(pms(db_url, "reservation", "unassign", garcia, "--json"))
    assert freed["rooms"] == [] and freed["room"] == ""


def test_a_tentative_hold_is_confirmed(hotel: Desk, db_url: str) -> None:
    hold = data(pms(db_url, "reservation", "create", "--arrival", "3.12", "--nights", "1",
                    "-t", "TWN", "--guest", "Ada Lovelace", "--tentative", "--json"))  # fmt: skip
    assert hold["status"] == "tentative"
    confirmed = pms(db_url, "reservation", "confirm", hold["confirmation"])
    assert confirmed.exit_code == 0 and "confirmed" in confirmed.stdout


def test_a_cancelled_stay_gives_its_nights_back_once(hotel: Desk, db_url: str) -> None:
    confirmation = book_garcia(hotel)
    pms(db_url, "reservation", "assign", confirmation, "102")

    cancelled = pms(db_url, "reservation", "cancel", confirmation, "--reason", "flight cancelled")

    assert cancelled.exit_code == 0, cancelled.output
    assert f"Cancelled {confirmation}." in cancelled.stdout
    assert sold(hotel)["DBL"] == [0] * 14
    view = hotel.read(get_reservation, confirmation)
    assert (view.status, view.rooms) == ("cancelled", [])

    again = one_line_error(pms(db_url, "reservation", "cancel", confirmation))
    assert again == f"reservation {confirmation} is already cancelled"
    assert "only tentative or confirmed" in one_line_error(
        pms(db_url, "reservation", "modify", confirmation, "--adults", "1")
    )
    assert hotel.read(get_reservation, confirmation).version == view.version


# What a clerk may mistype when booking, and the words that must come back.
BAD_BOOKINGS = {
    "impossible date": (
        "--arrival 2026-02-30 --nights 2 -t DBL",
        "arrival '2026-02-30' is not a date",
    ),
    "malformed date": ("--arrival soonish --nights 2 -t DBL", "arrival 'soonish' is not a date"),
    "departure before arrival": (
        "--arrival 3.12 --departure 2.12 -t DBL",
        "departure must be after arrival",
    ),
    "too long a stay": (
        "--arrival 3.12 --nights 61 -t DBL",
        "departure: a stay may last at most 60 nights",
    ),
    "unknown room type": ("--arrival 3.12 --nights 2 -t PENT", "there is no room type 'PENT'"),
    "unknown property": ("--arrival 3.12 --nights 2 -t DBL -p NOPE", "there is no property"),
    "too many guests": (
        "--arrival 3.12 --nights 2 -t DBL --adults 2 --children 2",
        "adults: DBL holds at most 3 guests; this party is 4",
    ),
    "negative children": (
        "--arrival 3.12 --nights 2 -t DBL --children -1",
        "children cannot be a negative number",
    ),
    "negative nights": (
        "--arrival 3.12 --nights -2 -t DBL",
        "nights: a stay needs at least one night",
    ),
    "no adult": (
        "--arrival 3.12 --nights 2 -t DBL --adults 0",
        "adults: a stay needs at least one adult",
    ),
}


@pytest.mark.parametrize("mistake", BAD_BOOKINGS.values(), ids=BAD_BOOKINGS.keys())
def test_a_mistyped_booking_is_one_line_and_books_nothing(
    hotel: Desk, db_url: str, mistake: tuple[str, str]
) -> None:
    args, message = mistake

    result = pms(db_url, "reservation", "create", *args.split(), "--guest", "Lucía García")

    assert one_line_error(result).startswith(message)
    assert "Traceback" not in result.output
    assert hotel.read(list_reservations) == []
    assert sold(hotel) == {"DBL": [0] * 14, "TWN": [0] * 14, "SUI": [0] * 14}


@pytest.mark.parametrize(
    "command",
    [["show", "ZZZZ-ZZZZ"], ["modify", "ZZZZ-ZZZZ", "--adults", "1"], ["cancel", "ZZZZ-ZZZZ"],
     ["assign", "ZZZZ-ZZZZ", "101"], ["rooms", "ZZZZ-ZZZZ"]],
    ids=lambda command: command[0],
)  # fmt: skip
def test_an_unknown_reservation_is_named(hotel: Desk, db_url: str, command: list[str]) -> None:
    assert one_line_error(pms(db_url, "reservation", *command)) == (
        "there is no reservation 'ZZZZ-ZZZZ'"
    )


def test_a_change_that_does_not_make_sense_leaves_the_stay_alone(hotel: Desk, db_url: str) -> None:
    confirmation = book_garcia(hotel)
    before = hotel.read(get_reservation, confirmation)
    for change, message in [
        (["--departure", "30.2"], "departure '30.2' is not a date"),
        (["--nights", "90"], "departure: a stay may last at most 60 nights"),
        (["--adults", "5"], "adults: DBL holds at most 3 guests"),
        (["--children", "-3"], "children cannot be a negative number"),
        (["-t", "XXL"], "there is no room type 'XXL'"),
    ]:
        result = pms(db_url, "reservation", "modify", confirmation, *change)
        assert one_line_error(result).startswith(message)
    assert hotel.read(get_reservation, confirmation) == before
