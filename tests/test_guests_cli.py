"""`pms guest show|create|update|merge|anonymise`, run as a person types them."""

from __future__ import annotations

import datetime as dt

from test_search_cli import data, one_line_error, pms

from pms.guests.profile_edits import GuestDetails, create_guest
from pms.kernel.desk import Desk
from pms.reservations.booking import BookingRequest, book


def test_create_show_and_update_a_profile(hotel: Desk, db_url: str) -> None:
    created = data(
        pms(
            db_url,
            "guest",
            "create",
            "--name",
            "Lucía García",
            "--email",
            "Lucia@Example.com",
            "--phone",
            "912 345 678",
            "--country",
            "pt",
            "--pref",
            "pillow=feather",
            "--loyalty",
            "gx-4471",
            "--json",
        )
    )
    assert (created["email"], created["phone"], created["loyalty_number"]) == (
        "lucia@example.com",
        "+351912345678",
        "GX-4471",
    )
    hotel.run(
        book,
        BookingRequest(
            arrival=dt.date(2026, 12, 3), nights=2, room_type="DBL", guest=created["id"]
        ),
    )

    shown = pms(db_url, "guest", "show", "gx-4471")
    assert shown.exit_code == 0, shown.output
    for text in ("García, Lucía", "+351 912 345 678", "pillow: feather", "Upcoming", "€200.00"):
        assert text in shown.stdout, text

    updated = data(
        pms(
            db_url,
            "guest",
            "update",
            f"#{created['id']}",
            "--city",
            "Porto",
            "--vip",
            "2",
            "--pref",
            "pillow=",
            "--json",
        )
    )
    assert (updated["city"], updated["vip_level"], updated["preferences"]) == ("Porto", 2, {})
    assert updated["upcoming"][0]["nights"] == 2


def test_do_not_rent_needs_a_supervisor(hotel: Desk, db_url: str) -> None:
    guest = hotel.run(create_guest, GuestDetails(name="Rex Ruffian"))
    flag = ["guest", "update", str(guest.id), "--do-not-rent", "--reason", "damaged room"]
    assert "supervisor" in one_line_error(pms(db_url, *flag))
    shown = pms(db_url, *flag, user="sam")
    assert shown.exit_code == 0 and "DO NOT RENT: damaged room" in shown.stdout
    cleared = data(
        pms(db_url, "guest", "update", str(guest.id), "--rentable", "--json", user="sam")
    )
    assert (cleared["do_not_rent"], cleared["do_not_rent_reason"]) == (False, "")


def test_bad_details_are_one_line_errors(hotel: Desk, db_url: str) -> None:
    assert (
        one_line_error(pms(db_url, "guest", "create", "--name", "Ann Lee", "--phone", "912"))
        == "phone: '912' needs its country code (e.g. +351 …) or the guest's country"
    )
    assert "is not an e-mail address" in one_line_error(
        pms(db_url, "guest", "create", "--name", "Ann Lee", "--email", "ann-at-home")
    )
    assert one_line_error(pms(db_url, "guest", "show", "999")) == "there is no guest #999"
    assert pms(db_url, "guest", "create", "--name", "A B", "--pref", "pillow").exit_code == 2


def test_merge_asks_first_and_moves_the_stays(hotel: Desk, db_url: str) -> None:
    kept = hotel.run(create_guest, GuestDetails(name="Lucía García"))
    duplicate = hotel.run(create_guest, GuestDetails(name="Lucia Garcia", city="Porto"))
    hotel.run(
        book,
        BookingRequest(arrival=dt.date(2026, 12, 3), nights=1, room_type="DBL", guest=duplicate.id),
    )
    refused = pms(
        db_url, "guest", "merge", str(kept.id), str(duplicate.id), user="sam", input="n\n"
    )
    assert refused.exit_code == 1
    assert "Merge Garcia, Lucia (#2, 1 stay) into García, Lucía (#1)?" in refused.stderr

    merged = data(
        pms(
            db_url, "guest", "merge", str(kept.id), str(duplicate.id), "--yes", "--json", user="sam"
        )
    )
    assert (merged["id"], merged["city"], len(merged["stays"])) == (kept.id, "Porto", 1)


def test_anonymise_is_for_managers_and_keeps_the_stays(hotel: Desk, db_url: str) -> None:
    guest = hotel.run(create_guest, GuestDetails(name="Lucía García", email="lucia@example.com"))
    hotel.run(
        book,
        BookingRequest(arrival=dt.date(2026, 12, 3), nights=1, room_type="DBL", guest=guest.id),
    )
    assert "manager" in one_line_error(
        pms(db_url, "guest", "anonymise", "lucia@example.com", "--yes")
    )
    erased = data(
        pms(db_url, "guest", "anonymise", "lucia@example.com", "--json", "--yes", user="maria")
    )
    assert (erased["name"], erased["email"], erased["anonymised"]) == ("Anonymised", "", True)
    assert len(erased["stays"]) == 1
