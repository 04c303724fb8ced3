"""A clerk finds guests, rooms and stays by a piece of a name, a typo, a phone number however it
is written, a confirmation, loyalty or room number — best hits first.

Real whoosh indexes, in the per-test cache directory that conftest sets up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from conftest import SUPERVISOR
from sqlalchemy import insert

from db.models import Guest
from pms.guests.lookup import GuestInput
from pms.guests.profile_edits import GuestDetails, create_guest, update_guest
from pms.kernel.audit import record
from pms.kernel.desk import Desk
from pms.kernel.errors import InvalidInput
from pms.reservations.booking import BookingRequest, book
from pms.search.service import SearchHit, close_indexes, ensure_index, search
from pms.stays.reservation_views import load_reservation


@pytest.fixture(autouse=True)
def _close_indexes() -> Iterator[None]:
    yield
    close_indexes()


def stay(desk: Desk, name: str, arrival: int = 3, nights: int = 2, **guest: str) -> str:
    """Book a double for `name`; returns the confirmation number."""
    view = desk.run(
        book,
        BookingRequest(
            arrival=dt.date(2026, 12, arrival),
            nights=nights,
            room_type="DBL",
            guest=GuestInput(name, guest.get("email", ""), guest.get("phone", "")),
        ),
    )
    return view.confirmation


def set_status(desk: Desk, confirmation: str, status: str) -> None:
    """Move a stay to `status` the way check-in and check-out will (with its change-log row)."""

    def _set(session) -> None:  # type: ignore[no-untyped-def]
        reservation = load_reservation(session, confirmation)
        reservation.status = status
        record(session, status, "reservation", reservation.id)

    desk.run(_set)


def titles(desk: Desk, text: str, **options: object) -> list[str]:
    return [hit.title for hit in hits(desk, text, **options)]


def hits(desk: Desk, text: str, **options: object) -> list[SearchHit]:
    return desk.read(search, text, **options)  # type: ignore[arg-type]


def test_names_match_as_you_type_by_start_piece_and_typo(hotel: Desk) -> None:
    for name in ("Lucía García", "John Johnson", "Anna Smithson", "Maria Garcés"):
        stay(hotel, name)
    assert hotel.read(ensure_index) is True  # first use: built from the tables

    guests = {"kind": "guest"}
    assert titles(hotel, "gar", **guests) == ["Garcés, Maria", "García, Lucía"]
    # Accents and case folded; six letters may hold two typos (AUTO fuzziness), so Garcés
    # follows, after the exact match.
    assert titles(hotel, "GARCIA", **guests) == ["García, Lucía", "Garcés, Maria"]
    assert titles(hotel, "arcí", **guests) == ["García, Lucía"]  # a piece inside the name
    assert titles(hotel, "jonson", **guests) == ["Johnson, John"]  # one letter missing
    assert titles(hotel, "smithsom", **guests) == ["Smithson, Anna"]  # one letter wrong
    assert titles(hotel, "lucia gar", **guests) == ["García, Lucía"]  # every word must match
    assert titles(hotel, "j", **guests) == ["Johnson, John"]  # one letter searches its start


def test_typos_within_elasticsearchs_auto_fuzziness_a_swapped_pair_counting_one(
    hotel: Desk,
) -> None:
    for name in ("Ana Madrigal", "Wisława Szymborska", "Jan Kot", "Eva Lind"):
        stay(hotel, name)
    guests = {"kind": "guest"}
    assert titles(hotel, "madirgal", **guests) == ["Madrigal, Ana"]  # two letters swapped
    assert titles(hotel, "szymborsak", **guests) == ["Szymborska, Wisława"]
    assert titles(hotel, "szymbarsqa", **guests) == ["Szymborska, Wisława"]  # long: two edits
    assert titles(hotel, "kto", **guests) == ["Kot, Jan"]  # three letters: one edit
    assert titles(hotel, "ilnd", **guests) == []  # the first letter is never the typo
    assert titles(hotel, "lidn", **guests) == ["Lind, Eva"]
    assert titles(hotel, "lnda", **guests) == []  # four letters: not two edits


def test_exact_words_come_before_prefixes_before_pieces_and_typos(hotel: Desk) -> None:
    for name in ("Mariana Lopes", "Anabela Reis", "Ana Costa", "Diana Anderson"):
        stay(hotel, name)
    assert titles(hotel, "ana", kind="guest") == [
        "Costa, Ana",  # a whole word
        "Reis, Anabela",  # the start of a word
        "Anderson, Diana",  # a piece inside a word (then by name)
        "Lopes, Mariana",
    ]


def test_in_house_and_upcoming_stays_rank_before_old_ones(hotel: Desk) -> None:
    gone = stay(hotel, "Paul Smith", arrival=2)
    here = stay(hotel, "Zoe Smith", arrival=2)
    stay(hotel, "Mary Smith", arrival=10)
    set_status(hotel, gone, "checked_in")
    set_status(hotel, gone, "checked_out")
    set_status(hotel, here, "checked_in")

    found = hits(hotel, "smith", kind="guest")
    assert [(h.title, h.stay) for h in found] == [
        ("Smith, Zoe", "in_house"),
        ("Smith, Mary", "upcoming"),
        ("Smith, Paul", "past"),
    ]
    stays = hits(hotel, "smith", kind="reservation")
    assert [h.status for h in stays] == ["checked_in", "confirmed", "checked_out"]


def test_a_phone_number_matches_on_its_digits_however_it_is_typed(hotel: Desk) -> None:
    hotel.run(create_guest, GuestDetails(name="Lucía García", phone="912 345 678", country="PT"))
    hotel.run(create_guest, GuestDetails(name="Tom Baker", phone="+44 20 7946 0958"))
    for typed in (
        "+351 912 345 678",
        "00351-912-345-678",
        "912345678",
        "0912 345 678",
        "(912) 345-678",
        "5678",  # the last digits
        "3519123",  # the start, with its country code
    ):
        assert titles(hotel, typed, kind="guest") == ["García, Lucía"], typed
    assert titles(hotel, "020 7946 0958", kind="guest") == ["Baker, Tom"]


def test_confirmation_email_loyalty_and_room_numbers(hotel: Desk) -> None:
    confirmation = stay(hotel, "Lucía García", email="lucia.garcia@example.com")
    guest = hotel.run(create_guest, GuestDetails(name="Ada Lovelace", loyalty_number="GX-4471"))
    code = confirmation.replace("-", "")

    for typed in (confirmation, confirmation.lower(), code, code[:5], confirmation[:6]):
        found = hits(hotel, typed, kind="reservation")
        assert [h.ref for h in found] == [confirmation], typed
    assert titles(hotel, "lucia.garcia@example.com") == ["García, Lucía"]
    assert titles(hotel, "lucia.gar", kind="guest") == ["García, Lucía"]
    member = hits(hotel, "gx-4471")
    assert [h.id for h in member] == [guest.id]
    assert member[0].detail.startswith("◆ GX-4471")  # what the booking form shows of the profile
    room = hits(hotel, "101")[0]
    assert (room.kind, room.ref, room.title) == ("room", "101", "Room 101")
    assert "DBL Double" in room.detail and "clean" in room.detail
    assert [h.ref for h in hits(hotel, "sea view", kind="room")] == ["301"]


def test_flags_types_and_properties_narrow_the_search(hotel: Desk) -> None:
    stay(hotel, "Vera Lima")
    guest = hotel.run(create_guest, GuestDetails(name="Victor Vale", vip_level=3))
    hotel.actor = SUPERVISOR
    hotel.run(
        update_guest, guest.id, GuestDetails(do_not_rent=True, do_not_rent_reason="unpaid bill")
    )

    vip = hits(hotel, "vip3")
    assert [(h.title, h.vip, h.do_not_rent) for h in vip] == [("Vale, Victor", 3, True)]
    assert [h.title for h in hits(hotel, "dnr")] == ["Vale, Victor"]
    assert {h.kind for h in hits(hotel, "vera")} == {"guest", "reservation"}
    assert {h.kind for h in hits(hotel, "vera", property_code="ELSEWHERE")} == {"guest"}
    assert {h.kind for h in hits(hotel, "vera", property_code="tst")} == {"guest", "reservation"}
    assert len(hits(hotel, "dbl", limit=2)) == 2
    assert hits(hotel, "   ") == []
    with pytest.raises(InvalidInput, match="not one of guest, room, reservation"):
        hits(hotel, "vera", kind="person")
    with pytest.raises(InvalidInput, match="limit"):
        hits(hotel, "vera", limit=0)


def test_a_start_shared_by_too_many_addresses_waits_for_more_letters(hotel: Desk) -> None:
    def _bulk(session) -> None:  # type: ignore[no-untyped-def]
        session.execute(
            insert(Guest),
            [
                {"first_name": "Ann", "last_name": f"Lee{n}", "email": f"guest{n:04d}@example.com",
                 "loyalty_number": f"LX{n:07d}"}
                for n in range(120)
            ],
        )  # fmt: skip

    hotel.run(_bulk)  # like the demo: straight into the table
    assert hits(hotel, "guest0", kind="guest") == []  # the start of 120 addresses
    assert titles(hotel, "guest0042", kind="guest") == ["Lee42, Ann"]
    assert len(hits(hotel, "lx000001", kind="guest", limit=50)) == 10  # LX0000010 … 19
    assert titles(hotel, "LX0000042") == ["Lee42, Ann"]
