"""The accountant takes the books out, and a hotel moves to a new database with its data intact.

Exports stream from the database as CSV or JSON; guests, rates and reservations exported from one
database import into an empty one and export again the same (SQLite and PostgreSQL), a stay's
company with it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import string
from pathlib import Path

import pytest
from conftest import BUSINESS_DATE, MANAGER, set_up_hotel
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_imports import pms, problems

from pms.billing.folios import post_charge, reverse_posting
from pms.frontdesk.check_in import check_in
from pms.guests.lookup import GuestInput
from pms.imports.exports import EXPORT_COLUMNS
from pms.kernel.desk import Desk
from pms.payments.local_payments import Overpayment, take_cash
from pms.rates.sheet_edits import RestrictionChange, restrict, set_rates
from pms.reservations.booking import BookingRequest, book


def _a_month_of_the_hotel(desk: Desk) -> None:
    """Guests, a season of rates, stays to come, one in house with a corrected minibar."""
    desk.actor = MANAGER
    first = BUSINESS_DATE
    desk.run(set_rates, "TST", "BAR", "DBL", first, first + dt.timedelta(days=30), 12050)
    closed = RestrictionChange(min_los=2, stop_sell=True)
    tenth, twelfth = first + dt.timedelta(days=10), first + dt.timedelta(days=12)
    desk.run(restrict, "TST", "BAR", "SUI", tenth, twelfth, closed)
    for i, (name, email) in enumerate(
        [("Lucía García", "lucia@example.com"), ("Ada Lee", "ada@example.com"), ("Jo Kim", "")]
    ):
        desk.run(book, BookingRequest(
            arrival=first + dt.timedelta(days=i), nights=2 + i, room_type="DBL",
            guest=GuestInput(name, email), property_code="TST", adults=2,
            company="Tejo Consulting" if name == "Ada Lee" else "",
        ))  # fmt: skip
    in_house = desk.run(book, BookingRequest(
        arrival=first, nights=3, room_type="TWN", guest=GuestInput("Rui Costa", "rui@example.com"),
        property_code="TST", company="Douro Wines",
    )).confirmation  # fmt: skip
    desk.run(check_in, in_house, "201")
    minibar = desk.run(post_charge, in_house, "MINIBAR", 1250)
    desk.run(reverse_posting, minibar.id, "not taken")
    take_cash(desk, in_house, 5000, over=Overpayment(deposit=True))  # paid ahead


def test_the_journal_of_postings_goes_out_by_business_date(hotel: Desk) -> None:
    _a_month_of_the_hotel(hotel)
    result = pms(hotel, "export", "postings", "--from", "1.12", "--to", "1.12")
    assert result.exit_code == 0, result.output
    journal = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(p["code"], p["amount"]) for p in journal] == [
        ("MINIBAR", "12.50"), ("MINIBAR", "-12.50"), ("PAY-CASH", "-50.00"),
    ]  # fmt: skip
    assert journal[1]["reverses"] == journal[0]["posting"]
    assert {p["business_date"] for p in journal} == {"2026-12-01"}
    invoices = pms(hotel, "export", "invoices", "--format", "json")
    assert json.loads(invoices.stdout) == []
    made_since = json.loads(pms(hotel, "export", "guests", "--from", "2010-01-01", "--json").stdout)
    made_before = json.loads(pms(hotel, "export", "guests", "--to", "2010-01-01", "--json").stdout)
    assert (len(made_since), made_before) == (4, [])
    payments = json.loads(pms(hotel, "export", "payments", "--json").stdout)
    assert [(p["gateway"], p["amount"], p["currency"]) for p in payments] == [
        ("cash", "50.00", "EUR")
    ]


def test_every_csv_export_names_its_columns_even_for_days_without_rows(hotel: Desk) -> None:
    """The accountant's script reads the columns from the first line every morning, the
    morning after a day without a payment or an invoice too."""
    _a_month_of_the_hotel(hotel)
    for kind, columns in EXPORT_COLUMNS.items():
        header = ",".join(columns)
        empty = pms(hotel, "export", kind, "--from", "1.1.2030", "--to", "1.1.2030")
        assert (empty.exit_code, empty.stdout) == (0, header + "\n"), kind
        whole = pms(hotel, "export", kind).stdout.splitlines()
        assert whole[0] == header, kind  # the rows' own columns, where the month has rows


def test_guests_rates_and_stays_move_to_an_empty_database_unchanged(
    hotel: Desk, tmp_path: Path, sqlite_template: Path
) -> None:
    _a_month_of_the_hotel(hotel)
    target_path = tmp_path / "new.sqlite3"
    target_path.write_bytes(sqlite_template.read_bytes())
    target = Desk.open(f"sqlite:///{target_path}")
    set_up_hotel(target)  # the same house, set up from its hotel.toml
    try:
        statuses = json.loads(pms(hotel, "export", "reservations", "--json").stdout)
        assert {row["status"] for row in statuses} == {"confirmed", "checked_in"}
        for kind, extension in (("guests", "csv"), ("rates", "json"), ("reservations", "csv")):
            path = str(tmp_path / f"{kind}.{extension}")
            assert pms(hotel, "export", kind, "--output", path).exit_code == 0
            imported = pms(target, "import", kind, path)
            assert imported.exit_code == 0, imported.output
            for_both = [pms(desk, "export", kind, "--format", "json") for desk in (hotel, target)]
            before, after = (json.loads(r.stdout) for r in for_both)
            if kind == "reservations":  # booked here, they are known there by our number
                before, after = (
                    sorted((row | {"source": "desk"} for row in rows),
                           key=lambda row: row["external_ref"])
                    for rows in (before, after)
                )  # fmt: skip
            assert after == before and len(before) >= 4, kind
            if kind == "reservations":  # the companies stays were booked for go along
                assert sorted(row["company"] for row in after) == [
                    "", "", "Douro Wines", "Tejo Consulting",
                ]  # fmt: skip
    finally:
        target.close()


def test_an_export_refuses_what_it_cannot_do_in_one_line(hotel: Desk) -> None:
    assert pms(hotel, "export", "secrets").exit_code == 2  # a usage error, as Typer says it
    backwards = pms(hotel, "export", "postings", "--from", "10.12", "--to", "1.12")
    assert backwards.exit_code == 1 and "before" in backwards.stderr


_cell = st.text(string.printable + "áçé€;,\"'\n", max_size=12)
_columns = st.sampled_from(
    ["first_name", "last_name", "email", "phone", "country", "vip_level", "arrival",
     "departure", "room_type", "adults", "total", "external_ref", "price", "from", "code"]
)  # fmt: skip


@pytest.mark.slow
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    kind=st.sampled_from(["guests", "reservations", "rates", "room-types", "rooms", "rate-plans"]),
    rows=st.lists(st.dictionaries(_columns, _cell, min_size=1, max_size=6), max_size=4),
    separator=st.sampled_from([",", ";"]),
)
def test_no_file_gives_a_traceback(
    hotel: Desk, tmp_path: Path, kind: str, rows: list[dict[str, str]], separator: str
) -> None:
    header = sorted({column for row in rows for column in row}) or ["last_name"]
    out = io.StringIO()
    writer = csv.DictWriter(out, header, delimiter=separator)
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / "random.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    result = pms(hotel, "import", kind, str(path), "--dry-run")
    assert result.exit_code in (0, 1), result.output
    assert "unexpected" not in result.stderr and "Traceback" not in result.output
    if result.exit_code == 1 and "nothing was imported" in result.stderr:
        assert problems(result)
