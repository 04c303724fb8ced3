"""The night auditor at the command line: the pre-checks, the run with --yes, its status and
history, the reports of the closed day in three formats, and one clear line for bad input."""

from __future__ import annotations

import pytest
from test_cli import data, one_line_error, pms
from test_night_audit import book_stay

from pms.frontdesk.check_in import check_in
from pms.kernel.desk import Desk


@pytest.fixture
def evening(hotel: Desk) -> dict[str, str]:
    """Lucía (DBL, 2 nights) in room 101; Ana (DBL) not arrived."""
    lucia = book_stay(hotel, "Lucía García", "DBL", 1, 3)
    ana = book_stay(hotel, "Ana Silva", "DBL", 1, 2)
    hotel.run(check_in, lucia, "101")
    return {"lucia": lucia, "ana": ana}


def test_the_night_auditor_closes_the_day_and_reads_the_flash(
    hotel: Desk, db_url: str, evening: dict[str, str]
) -> None:
    checks = data(pms(db_url, "audit", "prechecks", "--json"))
    assert [(c["name"], c["level"], c["items"]) for c in checks] == [
        ("arrivals_not_checked_in", "yellow", [evening["ana"]])
    ]
    refused = pms(db_url, "--user", "sam", "audit", "run", input="n\n")
    assert refused.exit_code == 1 and "arrivals of the day not checked in" in refused.output
    assert "--yes" in refused.stderr

    run = data(pms(db_url, "--user", "ana", "audit", "run", "--yes", "--json"))
    assert (run["business_date"], run["status"], run["username"]) == ("2026-12-01", "done", "sam")
    steps = {s["step"]: s for s in run["steps"]}
    assert {s["username"] for s in run["steps"]} == {"ana"}  # Sam started the day, Ana closed it
    assert steps["room_and_tax"]["counts"] == {"stays": 1, "lines": 1, "amount": 10000}
    assert steps["no_shows"]["counts"]["no_shows"] == 1
    assert steps["loyalty"]["status"] == "skipped"

    status = data(pms(db_url, "audit", "status", "--json"))
    assert status["business_date"] == "2026-12-02" and status["current"] is None
    assert status["last_closed"]["business_date"] == "2026-12-01"
    history = pms(db_url, "audit", "history")
    assert history.exit_code == 0 and "Tue 2026-12-01" in history.stdout

    flash = data(pms(db_url, "report", "flash", "--json"))
    assert (flash["occupancy"], flash["adr"], flash["revpar"], flash["currency"]) == (
        "16.67", 10000, 1667, "EUR",
    )  # fmt: skip
    assert flash["trevpar"] == 1667
    table = pms(db_url, "report", "flash")
    assert table.exit_code == 0 and "Occupancy %" in table.stdout and "€100.00" in table.stdout

    no_shows = pms(db_url, "report", "no-shows", "--date", "2026-12-01", "--format", "csv")
    assert no_shows.exit_code == 0
    header, line = no_shows.stdout.strip().splitlines()
    assert header.startswith("confirmation,status,guest") and evening["ana"] in line
    in_house = data(pms(db_url, "report", "in-house", "--json"))
    assert [r["confirmation"] for r in in_house["rows"]] == [evening["lucia"]]
    balance = data(pms(db_url, "report", "trial-balance", "--date", "2026-12-01", "--json"))
    assert balance["balanced"] and balance["debits"] == 10000
    guest = data(pms(db_url, "report", "guest-ledger", "--date", "2026-12-01", "--json"))
    assert [(r["confirmation"], r["balance"]) for r in guest["rows"]] == [(evening["lucia"], 10000)]
    final = data(pms(db_url, "report", "final", "--json"))
    assert final["flash"]["occupancy"] == "16.67"
    history = data(pms(db_url, "report", "history", "--days", "1", "--json"))
    assert [(r["room_type"], r["rooms_sold"]) for r in history["rows"]][-1] == ("ALL", 1)
    forecast = data(pms(db_url, "report", "forecast", "--days", "2", "--json"))
    totals = [(r["date"], r["rooms_sold"]) for r in forecast["rows"] if r["room_type"] == "ALL"]
    assert totals == [("2026-12-02", 1), ("2026-12-03", 0)]
    charted = pms(db_url, "report", "forecast", "--days", "3", "--chart")
    assert charted.exit_code == 0 and "room revenue (EUR)" in charted.stdout
    reviews = pms(db_url, "report", "reviews")
    assert reviews.exit_code == 0 and "Reviews of TST" in reviews.stdout

    reinstate = ["audit", "reinstate", evening["ana"], "--reason", "came at 3 a.m."]
    assert "needs the supervisor role" in one_line_error(pms(db_url, "--user", "ana", *reinstate))
    assert "has no night left" in one_line_error(pms(db_url, "--user", "sam", *reinstate))

    again = pms(db_url, "audit", "run", input="n\n")  # a second close so soon asks first
    assert again.exit_code == 1 and "hours ago (audit.min_hours is 20)" in again.output
    assert data(pms(db_url, "audit", "status", "--json"))["business_date"] == "2026-12-02"


def test_bad_input_gets_one_line(hotel: Desk, db_url: str) -> None:
    assert "there is no property 'NOPE'" in one_line_error(
        pms(db_url, "audit", "run", "--yes", "--property", "NOPE")
    )
    assert "days close in order" in one_line_error(
        pms(db_url, "audit", "run", "--yes", "--date", "2026-12-05")
    )
    assert "there is no report 'profit'" in one_line_error(pms(db_url, "report", "profit"))
    assert "no statistics for" in one_line_error(pms(db_url, "report", "flash"))
    assert "ends (2026-11-01) before it starts" in one_line_error(
        pms(db_url, "report", "arrivals", "--from", "2026-12-01", "--to", "2026-11-01")
    )
    assert "there is no pre-check 'nap'" in one_line_error(
        pms(db_url, "audit", "run", "--yes", "--override", "nap=tired")
    )


@pytest.mark.slow  # builds the demo hotel
def test_the_demo_leaves_an_evening_the_audit_closes_unattended(db_url: str, desk: Desk) -> None:
    made = pms(db_url, "demo", "--rooms", "10", "--history-days", "3")
    assert made.exit_code == 0, made.output
    history = data(pms(db_url, "audit", "history", "--json"))
    assert len(history) == 3 and {run["status"] for run in history} == {"done"}
    closed = data(pms(db_url, "audit", "run", "--yes", "--json"))
    assert closed["status"] == "done"
    flash = data(pms(db_url, "report", "flash", "--json"))
    assert flash["adr"] > 0 and flash["currency"] == "EUR"
