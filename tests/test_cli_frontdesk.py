"""A hotel's day from the command line: guests are checked in, charged, paid up and checked
out with an invoice; rooms are moved, cleaned and taken out of order; whatever the clerk
mistypes gets one clear line and changes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import BUSINESS_DATE
from test_cli import data, one_line_error, pms

from pms.billing.folios import folios_of
from pms.guests.lookup import GuestInput
from pms.housekeeping.board import housekeeping_board
from pms.kernel.desk import Desk
from pms.reservations.booking import BookingRequest, book
from pms.stays.reservation_views import get_reservation


def arriving_today(desk: Desk, name: str = "Lucía García", nights: int = 1) -> str:
    """A double arriving on the business date, booked through the service; its confirmation."""
    request = BookingRequest(
        arrival=BUSINESS_DATE, nights=nights, room_type="DBL", guest=GuestInput(name)
    )
    return desk.run(book, request).confirmation


def housekeeping(desk: Desk) -> dict[str, str]:
    return {room.number: room.housekeeping for room in desk.read(housekeeping_board)}


def test_a_guest_checks_in_runs_a_bill_pays_and_leaves_with_an_invoice(
    hotel: Desk, db_url: str, tmp_path: Path
) -> None:
    confirmation = arriving_today(hotel)

    checked_in = pms(db_url, "--user", "ana", "checkin", confirmation, "--room", "101")
    assert checked_in.exit_code == 0, checked_in.output
    assert f"Checked in {confirmation}: García, Lucía in room 101" in checked_in.stdout

    minibar = data(pms(db_url, "--user", "ana", "folio", "post", confirmation, "minibar",
                       "12.50", "--description", "Two colas", "--json"))  # fmt: skip
    assert (minibar["posting"]["amount"], minibar["balance"]) == (1250, 1250)
    reversed_ = pms(db_url, "--user", "ana", "folio", "reverse", str(minibar["posting"]["id"]),
                    "--reason", "the colas were complimentary")  # fmt: skip
    assert reversed_.exit_code == 0, reversed_.output
    assert "MINIBAR -€12.50" in reversed_.stdout and "balance €0.00" in reversed_.stdout

    pms(db_url, "--user", "ana", "folio", "post", confirmation, "FNB", "30")
    paid = pms(db_url, "--user", "ana", "folio", "pay", confirmation,
               "--method", "cash", "--amount", "30.00")  # fmt: skip
    assert paid.exit_code == 0, paid.output
    assert "(cash, captured) €30.00" in paid.stdout and "balance €0.00" in paid.stdout

    shown = pms(db_url, "folio", "show", confirmation)
    assert shown.exit_code == 0, shown.output
    assert "Two colas" in shown.stdout and "reversed" in shown.stdout
    assert "the colas were complimentary" in shown.stdout and "balance €0.00" in shown.stdout

    owing = one_line_error(pms(db_url, "--user", "ana", "checkout", confirmation))
    assert "has a balance of €100.00" in owing  # she arrived and leaves today: a day use
    pms(
        db_url, "--user", "ana", "folio", "pay", confirmation, "--method", "cash", "--amount", "100"
    )
    left = pms(db_url, "--user", "ana", "checkout", confirmation)
    assert left.exit_code == 0, left.output
    assert f"Checked out {confirmation}" in left.stdout and "TST-000001" in left.stdout
    assert hotel.read(get_reservation, confirmation).status == "checked_out"
    assert housekeeping(hotel)["101"] == "dirty"

    pdf = tmp_path / "invoice.pdf"
    written = pms(db_url, "folio", "invoice", "1", "--output", str(pdf))
    assert written.exit_code == 0, written.output
    assert pdf.read_bytes().startswith(b"%PDF")
    text = pms(db_url, "folio", "invoice", "TST-000001")
    assert text.exit_code == 0, text.output
    assert "García, Lucía" in text.stdout and "30.00" in text.stdout
    assert "Two colas" not in text.stdout  # a reversed line and its reversal cancel out

    reconciled = pms(db_url, "payments", "reconcile")
    assert reconciled.exit_code == 0, reconciled.output
    assert "no payment is pending" in reconciled.stdout
    assert data(pms(db_url, "payments", "reconcile", "--json")) == []


def test_a_guest_moves_rooms_and_housekeeping_keeps_up(hotel: Desk, db_url: str) -> None:
    confirmation = arriving_today(hotel, nights=2)
    assert pms(db_url, "checkin", confirmation, "--room", "102").exit_code == 0

    moved = data(pms(db_url, "--user", "ana", "room", "move", confirmation, "103",
                     "--reason", "noisy neighbours", "--json"))  # fmt: skip
    assert moved["room"] == "103"
    assert housekeeping(hotel)["102"] == "dirty"

    dirty = pms(db_url, "--user", "ana", "room", "status", "201", "dirty")
    assert dirty.exit_code == 0 and "Room 201 is dirty." in dirty.stdout
    assert "needs the supervisor role" in one_line_error(
        pms(db_url, "--user", "ana", "room", "status", "102", "inspected")
    )
    assert data(pms(db_url, "--user", "sam", "room", "status", "102", "inspected",
                    "--json"))["housekeeping"] == "inspected"  # fmt: skip

    broken = pms(db_url, "--user", "ana", "room", "ooo", "202", "--from", "today",
                 "--until", "+3", "--reason", "leaking tap")  # fmt: skip
    assert broken.exit_code == 0, broken.output
    assert "Room 202 is out of order from Tue 2026-12-01 until Fri 2026-12-04" in broken.stdout
    board = data(pms(db_url, "room", "board", "--status", "ooo", "--json"))
    assert [(r["number"], r["out_of_order"]) for r in board] == [("202", "leaking tap")]
    dirty_rooms = pms(db_url, "room", "board", "--status", "dirty")
    assert "201" in dirty_rooms.stdout and "202" not in dirty_rooms.stdout


def test_a_walk_in_is_booked_and_checked_in_at_once(hotel: Desk, db_url: str) -> None:
    walked = data(pms(db_url, "--user", "ana", "walkin", "-t", "twn", "--nights", "2",
                      "--guest", "Chidi Okafor", "--json"))  # fmt: skip
    stay = walked["reservation"]
    assert (stay["status"], stay["arrival"], stay["nights"]) == ("checked_in", "2026-12-01", 2)
    assert walked["room"] == "201"
    assert stay["departure"] == (BUSINESS_DATE + dt.timedelta(days=2)).isoformat()


def test_mistakes_get_one_line_and_change_nothing(hotel: Desk, db_url: str) -> None:
    confirmation = arriving_today(hotel)
    assert pms(db_url, "checkin", confirmation, "--room", "101").exit_code == 0

    bad_money = one_line_error(pms(db_url, "folio", "post", confirmation, "MINIBAR", "12,5x"))
    assert "'12,5x' is not an amount of money" in bad_money
    assert "not a transaction code" in one_line_error(
        pms(db_url, "folio", "post", confirmation, "CAVIAR", "10")
    )
    assert one_line_error(pms(db_url, "folio", "reverse", "999", "--reason", "typo")) == (
        "there is no posting 999"
    )
    assert [f.postings for f in hotel.read(folios_of, confirmation)] == [[]]

    pms(db_url, "folio", "post", confirmation, "PHONE", "4.20")
    owing = one_line_error(pms(db_url, "checkout", confirmation))
    assert "has a balance of €104.20" in owing  # the call, and the day use's room
    assert hotel.read(get_reservation, confirmation).status == "checked_in"

    assert (
        pms(db_url, "folio", "pay", confirmation, "--method", "gold", "--amount", "1").exit_code
        == 2
    )
    assert "there is no room '999'" in one_line_error(pms(db_url, "room", "status", "999", "clean"))
