"""Money on stays that are over: a guest who has left, a stay cancelled or never arrived takes
no new charges; only a supervisor reopens a folio, with a reason in the audit log; a payment
beyond the balance is change or a deposit, said so."""

from __future__ import annotations

from conftest import BUSINESS_DATE
from sqlalchemy import select
from test_cli import data, one_line_error, pms

from db.models import AuditLog
from pms.guests.lookup import GuestInput
from pms.kernel.desk import Desk
from pms.reservations.booking import BookingRequest, book


def booked(desk: Desk, name: str = "Lucía García", arrival_in: int = 0) -> str:
    arrival = BUSINESS_DATE.replace(day=BUSINESS_DATE.day + arrival_in)
    request = BookingRequest(arrival=arrival, nights=1, room_type="DBL", guest=GuestInput(name))
    return desk.run(book, request).confirmation


def ana(db_url: str, *args: str):  # type: ignore[no-untyped-def]
    return pms(db_url, "--user", "ana", *args)


def test_a_guest_who_has_left_takes_no_more_money_until_a_supervisor_reopens(
    hotel: Desk, db_url: str
) -> None:
    stay = booked(hotel)
    assert ana(db_url, "checkin", stay, "--room", "101").exit_code == 0
    ana(db_url, "folio", "split", stay, "Company")  # opened, never used
    ana(db_url, "folio", "post", stay, "FNB", "40")
    over = one_line_error(ana(db_url, "folio", "pay", stay, "--method", "cash", "--amount", "50"))
    assert "balance is €40.00" in over and "as change" in over
    paid = ana(db_url, "folio", "pay", stay, "--method", "cash", "--amount", "50", "--change")
    assert "Change to give back: €10.00" in paid.stdout
    owed = one_line_error(ana(db_url, "checkout", stay))
    assert "(€100.00)" in owed  # the day use, posted as she leaves on the day she came
    ana(db_url, "folio", "pay", stay, "--method", "cash", "--amount", "100")
    left = ana(db_url, "checkout", stay)
    assert left.exit_code == 0 and "no invoice" not in left.stdout
    folios = data(ana(db_url, "folio", "show", stay, "--json"))["folios"]
    assert [f["status"] for f in folios] == ["closed", "closed"]

    for refused in (
        ["folio", "post", stay, "FNB", "5"],
        ["folio", "post", stay, "FNB", "5", "--folio", "Company"],
        ["folio", "pay", stay, "--method", "cash", "--amount", "5", "--deposit"],
    ):
        assert "closed" in one_line_error(ana(db_url, *refused))  # fmt: skip

    guest = folios[0]["id"]
    reopen = ["folio", "reopen", str(guest), "--reason", "minibar found at turndown"]
    assert "supervisor" in one_line_error(ana(db_url, *reopen))
    assert pms(db_url, "--user", "sam", *reopen).exit_code == 0
    assert ana(db_url, "folio", "post", stay, "MINIBAR", "5").exit_code == 0
    reasons = hotel.read(
        lambda s: s.scalars(select(AuditLog.after).where(AuditLog.action == "reopen")).all()
    )
    assert reasons == [{"status": "open", "reason": "minibar found at turndown"}]


def test_a_cancelled_stay_takes_its_fee_and_its_settlement_only(hotel: Desk, db_url: str) -> None:
    stay = booked(hotel, arrival_in=3)
    assert ana(db_url, "reservation", "cancel", stay, "--reason", "flight off").exit_code == 0
    assert "cancelled stay" in one_line_error(ana(db_url, "folio", "post", stay, "FNB", "12"))
    deposit = ana(db_url, "folio", "pay", stay, "--method", "cash", "--amount", "10", "--deposit")
    assert deposit.exit_code == 0, deposit.output


def test_a_posting_moves_only_to_an_in_house_stay_or_the_city_ledger(
    hotel: Desk, db_url: str
) -> None:
    here, coming = booked(hotel), booked(hotel, "Ana Lima", arrival_in=2)
    assert ana(db_url, "checkin", here, "--room", "101").exit_code == 0
    posting = data(ana(db_url, "folio", "post", here, "FNB", "30", "--json"))["posting"]["id"]
    ana(db_url, "folio", "pay", coming, "--method", "cash", "--amount", "10", "--deposit")
    target = data(ana(db_url, "folio", "show", coming, "--json"))["folios"][0]["id"]
    moved = ana(db_url, "folio", "transfer", str(posting), "--to", str(target), "--reason", "x")
    assert "in-house stay or a city-ledger account" in one_line_error(moved)
