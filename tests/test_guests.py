"""A clerk keeps guest profiles: valid contact details, preferences, flags, the stays behind them;
a supervisor merges duplicates and flags do-not-rent; a manager anonymises on request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from conftest import CLERK, MANAGER, SUPERVISOR
from sqlalchemy import select

from db.models import AuditLog, Guest, Reservation
from pms.guests.contact import display_phone
from pms.guests.lookup import GuestInput, ensure_bookable, find_or_create_guest, load_guest
from pms.guests.merge import anonymise_guest, merge_guests
from pms.guests.profile_edits import GuestDetails, create_guest, update_guest
from pms.guests.profiles import show_guest
from pms.kernel.audit import record
from pms.kernel.desk import Desk
from pms.kernel.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from pms.reservations.booking import BookingRequest, book
from pms.reservations.changes import cancel
from pms.search.service import catch_up, close_indexes, ensure_index, index_for, search
from pms.stays.reservation_views import load_reservation


@pytest.fixture(autouse=True)
def _close_indexes() -> Iterator[None]:
    yield
    close_indexes()


def stay(desk: Desk, guest_id: int, arrival: int, nights: int, room_type: str = "DBL") -> str:
    view = desk.run(
        book,
        BookingRequest(
            arrival=dt.date(2026, 12, arrival), nights=nights, room_type=room_type, guest=guest_id
        ),
    )
    return view.confirmation


def set_status(desk: Desk, confirmation: str, status: str) -> None:
    def _set(session) -> None:  # type: ignore[no-untyped-def]
        reservation = load_reservation(session, confirmation)
        reservation.status = status
        record(session, status, "reservation", reservation.id)

    desk.run(_set)


def test_contact_details_are_checked_and_kept_in_one_form(hotel: Desk) -> None:
    guest = hotel.run(
        create_guest,
        GuestDetails(
            name="García, Lucía",
            email=" Lucia.Garcia@Example.COM ",
            phone="912 345 678",
            country="pt",
            loyalty_number="gx-4471",
            preferences={"Pillow": "feather", "floor": "high"},
        ),
    )
    assert (guest.first_name, guest.last_name) == ("Lucía", "García")
    assert (guest.email, guest.phone, guest.country) == (
        "lucia.garcia@example.com",
        "+351912345678",
        "PT",
    )
    assert display_phone(guest.phone) == "+351 912 345 678"
    assert guest.loyalty_number == "GX-4471"
    assert guest.preferences == {"pillow": "feather", "floor": "high"}
    assert hotel.read(show_guest, "lucia.garcia@example.com").id == guest.id
    assert hotel.read(show_guest, "gx-4471").id == guest.id
    assert hotel.read(show_guest, f"#{guest.id}").id == guest.id


@pytest.mark.parametrize(
    ("details", "field", "message"),
    [
        (GuestDetails(name=" "), "name", "name is missing"),
        (GuestDetails(name="Ann Lee", email="ann-at-home"), "email", "is not an e-mail"),
        (GuestDetails(name="Ann Lee", phone="912 345 678"), "phone", "needs its country code"),
        (GuestDetails(name="Ann Lee", phone="+351 12"), "phone", "not a valid phone number"),
        (GuestDetails(name="Ann Lee", country="XX"), "country", "not a two-letter country"),
        (GuestDetails(name="Ann Lee", vip_level=6), "vip_level", "from 0 to 5"),
        (GuestDetails(name="Ann Lee", loyalty_number="GX-1"), "loyalty_number", "belongs to"),
        (GuestDetails(name="Ann Lee", preferences={" ": "x"}), "preferences", "needs a name"),
    ],
)
def test_bad_details_are_refused_naming_the_field(
    hotel: Desk, details: GuestDetails, field: str, message: str
) -> None:
    hotel.run(create_guest, GuestDetails(name="Ada Lovelace", loyalty_number="GX-1"))
    with pytest.raises(InvalidInput, match=message) as caught:
        hotel.run(create_guest, details)
    assert caught.value.field == field
    assert [h.title for h in hotel.read(search, "lee")] == []


def test_an_update_changes_only_what_is_given_and_is_audited(hotel: Desk) -> None:
    guest = hotel.run(
        create_guest,
        GuestDetails(name="Ada Lovelace", phone="+44 20 7946 0958", preferences={"pillow": "firm"}),
    )
    changed = hotel.run(
        update_guest,
        guest.id,
        GuestDetails(city="London", vip_level=2, preferences={"pillow": "", "floor": "high"}),
    )
    assert (changed.city, changed.vip_level, changed.phone) == ("London", 2, "+442079460958")
    assert changed.preferences == {"floor": "high"}

    def _audit(session) -> list[str]:  # type: ignore[no-untyped-def]
        rows = session.scalars(select(AuditLog).where(AuditLog.entity == "guest")).all()
        return [row.action for row in rows]

    assert hotel.read(_audit) == ["create", "update"]
    hotel.run(update_guest, guest.id, GuestDetails(city="London"))  # no change, no audit row
    assert hotel.read(_audit) == ["create", "update"]


def test_only_a_supervisor_flags_do_not_rent_and_only_a_supervisor_books_such_a_guest(
    hotel: Desk,
) -> None:
    guest = hotel.run(create_guest, GuestDetails(name="Rex Ruffian"))
    flag = GuestDetails(do_not_rent=True, do_not_rent_reason="damaged room 204")
    with pytest.raises(PermissionDenied, match="supervisor"):
        hotel.run(update_guest, guest.id, flag)
    hotel.actor = SUPERVISOR
    with pytest.raises(InvalidInput, match="say why"):
        hotel.run(update_guest, guest.id, GuestDetails(do_not_rent=True))
    flagged = hotel.run(update_guest, guest.id, flag)
    assert (flagged.do_not_rent, flagged.do_not_rent_reason) == (True, "damaged room 204")

    def _booking() -> BookingRequest:
        return BookingRequest(
            arrival=dt.date(2026, 12, 3), nights=1, room_type="DBL", guest=guest.id
        )

    hotel.actor = CLERK
    with pytest.raises(PermissionDenied, match=r"flagged do-not-rent \(damaged room 204\)"):
        hotel.run(book, _booking())
    hotel.actor = SUPERVISOR
    assert hotel.run(book, _booking()).guest_name == "Ruffian, Rex"


def test_the_profile_counts_nights_and_revenue_of_stays_and_lists_upcoming_ones(
    hotel: Desk,
) -> None:
    guest = hotel.run(create_guest, GuestDetails(name="Lucía García"))
    past = stay(hotel, guest.id, arrival=1, nights=2)  # 2 × 100.00
    here = stay(hotel, guest.id, arrival=3, nights=1, room_type="SUI")  # 250.00
    later = stay(hotel, guest.id, arrival=20, nights=3)
    soon = stay(hotel, guest.id, arrival=10, nights=1)
    gone = stay(hotel, guest.id, arrival=12, nights=1)
    set_status(hotel, past, "checked_in")
    set_status(hotel, past, "checked_out")
    set_status(hotel, here, "checked_in")
    hotel.run(cancel, gone)

    profile = hotel.read(show_guest, guest.id)
    assert [s.confirmation for s in profile.upcoming] == [soon, later]
    assert [s.confirmation for s in profile.history] == [gone, here, past]
    assert profile.nights_stayed == 3
    assert profile.revenue == {"EUR": 45000}
    assert profile.history[1].revenue == 25000 and profile.history[1].nights == 1


def test_merging_keeps_every_stay_on_the_profile_kept(hotel: Desk) -> None:
    kept = hotel.run(create_guest, GuestDetails(name="Lucía García", email="lucia@example.com"))
    duplicate = hotel.run(
        create_guest,
        GuestDetails(
            name="Lucia Garcia",
            phone="+351 912 345 678",
            loyalty_number="GX-9",
            vip_level=2,
            notes="likes the sea view",
        ),
    )
    stays = [stay(hotel, kept.id, 3, 2), stay(hotel, duplicate.id, 10, 1)]
    hotel.read(ensure_index)
    with pytest.raises(PermissionDenied):
        hotel.run(merge_guests, kept.id, duplicate.id)

    hotel.actor = SUPERVISOR
    merged = hotel.run(merge_guests, kept.id, duplicate.id)
    assert sorted(s.confirmation for s in merged.stays) == sorted(stays)
    assert (merged.email, merged.phone, merged.loyalty_number) == (
        "lucia@example.com",
        "+351912345678",
        "GX-9",
    )
    assert (merged.vip_level, merged.notes) == (2, "likes the sea view")
    assert hotel.read(show_guest, duplicate.id).id == kept.id  # the old number still finds her
    with pytest.raises(InvalidInput, match="into itself"):
        hotel.run(merge_guests, kept.id, duplicate.id)

    def _owners(session) -> set[int]:  # type: ignore[no-untyped-def]
        return set(session.scalars(select(Reservation.guest_id)))

    assert hotel.read(_owners) == {kept.id}
    hotel.read(catch_up)
    found = hotel.read(search, "garcia")
    assert [h.id for h in found if h.kind == "guest"] == [kept.id]
    assert sorted(h.ref for h in found if h.kind == "reservation") == sorted(stays)


def test_anonymising_erases_personal_data_but_keeps_the_stays(hotel: Desk) -> None:
    guest = hotel.run(
        create_guest,
        GuestDetails(
            name="Lucía García",
            email="lucia@example.com",
            phone="+351 912 345 678",
            loyalty_number="GX-9",
            city="Porto",
            country="PT",
        ),
    )
    twin = hotel.run(create_guest, GuestDetails(name="L. Garcia", email="lg@example.com"))
    confirmation = stay(hotel, guest.id, 3, 2)
    hotel.actor = SUPERVISOR
    hotel.run(merge_guests, guest.id, twin.id)
    hotel.read(ensure_index)
    with pytest.raises(PermissionDenied, match="manager"):
        hotel.run(anonymise_guest, guest.id)

    hotel.actor = MANAGER
    erased = hotel.run(anonymise_guest, "lucia@example.com")
    assert (erased.name, erased.email, erased.phone, erased.city, erased.loyalty_number) == (
        "Anonymised",
        "",
        "",
        "",
        None,
    )
    assert erased.country == "PT" and erased.anonymised
    assert [s.confirmation for s in erased.stays] == [confirmation]
    assert erased.stays[0].revenue == 20000
    with pytest.raises(InvalidTransition, match="already anonymised"):
        hotel.run(anonymise_guest, guest.id)
    with pytest.raises(NotFound):
        hotel.read(show_guest, "lucia@example.com")

    def _personal_data_left(session) -> list[object]:  # type: ignore[no-untyped-def]
        names = session.scalars(select(Guest.last_name).where(Guest.last_name.like("Garc%")))
        audit = session.scalars(
            select(AuditLog.after).where(AuditLog.entity == "guest", AuditLog.after.is_not(None))
        )
        return [*names, *[row for row in audit if row]]

    assert hotel.read(_personal_data_left) == []
    hotel.read(catch_up)
    index_files = hotel.read(lambda session: index_for(session).path).glob("*")
    assert not [f.name for f in index_files if b"lucia@example.com" in f.read_bytes()]
    for typed in ("garcia", "lucia@example.com", "912345678", "gx-9", "porto"):
        assert hotel.read(search, typed) == [], typed
    [found] = hotel.read(search, confirmation)
    assert found.title == f"{confirmation} anonymised guest"

    def _check(session) -> None:  # type: ignore[no-untyped-def]
        ensure_bookable(session, load_guest(session, guest.id))

    with pytest.raises(InvalidInput, match="anonymised — make a new profile"):
        hotel.read(_check)


def test_booking_finds_the_live_profile_by_email_not_a_merged_one(hotel: Desk) -> None:
    first = hotel.run(find_or_create_guest, GuestInput("Lucía García", "LUCIA@example.com"))
    again = hotel.run(find_or_create_guest, GuestInput("Lucía García", "lucia@example.com"))
    assert again.id == first.id
    other = hotel.run(create_guest, GuestDetails(name="Lucía García"))
    hotel.actor = SUPERVISOR
    hotel.run(merge_guests, other.id, first.id)
    third = hotel.run(find_or_create_guest, GuestInput("Lucía García", "lucia@example.com"))
    assert third.id == other.id
