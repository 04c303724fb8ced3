"""A hotel's history comes in with its stays: the past days the imported stays touch get their
statistics, so the flash's last-year column and `pms report history` have figures from day one,
and `pms export statistics` takes them out again (SQLite and PostgreSQL, through the CLI).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal
from pathlib import Path

from conftest import MANAGER
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from test_imports import pms, write

from db.folios import Invoice, Posting
from db.models import (
    STATISTIC_COUNTS,
    STATISTIC_MONEY,
    DailyStatistic,
    Reservation,
    RoomType,
    Tax,
)
from pms.billing.ledger_views import folios_of
from pms.imports.exports import EXPORT_COLUMNS
from pms.imports.files import read_rows
from pms.imports.service import ImportOptions, import_rows
from pms.kernel.desk import Desk
from pms.night_audit.run import run_night_audit
from pms.rates.taxes import add_tax, set_taxes_inclusive

HEADER = "external_ref,last_name,email,arrival,departure,room_type,adults,children,room,total\n"


def _figures(desk: Desk, day: dt.date) -> dict[str, dict[str, int]]:
    """The stored statistics of `day` per room type code."""
    fields = STATISTIC_COUNTS + STATISTIC_MONEY
    rows = desk.read(
        lambda s: s.execute(
            select(DailyStatistic, RoomType.code)
            .join(RoomType, RoomType.id == DailyStatistic.room_type_id)
            .where(DailyStatistic.business_date == day)
        ).all()
    )
    return {code: {name: getattr(stat, name) for name in fields} for stat, code in rows}


def test_imported_stays_give_history_and_last_years_flash(hotel: Desk, tmp_path: Path) -> None:
    hotel.actor = MANAGER
    hotel.run(add_tax, "TST", "VAT", "VAT", percent_bp=600)
    hotel.run(set_taxes_inclusive, "TST", True)
    stays = HEADER + (
        "LY-1,García,lucia@example.com,2025-11-20,2025-11-22,DBL,2,1,101,300.00\n"
        "TY-1,Lee,ada@example.com,2026-11-20,2026-11-21,DBL,1,0,102,\n"  # the sheet's 100.00
        "IH-1,Kim,jo@example.com,2026-11-29,2026-12-03,TWN,1,0,201,\n"  # in house
    )
    imported = pms(hotel, "import", "reservations", write(tmp_path, "s.csv", stays), "--json")
    assert json.loads(imported.stdout)["created"] == 3, imported.output

    flash = pms(hotel, "report", "flash", "--date", "2026-11-20", "--json")
    assert flash.exit_code == 0, flash.output
    columns = {c["period"]: c for c in json.loads(flash.stdout)["columns"]}
    today, last_year = columns["day"], columns["day last year"]
    assert (last_year["occupied"], last_year["arrivals"], last_year["guests"]) == (1, 1, 3)
    assert (last_year["room_revenue"], last_year["tax"]) == (15000, 0)  # 300.00 over 2 nights
    # The sheet's price with VAT inside: 100.00 is 94.34 of room and 5.66 of VAT.
    assert (today["occupied"], today["room_revenue"], today["tax"]) == (1, 9434, 566)

    history = pms(hotel, "report", "history", "--date", "2025-11-22", "--days", "3", "--json")
    assert history.exit_code == 0, history.output
    lines = {(r["date"], r["room_type"]): r for r in json.loads(history.stdout)["rows"]}
    assert [lines[(f"2025-11-{d}", "ALL")]["rooms_sold"] for d in (20, 21, 22)] == [1, 1, 0]
    assert lines[("2025-11-21", "DBL")]["room_revenue"] == 15000
    assert _figures(hotel, dt.date(2025, 11, 22))["DBL"]["departures"] == 1

    # The stay in house slept here on 29 and 30 November; its nights are charged at check-out.
    in_house = _figures(hotel, dt.date(2026, 11, 30))["TWN"]
    assert (in_house["occupied"], in_house["room_revenue"], in_house["rooms"]) == (1, 0, 2)

    exported = pms(hotel, "export", "statistics", "--from", "2025-11-20", "--to", "2026-11-30",
                   "--json")  # fmt: skip
    assert exported.exit_code == 0, exported.output
    rows = json.loads(exported.stdout)
    assert tuple(rows[0]) == EXPORT_COLUMNS["statistics"]  # the header of a day without rows
    stored = {
        (day.isoformat(), code): figures
        for day in {dt.date.fromisoformat(r["business_date"]) for r in rows}
        for code, figures in _figures(hotel, day).items()
    }
    assert len(rows) == len(stored) == 3 * (3 + 2 + 2)  # three types, seven days touched
    for row in rows:
        figures = stored[(row["business_date"], row["room_type"])]
        assert {name: row[name] for name in STATISTIC_COUNTS} == {
            name: figures[name] for name in STATISTIC_COUNTS
        }
        for name in STATISTIC_MONEY:
            assert Decimal(row[name]).scaleb(2) == figures[name]
        assert row["currency"] == "EUR"


def test_a_day_the_audit_closed_keeps_its_snapshot(hotel: Desk, tmp_path: Path) -> None:
    hotel.actor = MANAGER
    run_night_audit(hotel, yes=True)  # closes Tue 1 Dec: nobody in house
    closed = _figures(hotel, dt.date(2026, 12, 1))
    stays = HEADER + "OLD-1,García,lucia@example.com,2026-11-30,2026-12-02,DBL,2,0,101,200.00\n"
    imported = pms(hotel, "import", "reservations", write(tmp_path, "s.csv", stays), "--json")
    assert json.loads(imported.stdout)["created"] == 1, imported.output

    assert _figures(hotel, dt.date(2026, 12, 1)) == closed
    assert closed["DBL"]["occupied"] == 0
    before = _figures(hotel, dt.date(2026, 11, 30))["DBL"]
    assert (before["occupied"], before["arrivals"], before["room_revenue"]) == (1, 1, 10000)
    assert dt.date(2026, 12, 2) not in {  # the business date: the audit will close it
        day for (day,) in hotel.read(lambda s: s.execute(select(DailyStatistic.business_date)))
    }


def _stay_of(desk: Desk, external_ref: str) -> str:
    """Our confirmation number of the stay the previous system called `external_ref`."""
    return desk.read(
        lambda s: s.scalar(
            select(Reservation.confirmation).where(Reservation.external_ref == external_ref)
        )
    )


def test_a_past_stay_has_its_folio_settled_in_the_previous_system(
    hotel: Desk, tmp_path: Path
) -> None:
    hotel.actor = MANAGER
    hotel.run(add_tax, "TST", "VAT", "VAT", percent_bp=600)  # added to the price
    stays = HEADER + (
        "PS-1,García,lucia@example.com,2026-11-20,2026-11-23,DBL,2,0,101,\n"  # the sheet's 100.00
        "PS-2,Lee,ada@example.com,2026-11-21,2026-11-22,DBL,1,0,102,90.00\n"
    )
    path = write(tmp_path, "s.csv", stays)
    imported = pms(hotel, "import", "reservations", path, "--json")
    assert json.loads(imported.stdout)["created"] == 2, imported.output

    # The desk opens Lucía's stay: her three nights on their dates, settled there, closed.
    shown = pms(hotel, "folio", "show", _stay_of(hotel, "PS-1"), "--json")
    assert shown.exit_code == 0, shown.output
    (folio,) = json.loads(shown.stdout)["folios"]
    assert (folio["status"], folio["balance"], folio["invoice_number"]) == ("closed", 0, None)
    lines = [(p["business_date"], p["code"], p["amount"]) for p in folio["postings"]]
    nights = [f"2026-11-{d}" for d in (20, 21, 22)]
    assert lines == [
        *((night, code, amount) for night in nights
          for code, amount in (("ROOM", 10000), ("TAX-VAT", 600))),
        ("2026-11-22", "PAY-PREVIOUS", -31800),
    ]  # fmt: skip
    assert all(p["imported"] for p in folio["postings"])
    assert "Settled in the previous system (PS-1)" in folio["postings"][-1]["description"]
    table = pms(hotel, "folio", "show", _stay_of(hotel, "PS-1"))
    assert "closed, invoiced in the previous system" in table.stdout, table.output
    reopened = pms(hotel, "folio", "reopen", str(folio["id"]), "--reason", "fix")
    assert reopened.exit_code == 1 and "invoiced in the previous system" in reopened.stderr

    # No number of our gap-free sequence was spent: the previous system invoiced it.
    assert hotel.read(lambda s: s.scalar(select(func.count()).select_from(Invoice))) == 0
    assert json.loads(pms(hotel, "export", "invoices", "--json").stdout) == []

    # The accountant's journal has them, flagged as booked already by the previous system.
    journal = json.loads(
        pms(hotel, "export", "postings", "--from", "2026-11-20", "--to", "2026-11-22",
            "--json").stdout
    )  # fmt: skip
    assert len(journal) == 7 + 2 and all(row["imported"] for row in journal)
    assert sum(Decimal(row["amount"]) for row in journal) == 0

    # The statistics are the stays' nights, once: the postings do not count them again.
    flash = json.loads(pms(hotel, "report", "flash", "--date", "2026-11-21", "--json").stdout)
    day = {c["period"]: c for c in flash["columns"]}["day"]
    assert (day["occupied"], day["room_revenue"], day["tax"]) == (2, 10000 + 9000, 600)
    history = json.loads(
        pms(hotel, "report", "history", "--date", "2026-11-22", "--days", "3", "--json").stdout
    )
    revenue = {r["date"]: r["room_revenue"] for r in history["rows"] if r["room_type"] == "ALL"}
    assert revenue == {"2026-11-20": 10000, "2026-11-21": 19000, "2026-11-22": 10000}

    # Tonight's audit closes today with none of it: only what was posted today is revenue.
    run_night_audit(hotel, yes=True)
    today = _figures(hotel, dt.date(2026, 12, 1))
    assert sum(f["room_revenue"] + f["tax"] for f in today.values()) == 0

    # The same file again writes nothing, no folio line twice.
    count = lambda s: s.scalar(select(func.count()).select_from(Posting))  # noqa: E731
    before = hotel.read(count)
    again = pms(hotel, "import", "reservations", path, "--json")
    assert json.loads(again.stdout)["created"] == 0, again.output
    assert hotel.read(count) == before == 9


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    stays=st.lists(
        st.tuples(st.integers(0, 300), st.integers(1, 6), st.none() | st.integers(1, 500_000)),
        min_size=1,
        max_size=4,
    ),
    vat=st.integers(1, 2500),
)
def test_an_imported_past_folio_always_settles_to_zero(
    hotel: Desk, stays: list[tuple[int, int, int | None]], vat: int
) -> None:
    # Whatever the nights, prices and tax: every line is the night's, in minor units, and the
    # previous system's settlement brings the folio to exactly zero.
    hotel.actor = MANAGER
    if hotel.read(lambda s: s.scalar(select(func.count()).select_from(Tax))) == 0:
        hotel.run(add_tax, "TST", "VAT", "VAT", percent_bp=vat)
    start = dt.date(2025, 11, 1)
    rows = []
    for offset, nights, cents in stays:
        arrival = start + dt.timedelta(days=offset)
        total = "" if cents is None else str(Decimal(cents).scaleb(-2))
        ref = f"H-{uuid.uuid4().hex[:12]}"
        rows.append(f"{ref},Lee,,{arrival},{arrival + dt.timedelta(days=nights)},DBL,1,0,,{total}")
    imported = hotel.run(import_rows, "reservations", read_rows(HEADER + "\n".join(rows), "csv"),
                         ImportOptions())  # fmt: skip
    assert imported.created == len(stays)
    for ref, (_, nights, cents) in zip((r.split(",")[0] for r in rows), stays, strict=True):
        (folio,) = hotel.read(folios_of, _stay_of(hotel, ref))
        assert (folio.status, folio.balance, folio.invoice_number) == ("closed", 0, None)
        charges = [p for p in folio.postings if p.code != "PAY-PREVIOUS"]
        # One night's lines on each night, but a night whose share of the total is 0.00 (one
        # cent over two nights) has nothing to post.
        charged = nights if cents is None else min(nights, cents)
        assert len({p.business_date for p in charges}) == charged
        assert all(isinstance(p.amount, int) and p.amount > 0 and p.imported for p in charges)
        if cents is not None:  # the file's total, spread over the nights to the cent
            assert sum(p.amount for p in charges) == cents
