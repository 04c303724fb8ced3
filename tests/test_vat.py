"""A Lisbon hotel's day with the VAT of everything it sells: the room at 6 % (inside the price,
with a city tax of €2 a head beside it), dinner at 13 %, the minibar and the telephone at 23 %.

Maria (manager) sets the rates on the command line; Ana (clerk) posts a dinner and a minibar,
takes a telephone call off again, and checks the guest out: the invoice says how much of it is
VAT at each rate, from the VAT each line was posted with — a rate changed afterwards leaves the
posted lines as they were. The accountant's export of the day carries each line's VAT, and the
day's statistics count the extras net of it.
"""

from __future__ import annotations

import csv
import io
from decimal import ROUND_HALF_UP, Decimal

import pytest
from conftest import BUSINESS_DATE, CLERK, MANAGER
from folio_racers import pay_cash
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from test_cli import data, one_line_error, pms

from db.folios import Posting
from db.models import AuditLog, ChargeTax, Property, Reservation
from pms.billing.folios import (
    add_folio,
    close_folio,
    folios_of,
    post_charge,
    reverse_posting,
    transfer_posting,
)
from pms.billing.invoice_views import InvoiceView, invoice_view, list_invoices
from pms.billing.invoices import render_invoice_text
from pms.billing.vat import add_vat, apply_tax, vat_inside
from pms.demo import DEMO_CODE
from pms.frontdesk.check_in import check_in
from pms.frontdesk.check_out import check_out, post_charges_due
from pms.guests.lookup import GuestInput
from pms.kernel.desk import Desk
from pms.kernel.errors import PermissionDenied
from pms.night_audit.statistics import day_statistics
from pms.payments.local_payments import take_cash
from pms.rates.sheet_edits import set_rates
from pms.rates.taxes import add_tax, list_taxes, set_taxes_inclusive
from pms.reservations.booking import BookingRequest, book


def _maria(db_url: str, *args: str) -> str:
    result = pms(db_url, "--user", "maria", *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def _lisbon(hotel: Desk, db_url: str) -> None:
    """The room €137 a night with VAT 6 % inside, €2 city tax a head; food 13 %, the minibar
    and telephone 23 % — set up as a manager types it."""
    hotel.actor = MANAGER
    hotel.run(set_rates, "TST", "BAR", "DBL", BUSINESS_DATE, BUSINESS_DATE, 13700)
    hotel.run(set_taxes_inclusive, "TST", True)
    hotel.run(add_tax, "TST", "VAT", "VAT 6 %", percent_bp=600)
    hotel.run(add_tax, "TST", "CITY", "City tax", per_person=200)
    food = _maria(db_url, "tax", "add", "VAT13", "--name", "VAT 13 %", "--percent", "13",
                  "--on", "fnb")  # fmt: skip
    assert "Added tax VAT13: 13 % inside FNB." in food
    _maria(db_url, "tax", "add", "VAT23", "--name", "VAT 23 %", "--percent", "23", "--on", "MISC")
    drinks = _maria(db_url, "tax", "apply", "VAT23", "--to", "MINIBAR,PHONE")
    assert "Tax VAT23: 23 % inside MINIBAR, MISC, PHONE." in drinks
    hotel.actor = CLERK


def _arrive(hotel: Desk) -> str:
    """A couple for one night, checked in to 101."""
    stay = hotel.run(book, BookingRequest(
        arrival=BUSINESS_DATE, nights=1, room_type="DBL", guest=GuestInput("Lucía García"),
        property_code="TST", adults=2,
    )).confirmation  # fmt: skip
    hotel.run(check_in, stay, "101")
    return stay


def _leave(hotel: Desk, stay: str) -> InvoiceView:
    """Post the night, pay what is owed in cash, check out; the guest's invoice."""
    hotel.run(post_charges_due, stay)
    owed = sum(f.balance for f in hotel.read(folios_of, stay))
    take_cash(hotel, stay, owed)
    (invoice,) = hotel.run(check_out, stay).invoices
    return invoice


def test_the_invoice_states_the_vat_of_the_room_the_dinner_and_the_minibar(
    hotel: Desk, db_url: str
) -> None:
    _lisbon(hotel, db_url)
    stay = _arrive(hotel)
    dinner = hotel.run(post_charge, stay, "FNB", 3820, "Dinner, Taberna")
    assert (dinner.vat_code, dinner.vat_amount) == ("VAT13", 439)  # 38.20 · 13/113 = 4.3947
    hotel.run(post_charge, stay, "MINIBAR", 1450)
    call = hotel.run(post_charge, stay, "PHONE", 300)
    taken_off = hotel.run(reverse_posting, call.id, "wrong room")
    assert (taken_off.vat_code, taken_off.vat_amount) == ("VAT23", -56)  # its VAT, negated

    invoice = _leave(hotel, stay)  # the reversed call leaves no VAT; 14.50 · 23/123 = 2.711
    assert [(line.code, line.amount) for line in invoice.lines] == [
        ("FNB", 3820), ("MINIBAR", 1450), ("ROOM", 13700), ("TAX-CITY", 400),
    ]  # fmt: skip
    assert [(t.name, t.amount) for t in invoice.taxes] == [
        ("City tax", 400), ("VAT 6 %", 775), ("VAT 13 %", 439), ("VAT 23 %", 271),
    ]  # fmt: skip
    text = render_invoice_text(invoice)
    for said in ("of which VAT 6 %", "€7.75", "of which VAT 13 %", "€4.39", "of which VAT 23 %"):
        assert said in text
    shown = pms(db_url, "--user", "ana", "folio", "invoice", invoice.number_text)
    assert shown.exit_code == 0 and "of which VAT 13 %" in shown.stdout and "€2.71" in shown.stdout


def test_a_rate_changed_after_posting_leaves_the_posted_vat(hotel: Desk, db_url: str) -> None:
    _lisbon(hotel, db_url)
    stay = _arrive(hotel)
    hotel.run(post_charge, stay, "FNB", 3820)
    hotel.actor = MANAGER
    hotel.run(add_vat, "TST", "VAT23B", "VAT 23 % (new)", percent_bp=2300, on=["FNB"])
    hotel.actor = CLERK
    later = hotel.run(post_charge, stay, "FNB", 1130)
    assert (later.vat_code, later.vat_amount) == ("VAT23B", 211)  # 11.30 · 23/123 = 2.113

    invoice = _leave(hotel, stay)
    taxes = {t.name: t.amount for t in invoice.taxes}
    assert taxes["VAT 13 %"] == 439 and taxes["VAT 23 % (new)"] == 211
    assert hotel.read(invoice_view, "TST", invoice.number) == invoice  # a reprint reads the same


def test_a_vat_set_on_the_wrong_charge_is_taken_off_and_the_posted_line_keeps_it(
    hotel: Desk, db_url: str
) -> None:
    _lisbon(hotel, db_url)
    stay = _arrive(hotel)
    before = hotel.run(post_charge, stay, "PHONE", 500)
    said = _maria(db_url, "tax", "exempt", "phone,laundry")
    assert said.strip() == "No VAT inside PHONE,LAUNDRY from now on (PHONE)."
    after = hotel.run(post_charge, stay, "PHONE", 300)
    assert (before.vat_code, before.vat_amount) == ("VAT23", 93)  # 5.00 · 23/123 = 0.935
    assert (after.vat_code, after.vat_amount) == (None, None)
    exempted = hotel.read(lambda s: s.scalars(
        select(AuditLog.before).where(AuditLog.action == "exempt")
    ).all())  # fmt: skip
    assert len(exempted) == 1 and list(exempted[0]["charges"]) == ["PHONE"]
    refused = pms(db_url, "--user", "ana", "tax", "exempt", "MINIBAR")
    assert refused.exit_code == 1 and "manager" in one_line_error(refused)


def test_a_transferred_charge_takes_its_vat_along(hotel: Desk, db_url: str) -> None:
    _lisbon(hotel, db_url)
    stay = _arrive(hotel)
    hotel.run(add_folio, stay, "Company")
    dinner = hotel.run(post_charge, stay, "FNB", 3820)
    company = next(f for f in hotel.read(folios_of, stay) if f.name == "Company")
    moved = hotel.run(transfer_posting, dinner.id, company.id, "the company pays dinner")
    assert (moved.vat_code, moved.vat_amount) == ("VAT13", 439)
    guest = next(f for f in hotel.read(folios_of, stay) if f.name == "Guest")
    assert sum(p.vat_amount or 0 for p in guest.postings) == 0


def test_the_accountant_s_export_and_the_day_s_figures_count_the_vat(
    hotel: Desk, db_url: str
) -> None:
    _lisbon(hotel, db_url)
    stay = _arrive(hotel)
    hotel.run(post_charge, stay, "FNB", 3820)
    hotel.run(post_charge, stay, "MINIBAR", 1450)
    _leave(hotel, stay)

    hotel.actor = MANAGER
    exported = pms(db_url, "--user", "maria", "export", "postings")
    assert exported.exit_code == 0, exported.output
    lines = [(p["code"], p["amount"], p["vat_code"], p["vat"])
             for p in csv.DictReader(io.StringIO(exported.stdout))]  # fmt: skip
    assert lines == [
        ("FNB", "38.20", "VAT13", "4.39"), ("MINIBAR", "14.50", "VAT23", "2.71"),
        ("ROOM", "137.00", "VAT", "7.75"), ("TAX-CITY", "4.00", "", ""),
        ("PAY-CASH", "-193.70", "", ""),
    ]  # fmt: skip

    def figures(session):  # type: ignore[no-untyped-def]
        prop = session.scalar(select(Property).where(Property.code == "TST"))
        return day_statistics(session, prop, BUSINESS_DATE)

    dbl = next(iter(hotel.read(figures).values()))
    assert dbl["other_revenue"] == 3820 - 439 + 1450 - 271  # net, as room revenue is
    assert dbl["tax"] == 439 + 271 + 775 + 400


def test_one_vat_per_code_the_same_checks_for_every_face(hotel: Desk, db_url: str) -> None:
    _lisbon(hotel, db_url)
    with pytest.raises(PermissionDenied):
        hotel.run(apply_tax, "TST", "VAT13", ["LAUNDRY"])  # Ana is a clerk
    refused = {
        ("tax", "apply", "VAT13", "--to", "ROOM"): "the room's taxes are set when the tax is added",
        ("tax", "apply", "VAT13", "--to", "PAY-CASH"): "'PAY-CASH' is not a charge code",
        ("tax", "apply", "CITY", "--to", "FNB"): "CITY is an amount per person",
        ("tax", "apply", "NONE", "--to", "FNB"): "there is no tax 'NONE' at TST",
        ("tax", "add", "VAT5", "--name", "x", "--percent", "5", "--on", "BAR"): "'BAR' is not",
    }
    for args, said in refused.items():
        assert said in one_line_error(pms(db_url, "--user", "maria", *args)), args
    assert "VAT5" not in {t.code for t in hotel.read(list_taxes)}  # refused before it was added
    # FNB had VAT 13 %; applying VAT 23 % moves it: still one row, and the log says from what.
    hotel.actor = MANAGER
    hotel.run(apply_tax, "TST", "VAT23", ["FNB"])
    taxes = {t.code: t for t in hotel.read(list_taxes)}
    assert taxes["VAT13"].charges == () and "FNB" in taxes["VAT23"].charges
    assert not taxes["VAT13"].room and taxes["VAT"].room  # the room is priced as before
    applied = hotel.read(lambda s: s.scalars(
        select(AuditLog.before).where(AuditLog.action == "apply").order_by(AuditLog.id.desc())
    ).first())  # fmt: skip
    assert applied == {"charges": {"FNB": "VAT13"}}
    listed = data(pms(db_url, "--user", "ana", "tax", "list", "--json"))
    assert {t["code"]: t["charges"] for t in listed}["VAT23"] == ["FNB", "MINIBAR", "MISC", "PHONE"]

    def second_vat(session):  # type: ignore[no-untyped-def]
        prop_id = session.scalar(select(Property.id).where(Property.code == "TST"))
        tax_id = session.scalar(select(ChargeTax.tax_id).where(ChargeTax.code == "FNB"))
        session.execute(insert(ChargeTax).values(property_id=prop_id, code="FNB", tax_id=tax_id))

    with pytest.raises(IntegrityError):
        hotel.run(second_vat)


def test_the_database_keeps_a_posting_s_vat_inside_it(hotel: Desk, db_url: str) -> None:
    _lisbon(hotel, db_url)
    stay = _arrive(hotel)
    dinner = hotel.run(post_charge, stay, "FNB", 3820)
    for vat_code, vat_amount in (("VAT13", 3821), ("VAT13", -1), (None, 439), ("VAT13", None)):
        with pytest.raises(IntegrityError, match="vat_within_amount"):
            hotel.run(lambda s, c=vat_code, a=vat_amount: s.execute(
                update(Posting.__table__).where(Posting.__table__.c.id == dinner.id)
                .values(vat_code=c, vat_amount=a)
            ))  # fmt: skip


def test_a_hotel_whose_room_prices_exclude_vat_still_takes_it_inside_the_bar_s_prices(
    hotel: Desk, db_url: str
) -> None:
    _lisbon(hotel, db_url)
    hotel.actor = MANAGER
    hotel.run(set_taxes_inclusive, "TST", False)
    hotel.actor = CLERK
    stay = _arrive(hotel)
    dinner = hotel.run(post_charge, stay, "FNB", 3820)
    assert (dinner.amount, dinner.vat_amount) == (3820, 439)  # what the guest pays at the bar


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(
    charges=st.lists(
        st.tuples(st.sampled_from(["FNB", "MINIBAR", "PHONE", "MISC"]),
                  st.integers(min_value=1, max_value=250_000), st.booleans()),
        min_size=1, max_size=6,
    ),
)  # fmt: skip
def test_the_invoice_s_vat_is_the_sum_of_the_lines_rounded_vat_and_never_above_the_gross(
    hotel: Desk, db_url: str, charges: list[tuple[str, int, bool]]
) -> None:
    # One guest in house runs a tab after another at the bar, each billed on its own folio.
    if not hotel.read(list_taxes):
        _lisbon(hotel, db_url)
        _arrive(hotel)
    (stay,) = hotel.read(lambda s: s.scalars(select(Reservation.confirmation)).all())
    tab = f"Tab {len(hotel.read(folios_of, stay))}"
    hotel.run(add_folio, stay, tab)
    rates = {"FNB": 1300, "MINIBAR": 2300, "PHONE": 2300, "MISC": 2300}
    expected: dict[str, int] = {}
    gross = 0
    for code, amount, taken_off in charges:
        posted = hotel.run(post_charge, stay, code, amount, folio_name=tab)
        line = int((Decimal(amount) * rates[code] / (10_000 + rates[code]))
                   .quantize(Decimal(1), rounding=ROUND_HALF_UP))  # fmt: skip
        assert posted.vat_amount == line == vat_inside(amount, rates[code])
        if taken_off:
            hotel.run(reverse_posting, posted.id, "not taken")
            continue
        name = "VAT 13 %" if code == "FNB" else "VAT 23 %"
        if line:  # a cent's VAT rounds to nothing, and an invoice states no €0.00
            expected[name] = expected.get(name, 0) + line
        gross += amount
    folio = next(f for f in hotel.read(folios_of, stay) if f.name == tab)
    if folio.balance:
        hotel.run(pay_cash, stay, folio.balance, tab)
    invoice = hotel.run(close_folio, folio.id)
    assert {t.name: t.amount for t in invoice.taxes} == expected
    assert sum(expected.values()) <= gross


def test_a_reversal_s_vat_rounds_as_its_original_s() -> None:
    for amount in (1, 113, 3820, 99_999):
        assert vat_inside(-amount, 1300) == -vat_inside(amount, 1300)
    assert vat_inside(3820, 1300) == 439 and vat_inside(1450, 2300) == 271


@pytest.mark.slow  # builds the demo hotel (one day of history)
def test_the_demo_hotel_bills_a_dinner_and_a_minibar_at_portugal_s_rates(
    db_url: str, desk: Desk
) -> None:
    made = pms(db_url, "demo", "--rooms", "10", "--seed", "3", "--history-days", "1")
    assert made.exit_code == 0, made.output
    desk.actor = CLERK
    taxes = {t.code: t for t in desk.read(list_taxes, DEMO_CODE)}
    assert {code: t.charges for code, t in taxes.items() if t.charges} == {
        "VAT": ("CANCEL-FEE", "NOSHOW-FEE"), "VAT13": ("FNB",),
        "VAT23": ("LAUNDRY", "MINIBAR", "MISC", "PHONE"),
    }  # fmt: skip
    billed = [desk.read(invoice_view, DEMO_CODE, n) for n, _, _ in desk.read(list_invoices)]
    assert any(t.name == "VAT 23 %" for i in billed for t in i.taxes)  # a guest's minibar
    stay = desk.read(lambda s: s.scalars(
        select(Reservation.confirmation)
        .where(Reservation.status == "checked_in").order_by(Reservation.id)
    ).first())  # fmt: skip
    desk.run(post_charge, stay, "MINIBAR", 1450)
    desk.run(post_charge, stay, "FNB", 3820, "Dinner")
    invoice = _leave(desk, stay)
    said = {t.name: t.amount for t in invoice.taxes}
    assert said["VAT 13 %"] == 439 and said["VAT 23 %"] == 271 and said["VAT 6 %"] > 0
