"""A hotel's history comes in with its stays: the past days the imported stays touch get their
statistics, so the flash's last-year column and `pms report history` have figures from day one,
and `pms export statistics` takes them out again (SQLite and PostgreSQL, through the CLI).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from conftest import MANAGER
from sqlalchemy import select
from test_imports import pms, write

from db.models import STATISTIC_COUNTS, STATISTIC_MONEY, DailyStatistic, RoomType
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
