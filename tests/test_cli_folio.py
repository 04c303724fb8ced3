"""Folios and money from the command line: a card held at check-in and captured at check-out
against a real localstripe, refunds, split folios and transfers, the city ledger, and what a
clerk may not do — each refusal one line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import BUSINESS_DATE
from stripe_fake import API_KEY, running_localstripe
from test_cli import data, one_line_error, pms

from pms.guests.lookup import GuestInput
from pms.kernel.desk import Desk
from pms.reservations.booking import BookingRequest, book


@pytest.fixture(scope="module")
def stripe_url() -> Iterator[str]:
    with running_localstripe() as url:
        yield url


@pytest.fixture
def card_gateway(stripe_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the CLI's card gateway at localstripe, as a hotel's config and environment would."""
    config = tmp_path / "pms.toml"
    config.write_text(f'[payments]\nstripe_api_base = "{stripe_url}"\n', encoding="utf-8")
    monkeypatch.setenv("PMS_CONFIG", str(config))
    monkeypatch.setenv("STRIPE_API_KEY", API_KEY)


def in_house(desk: Desk, db_url: str, *checkin: str) -> str:
    request = BookingRequest(
        arrival=BUSINESS_DATE, nights=1, room_type="DBL", guest=GuestInput("Lucía García")
    )
    confirmation = desk.run(book, request).confirmation
    checked_in = pms(db_url, "--user", "ana", "checkin", confirmation, *checkin)
    assert checked_in.exit_code == 0, checked_in.output
    return confirmation


@pytest.mark.usefixtures("card_gateway")
def test_a_card_held_at_check_in_pays_the_bill(hotel: Desk, db_url: str) -> None:
    confirmation = in_house(hotel, db_url, "--room", "101", "--authorise", "150")
    pms(db_url, "--user", "ana", "folio", "post", confirmation, "FNB", "40")

    paid = data(pms(db_url, "--user", "ana", "folio", "pay", confirmation,
                    "--method", "card", "--amount", "40", "--json"))  # fmt: skip
    payment = paid["payment"]
    assert (payment["gateway"], payment["state"]) == ("stripe", "captured")
    assert (payment["amount"], payment["captured"], paid["balance"]) == (15000, 4000, 0)

    refund = ["folio", "refund", str(payment["id"]), "--amount", "10", "--reason", "cold soup"]
    assert "needs the supervisor role" in one_line_error(pms(db_url, "--user", "ana", *refund))
    refunded = pms(db_url, "--user", "sam", *refund)
    assert refunded.exit_code == 0, refunded.output
    assert "Refunded €10.00" in refunded.stdout and "balance €10.00" in refunded.stdout

    more = data(pms(db_url, "--user", "ana", "folio", "pay", confirmation,
                    "--method", "terminal", "--amount", "10", "--reference", "T-8812",
                    "--json"))  # fmt: skip
    assert (more["payment"]["reference"], more["balance"]) == ("T-8812", 0)
    listed = data(pms(db_url, "payments", "list", confirmation, "--json"))
    assert [(p["gateway"], p["state"], p["refunded"]) for p in listed] == [
        ("stripe", "captured", 1000), ("terminal", "captured", 0),
    ]  # fmt: skip
    assert "no payment is pending" in pms(db_url, "payments", "reconcile").stdout
    # She leaves on the day she came: the day use's room is charged at check-out.
    assert "balance of €100.00" in one_line_error(pms(db_url, "checkout", confirmation))
    pms(db_url, "folio", "pay", confirmation, "--method", "cash", "--amount", "100")
    left = data(pms(db_url, "checkout", confirmation, "--json"))
    assert [i["number"] for i in left["invoices"]] == [1]


def test_split_folios_transfers_and_the_city_ledger(hotel: Desk, db_url: str) -> None:
    confirmation = in_house(hotel, db_url, "--room", "102")
    split = data(pms(db_url, "folio", "split", confirmation, "Company",
                     "--route", "PHONE", "--json"))  # fmt: skip
    assert split["routing"] == {"PHONE": "Company"}
    guest, company = (f["id"] for f in split["folios"])

    call = data(pms(db_url, "folio", "post", confirmation, "phone", "5", "--json"))
    assert call["posting"]["folio_id"] == company
    laundry = data(pms(db_url, "folio", "post", confirmation, "LAUNDRY", "18", "--json"))
    assert laundry["posting"]["folio_id"] == guest
    moved = data(pms(db_url, "folio", "transfer", str(laundry["posting"]["id"]),
                     "--to", str(company), "--reason", "company pays", "--json"))  # fmt: skip
    assert (moved["posting"]["folio_id"], moved["balance"]) == (company, 2300)

    assert "needs the supervisor role" in one_line_error(
        pms(db_url, "--user", "ana", "folio", "open-account", "Acme Ltd")
    )
    assert pms(db_url, "--user", "sam", "folio", "open-account", "Acme Ltd").exit_code == 0
    billed = pms(db_url, "--user", "sam", "folio", "city-ledger", confirmation, "--folio",
                 "company", "--account", "acme ltd", "--reason", "direct bill")  # fmt: skip
    assert billed.exit_code == 0, billed.output
    assert "the folio is at €0.00" in billed.stdout
    accounts = data(pms(db_url, "folio", "accounts", "--json"))
    assert [(a["name"], a["balance"]) for a in accounts] == [("Acme Ltd", 2300)]

    # She leaves on the day she came: the check-out posts the day use first and asks for it.
    assert "(€100.00)" in one_line_error(pms(db_url, "checkout", confirmation))
    pms(db_url, "folio", "pay", confirmation, "--method", "cash", "--amount", "100")
    left = data(pms(db_url, "checkout", confirmation, "--json"))
    assert [(i["folio_name"], i["number"], i["total"]) for i in left["invoices"]] == [
        ("Guest", 1, 10000), ("Company", 2, 2300),
    ]  # fmt: skip
    html = pms(db_url, "folio", "invoice", "1", "--format", "html")
    assert "needs --output" in one_line_error(html)
    assert "no invoice number 7" in one_line_error(pms(db_url, "folio", "invoice", "7"))
