"""One validation for every face: what a careless clerk or an attacker types is refused in one
short line naming the field, the same way on SQLite and PostgreSQL, and nothing is stored."""

from __future__ import annotations

import pytest
from conftest import BUSINESS_DATE
from test_cli import one_line_error, pms

from pms.guests.contact import person_name
from pms.guests.lookup import GuestInput
from pms.guests.profile_edits import GuestDetails, create_guest
from pms.kernel.dates import parse_date
from pms.kernel.desk import Desk
from pms.kernel.errors import InvalidInput
from pms.kernel.money import to_minor
from pms.kernel.validation import count, idempotency_key, plain_text
from pms.reservations.booking import BookingRequest, book
from pms.stays.reservation_lists import list_reservations

HUGE = "x" * 100_000


@pytest.mark.parametrize(
    "typed",
    ["\x1b[31mRed\x1b[0m Baron", "Evil\u202eLord", "12345", "2026-12-04", "Ana\x00Bell", "@@@"],
)
def test_a_name_that_is_not_a_name_is_refused(typed: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        person_name(typed)
    assert refused.value.field == "name"


def test_names_of_every_script_and_the_usual_punctuation_pass() -> None:
    assert person_name("Seán O'Brien-Núñez") == ("Seán", "O'Brien-Núñez")
    assert person_name("García, Lucía") == ("Lucía", "García")
    assert person_name("山田 太郎") == ("山田", "太郎")
    assert person_name("Mehr\u200cnaz Rahimi") == ("Mehr\u200cnaz", "Rahimi")  # a joiner
    assert person_name("John St. John Jr.") == ("John St. John", "Jr.")


def test_a_huge_name_is_refused_on_both_databases_and_nothing_is_stored(hotel: Desk) -> None:
    with pytest.raises(InvalidInput, match="at most 80 characters") as refused:
        hotel.run(create_guest, GuestDetails(name=f"Ana {'B' * 100_000}"))
    assert len(str(refused.value)) < 100
    with pytest.raises(InvalidInput, match="company may be at most 120"):
        hotel.run(create_guest, GuestDetails(name="Ana Lima", company="C" * 121))
    request = BookingRequest(arrival=BUSINESS_DATE, nights=1, room_type="DBL",
                             guest=GuestInput("Ana Lima", phone="nan"))  # fmt: skip
    with pytest.raises(InvalidInput, match="country code") as refused:
        hotel.run(book, request)
    assert refused.value.field == "phone"
    assert hotel.read(list_reservations) == []


def test_amounts_are_exact_and_bounded() -> None:
    assert to_minor("12.50", "EUR") == 1250
    for typed in ("12.505", "1e309", "NaN", "9" * 400, "1000000000000000000", "", "12,50"):
        with pytest.raises(InvalidInput) as refused:
            to_minor(typed, "EUR", field="amount")
        assert len(str(refused.value)) < 100


def test_dates_keys_counts_and_text_stay_within_bounds() -> None:
    for typed in ("", "9999-12-31", "+99999999", "1900-01-01", HUGE):
        with pytest.raises(InvalidInput) as refused:
            parse_date(typed, BUSINESS_DATE, field="from")
        assert refused.value.field == "from" and len(str(refused.value)) < 100
    assert parse_date("+30", BUSINESS_DATE).isoformat() == "2026-12-31"
    assert idempotency_key("  web-42:retry ") == "web-42:retry"
    assert idempotency_key("") is None
    for key in ("k" * 81, "two words", "\x1b[2J"):
        with pytest.raises(InvalidInput):
            idempotency_key(key)
    with pytest.raises(InvalidInput, match="from 1 to 999"):
        count(10**9, "rooms", low=1)
    with pytest.raises(InvalidInput, match="at most 200"):
        plain_text("d" * 201, "description")
    with pytest.raises(InvalidInput, match="control character"):
        plain_text("minibar\x1b]0;owned\x07", "description")


#: What a command line is given by mistake or on purpose, and the words of its refusal.
REFUSED = [
    (["guest", "create", "--name", "\x1b[2JMallory"], "control character"),
    (["guest", "create", "--name", "0123456789"], "is not a name"),
    (["reservation", "create", "--arrival", "today", "--nights", "1", "--room-type", "DBL",
      "--guest", "Ana Lima", "--phone", "nan"], "country code"),
    (["reservation", "create", "--arrival", "today", "--nights", "99999999999",
      "--room-type", "DBL", "--guest", "Ana Lima"], "at most 60 nights"),
    (["reservation", "create", "--arrival", "9999-12-31", "--nights", "1",
      "--room-type", "DBL", "--guest", "Ana Lima"], "out of range"),
    (["reservation", "create", "--arrival", "today", "--nights", "1", "--room-type", "DBL",
      "--guest", "Ana Lima", "--adults", "1000000"], "at most 20 adults"),
    (["reservation", "create", "--arrival", "today", "--nights", "1", "--room-type", "DBL",
      "--guest", "Ana Lima", "--idempotency-key", "k" * 500], "idempotency key"),
    (["rates", "set", "--plan", "BAR", "-t", "DBL", "--from", "", "--to", "+2",
      "--price", "90"],
     "from is missing"),
    (["rates", "set", "--plan", "BAR", "-t", "DBL", "--from", "today", "--to", "+2",
      "--price", "0"], "complimentary"),
    (["rates", "set", "--plan", "BAR", "-t", "DBL", "--from", "today", "--to", "+2",
      "--price", "1" * 400], "not an amount"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), REFUSED)
def test_the_command_line_refuses_in_one_short_line(
    hotel: Desk, db_url: str, args: list[str], message: str
) -> None:
    error = one_line_error(pms(db_url, "--user", "maria", *args))
    assert message in error and len(error) < 160
    assert "unexpected" not in error
    assert hotel.read(list_reservations) == []


def test_a_complimentary_rate_is_said_so(hotel: Desk, db_url: str) -> None:
    done = pms(db_url, "--user", "maria", "rates", "set", "--plan", "BAR", "-t", "DBL",
               "--from", "today", "--to", "+2", "--price", "0", "--complimentary")  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "€0.00 on 3 nights" in done.stdout


def test_a_hotel_caps_what_one_posting_may_be(hotel: Desk, db_url: str) -> None:
    stay = hotel.run(book, BookingRequest(arrival=BUSINESS_DATE, nights=1, room_type="DBL",
                                          guest=GuestInput("Ana Lima"))).confirmation  # fmt: skip
    pms(db_url, "--user", "ana", "checkin", stay, "--room", "101")
    huge = one_line_error(pms(db_url, "--user", "ana", "folio", "post", stay, "FNB", "1000001"))
    assert "at most €1,000,000.00 at this hotel" in huge
    set_cap = pms(db_url, "--user", "admin", "property", "edit", "--set", "amount_cap=500")
    assert set_cap.exit_code == 0, set_cap.output
    assert "€500.00" in one_line_error(pms(db_url, "--user", "ana", "folio", "post", stay,
                                           "FNB", "600"))  # fmt: skip
