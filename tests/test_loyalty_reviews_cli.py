"""`pms loyalty …` and `pms review …` as a night auditor and an administrator type them: JSON
for scripts, one line and exit code 1 for a mistake, a whole file or nothing for an import."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session
from test_search_cli import data, one_line_error
from typer.testing import CliRunner, Result

from cli import app
from pms.guests.lookup import GuestInput
from pms.guests.profile_edits import GuestDetails, create_guest
from pms.kernel.desk import Desk
from pms.reservations.booking import BookingRequest, book
from pms.stays.reservation_views import load_reservation

_runner = CliRunner(env={"COLUMNS": "200"})


def pms(db_url: str, *args: str, user: str = "ana") -> Result:
    """Run `pms --db <db_url> --user <user> <args>` as the installed command does."""
    return _runner.invoke(app, ["--db", db_url, "--user", user, *args])


def checked_out(hotel: Desk, name: str) -> str:
    """Arrange: a stay of last week, checked out."""
    request = BookingRequest(arrival=dt.date(2026, 12, 1), nights=1, room_type="DBL",
                             guest=GuestInput(name))  # fmt: skip
    confirmation = hotel.run(book, request).confirmation

    def _left(session: Session) -> None:
        load_reservation(session, confirmation).status = "checked_out"

    hotel.run(_left)
    return confirmation


def test_a_manager_sets_up_the_programme_and_a_clerk_enrols_a_guest(
    hotel: Desk, db_url: str
) -> None:
    setup = ["loyalty", "programme", "set", "HARBOUR", "--name", "Harbour Rewards", "--json"]
    assert "needs the manager role" in one_line_error(pms(db_url, *setup))
    assert data(pms(db_url, *setup, user="maria"))["properties"] == ["TST"]
    tier = ["loyalty", "tier", "set", "HARBOUR", "BLUE", "--name", "Blue", "--rank", "0"]
    assert pms(db_url, *tier, user="maria").exit_code == 0
    guest = hotel.run(create_guest, GuestDetails(name="Ada Lovelace"))
    joined = data(pms(db_url, "loyalty", "enrol", str(guest.id), "--json"))
    assert joined["member_number"] == "HARBOUR00000001"
    shown = data(pms(db_url, "loyalty", "show", "HARBOUR00000001", "--json"))
    assert (shown["tier"], shown["redeemable"], shown["lines"]) == ("BLUE", 0, [])
    again = one_line_error(pms(db_url, "loyalty", "enrol", str(guest.id)))
    assert again.startswith("guest: Lovelace, Ada is a member already")
    assert "tier 'GOLD' is not one of BLUE" in one_line_error(
        pms(db_url, "loyalty", "members", "--tier", "GOLD")
    )
    batch = data(pms(db_url, "loyalty", "expire", "--date", "2026-12-31", "--json", user="sam"))
    assert (batch["business_date"], batch["points_expired"]) == ("2026-12-31", 0)


def test_reviews_from_the_command_line(hotel: Desk, db_url: str, tmp_path: Path) -> None:
    stay, other = checked_out(hotel, "Lucía García"), checked_out(hotel, "Chidi Okafor")
    added = data(pms(db_url, "review", "add", stay, "--overall", "5", "--cleanliness", "4",
                     "--text", "Lovely", "--json"))  # fmt: skip
    assert (added["overall"], added["scores"], added["source"]) == (5, {"cleanliness": 4}, "cli")
    bad = one_line_error(pms(db_url, "review", "add", other, "--overall", "0"))
    assert bad == "overall is a score from 1 to 5, not 0"
    twice = one_line_error(pms(db_url, "review", "add", stay, "--overall", "4"))
    assert twice == f"stay: {stay} was reviewed already (review {added['id']})"
    file = tmp_path / "reviews.csv"
    file.write_text(f"stay,overall\n{other},6\nNOPE-0000,4\n", encoding="utf-8")
    refused = pms(db_url, "review", "import", str(file))
    assert refused.exit_code == 1
    assert refused.stderr.splitlines()[:2] == [
        "reviews.csv: line 2: overall: overall is a score from 1 to 5, not 6",
        "reviews.csv: line 3: stay: TST has no stay 'NOPE-0000'",
    ]
    listed = data(pms(db_url, "review", "list", "--json"))
    assert [r["confirmation"] for r in listed] == [stay]
    report = pms(db_url, "review", "report", "--chart")
    assert report.exit_code == 0, report.output
    assert "overall 5.0 (1)" in report.stdout and "Overall scores" in report.stdout
    assert data(pms(db_url, "review", "report", "--json"))["overall"]["average"] == "5.0"
