"""Check-out paperwork: every closed folio gets the property's next invoice number — no gaps,
no doubles, even when desks close at the same moment — and the invoice reads right as PDF,
HTML and text."""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from conftest import BUSINESS_DATE, CLERK, MANAGER
from folio_racers import book_stay, close_at_once, folio_of, pay_cash
from racers import race
from sqlalchemy import update
from sqlalchemy.orm import Session

from db.models import Property
from pms.billing.folios import (
    add_folio,
    close_folio,
    close_stay_folios,
    folio_view,
    post_charge,
    post_room_night,
    reverse_posting,
    set_routing,
    transfer_posting,
)
from pms.billing.invoice_views import invoice_of_folio, invoice_view, list_invoices
from pms.billing.invoices import render_invoice_html, render_invoice_text, write_invoice
from pms.imports.exports import EXPORT_COLUMNS, Period, export_rows
from pms.kernel.desk import Desk
from pms.kernel.errors import InvalidInput, InvalidTransition, NotFound, PmsError
from pms.rates.taxes import add_tax
from pms.stays.reservation_views import load_reservation


def _settled_folio(desk: Desk, name: str, amount: int = 4200) -> int:
    """A stay whose guest folio holds one minibar charge, paid in cash; the folio's id."""
    stay = book_stay(desk, name)
    desk.run(post_charge, stay, "MINIBAR", amount)
    desk.run(pay_cash, stay, amount)
    return folio_of(desk, stay).id


def _close_then_fail(session: Session, folio_id: int) -> None:
    close_folio(session, folio_id)
    raise InvalidInput("printer", "the printer is out of paper")  # the whole check-out undone


def test_invoice_numbers_run_one_two_three_and_a_rolled_back_close_gives_its_back(
    hotel: Desk,
) -> None:
    first, second, third = (_settled_folio(hotel, f"Guest {i}") for i in range(3))
    unpaid = book_stay(hotel, "Owes Money")
    hotel.run(post_charge, unpaid, "FNB", 900)

    assert hotel.run(close_folio, first).number == 1
    with pytest.raises(InvalidTransition, match=r"has a balance of €9\.00"):
        hotel.run(close_folio, folio_of(hotel, unpaid).id)
    with pytest.raises(InvalidInput, match="out of paper"):
        hotel.run(_close_then_fail, second)
    assert hotel.read(folio_view, second).status == "open"
    assert hotel.run(close_folio, second).number == 2
    assert hotel.run(close_folio, third).number == 3
    assert [n for n, _, _ in hotel.read(list_invoices, "TST")] == [3, 2, 1]
    assert hotel.read(invoice_of_folio, second).number == 2
    with pytest.raises(NotFound, match="TST has no invoice number 4"):
        hotel.read(invoice_view, "TST", 4)


@pytest.mark.slow
def test_desks_closing_at_once_take_distinct_gap_free_numbers(hotel: Desk, db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite queues every writer at BEGIN; the race is PostgreSQL's")
    folios = [_settled_folio(hotel, f"Racer {i}") for i in range(3)]
    # Three desks close three folios, and a fourth desk closes the first one again.
    outcomes = race(close_at_once, [(db_url, folio_id) for folio_id in [*folios, folios[0]]])

    kinds = Counter(kind for kind, _ in outcomes)
    assert kinds == {"ok": 3, "InvalidTransition": 1}, outcomes
    assert sorted(int(n) for kind, n in outcomes if kind == "ok") == [1, 2, 3]
    assert "is already closed" in next(msg for kind, msg in outcomes if kind != "ok")
    assert [n for n, _, _ in hotel.read(list_invoices, "TST")] == [3, 2, 1]


def _post_two_nights(desk: Desk, stay: str) -> None:
    """The night audit's room charges of the stay's first two nights."""

    def _nights(session: Session) -> None:
        reservation = load_reservation(session, stay)
        for night in (BUSINESS_DATE, BUSINESS_DATE.replace(day=2)):
            post_room_night(session, reservation, night)

    desk.run(_nights)


def _split_stay(desk: Desk) -> tuple[str, int, int]:
    """Two nights for Lucía, room and VAT billed to Acme, extras and a correction on her own
    folio; both settled. Returns the confirmation and the two folio ids."""
    desk.actor = MANAGER
    desk.run(add_tax, "TST", "VAT", "VAT 6%", percent_bp=600)
    desk.actor = CLERK
    stay = book_stay(desk)
    acme = desk.run(add_folio, stay, "Acme Ltd", "company").id
    desk.run(set_routing, stay, ["ROOM", "TAX"], "Acme Ltd")

    _post_two_nights(desk, stay)
    desk.run(post_charge, stay, "MINIBAR", 1250)
    wrong = desk.run(post_charge, stay, "LAUNDRY", 9900)
    desk.run(reverse_posting, wrong.id, "another room's laundry")
    dinner = desk.run(post_charge, stay, "FNB", 3800, "Dinner, table 4")
    desk.run(transfer_posting, dinner.id, acme, "client dinner")
    desk.run(pay_cash, stay, 1250)
    desk.run(pay_cash, stay, 20000 + 1200 + 3800, "Acme Ltd")
    return stay, folio_of(desk, stay).id, acme


def test_the_invoice_shows_lines_taxes_and_payments_not_corrections(hotel: Desk) -> None:
    _, guest, acme = _split_stay(hotel)
    company = hotel.run(close_folio, acme)
    assert company.number == 1 and company.number_text == "TST-000001"
    assert [(line.code, line.amount) for line in company.lines] == [
        ("ROOM", 10000),
        ("TAX-VAT", 600),
        ("ROOM", 10000),
        ("TAX-VAT", 600),
        ("FNB", 3800),
    ]
    assert [(t.code, t.name, t.amount) for t in company.taxes] == [("VAT", "VAT 6%", 1200)]
    assert (company.total, company.paid, company.balance) == (25000, 25000, 0)
    assert company.folio_name == "Acme Ltd" and company.guest_name == "García, Lucía"

    own = hotel.run(close_folio, guest)
    assert [(line.code, line.amount) for line in own.lines] == [("MINIBAR", 1250)]
    assert [p.amount for p in own.payments] == [-1250] and own.number == 2
    assert hotel.read(invoice_view, "TST", 2) == own


def test_the_vat_inside_a_price_is_stated_on_the_invoice(hotel: Desk) -> None:
    # Lisbon prices include VAT: the room line is the price, and the invoice still says how
    # much of it is VAT — per night as the stay stored it, all of it for a full night.
    hotel.actor = MANAGER
    hotel.run(lambda s: s.execute(update(Property).values(taxes_inclusive=True)))
    hotel.run(add_tax, "TST", "VAT", "VAT 6%", percent_bp=600)
    hotel.actor = CLERK
    stay = book_stay(hotel, nights=2)

    _post_two_nights(hotel, stay)
    hotel.run(post_charge, stay, "MINIBAR", 1250)
    folio = folio_of(hotel, stay)
    hotel.run(pay_cash, stay, folio.balance)
    invoice = hotel.run(close_folio, folio.id)
    rooms = [line.amount for line in invoice.lines if line.code == "ROOM"]
    assert [line.code for line in invoice.lines] == ["ROOM", "ROOM", "MINIBAR"]  # no VAT line
    vat = [(t.code, t.amount) for t in invoice.taxes]
    inside = sum((Decimal(r) * 6 / 106).quantize(Decimal(1), ROUND_HALF_UP) for r in rooms)
    assert vat == [("VAT", int(inside))] and inside > 0
    assert "of which VAT 6%" in render_invoice_text(invoice)


def test_check_out_bills_every_used_folio_or_none(hotel: Desk) -> None:
    stay, guest, acme = _split_stay(hotel)
    hotel.run(add_folio, stay, "Spare")
    hotel.run(post_charge, stay, "PHONE", 500)
    with pytest.raises(InvalidTransition, match=f"folio Guest of {stay} has a balance of"):
        hotel.run(close_stay_folios, stay)
    assert hotel.read(folio_view, acme).status == "open"  # Acme's close was undone with it

    hotel.run(pay_cash, stay, 500)
    invoices = hotel.run(close_stay_folios, stay)
    assert [(i.folio_id, i.number) for i in invoices] == [(guest, 1), (acme, 2)]
    assert folio_of(hotel, stay, "Spare").status == "open"
    # The accountant's file of invoices has the columns its header names on a day without any.
    exported = hotel.read(lambda s: list(export_rows(s, "invoices", None, Period())))
    assert [row["number"] for row in exported] == [1, 2]
    assert tuple(exported[0]) == EXPORT_COLUMNS["invoices"]


def test_an_invoice_is_written_as_pdf_html_and_text(hotel: Desk, tmp_path: Path) -> None:
    _, _, acme = _split_stay(hotel)
    invoice = hotel.run(close_folio, acme)

    pdf = write_invoice(invoice, tmp_path / "invoice.pdf", "pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    assert pdf.stat().st_size > 1000

    page = render_invoice_html(invoice)
    text = render_invoice_text(invoice)
    for rendered in (page, text):
        assert "Test Harbour Hotel" in rendered and "TST-000001" in rendered
        assert "García, Lucía" in rendered and "Dinner, table 4" in rendered
        assert "€250.00" in rendered  # the total
        assert "VAT 6%" in rendered and "€12.00" in rendered
    assert page.startswith("<!DOCTYPE html>")
    assert "Total" in text and "Balance" in text and text.count("Room, night of") == 2

    assert write_invoice(invoice, tmp_path / "invoice.html").read_text().startswith("<!DOC")
    assert "TST-000001" in write_invoice(invoice, tmp_path / "inv", "txt").read_text()
    with pytest.raises(PmsError, match="not 'docx'"):
        write_invoice(invoice, tmp_path / "invoice.docx")


def test_the_pdf_falls_back_to_a_core_font_without_dejavu(
    hotel: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folio = _settled_folio(hotel, "Zoë Łukasiewicz")
    invoice = hotel.run(close_folio, folio)
    monkeypatch.setattr("pms.billing.invoices._unicode_font", lambda: None)
    assert write_invoice(invoice, tmp_path / "plain.pdf").read_bytes().startswith(b"%PDF")
