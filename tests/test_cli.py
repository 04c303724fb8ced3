"""An administrator sets up the hotel from the command line, and a night auditor looks around.

Every command runs through Typer's CliRunner against a real database (SQLite and PostgreSQL,
see conftest); failures must read as one line on stderr, never as a traceback.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import PASSWORD
from typer.testing import CliRunner, Result

from cli import app
from pms.hotel.properties import list_properties, property_view
from pms.hotel.users import list_users
from pms.kernel.desk import Desk
from pms.kernel.errors import DatabaseUnavailable
from pms.stays.reservation_lists import list_reservations

UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/nope"

# Wide enough that no table wraps a confirmation number or a price in two.
_runner = CliRunner(env={"COLUMNS": "200"})


def pms(db_url: str, *args: str, input: str | None = None) -> Result:
    """Run `pms --db <db_url> <args>` as a person would type it."""
    return _runner.invoke(app, ["--db", db_url, *args], input=input)


def data(result: Result) -> Any:
    """The JSON a --json command printed, after checking that it succeeded."""
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def one_line_error(result: Result) -> str:
    """The error line of a failed command: exit 1, one line on stderr, nothing else."""
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0].removeprefix("error: ")


def test_init_sets_up_an_empty_database_from_options(db_url: str, desk: Desk) -> None:
    result = pms(
        db_url,
        "init",
        "--code", "HBR",
        "--name", "Harbour Inn",
        "--currency", "gbp",
        "--timezone", "Europe/London",
        "--city", "Bristol",
        "--admin", "Boss",
        "--password", "s3cret",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "HBR Harbour Inn is set up" in result.stdout and "Sign in as boss" in result.stdout
    hotel = desk.read(property_view)
    assert (hotel.code, hotel.name, hotel.currency, hotel.city) == (
        "HBR", "Harbour Inn", "GBP", "Bristol",
    )  # fmt: skip
    assert [(u.username, u.role) for u in desk.read(list_users)] == [("boss", "admin")]


def test_init_refuses_a_database_that_already_has_a_hotel(hotel: Desk, db_url: str) -> None:
    result = pms(db_url, "init", "--code", "NEW", "--name", "New", "--currency", "EUR",
                 "--timezone", "UTC", "--city", "", "--admin", "root",
                 "--password", "s3cret")  # fmt: skip
    assert "already set up" in one_line_error(result)
    assert [p.code for p in hotel.read(list_properties)] == ["TST"]


def test_demo_builds_a_hotel_once_and_says_how_to_sign_in(db_url: str, desk: Desk) -> None:
    result = pms(db_url, "demo", "--rooms", "10", "--seed", "3", "--history-days", "7")

    assert result.exit_code == 0, result.output
    assert "10 rooms" in result.stdout
    for user in ("admin", "ana", "sam", "maria"):
        assert user in result.stdout
    assert "password demo" in result.stdout
    stays = len(desk.read(list_reservations, limit=100_000))
    assert stays > 50

    again = pms(db_url, "demo", "--if-empty")
    assert again.exit_code == 0 and "no demo made" in again.stdout
    assert "already holds a hotel" in one_line_error(pms(db_url, "demo", "--rooms", "10"))
    assert len(desk.read(list_reservations, limit=100_000)) == stays


def test_db_upgrade_brings_a_new_file_to_the_head_revision(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    before = data(pms(url, "db", "current", "--json"))
    assert before["revision"] is None and before["head"]

    result = pms(url, "db", "upgrade")

    assert result.exit_code == 0 and "up to date" in result.stdout
    after = data(pms(url, "db", "current", "--json"))
    assert after["revision"] == after["head"] == before["head"]
    assert "up to date" in pms(url, "db", "current").stdout


def test_db_current_on_a_migrated_database(db_url: str) -> None:
    current = data(pms(db_url, "db", "current", "--json"))
    assert current["revision"] == current["head"]


def test_property_show_for_people_and_for_scripts(hotel: Desk, db_url: str) -> None:
    shown = pms(db_url, "property", "show")
    assert shown.exit_code == 0, shown.output
    assert "TST Test Harbour Hotel, Porto" in shown.stdout
    assert "business date Tue 2026-12-01" in shown.stdout
    assert "€100.00" in shown.stdout and "€250.00" in shown.stdout

    view = data(pms(db_url, "property", "show", "--property", "tst", "--json"))
    assert view["business_date"] == "2026-12-01" and view["currency"] == "EUR"
    assert view["rooms"] == 6
    assert {rt["code"]: rt["price"] for rt in view["room_types"]} == {
        "DBL": 10000, "TWN": 9000, "SUI": 25000,
    }  # fmt: skip


def test_availability_shows_two_weeks_from_the_business_date(hotel: Desk, db_url: str) -> None:
    pms(db_url, "reservation", "create", "--arrival", "3.12", "--nights", "2",
        "--room-type", "DBL", "--guest", "Lucía García")  # fmt: skip

    grid = data(pms(db_url, "availability", "--json"))
    double = next(rt for rt in grid if rt["code"] == "DBL")
    assert [n["night"] for n in double["nights"]][::13] == ["2026-12-01", "2026-12-14"]
    # What still sells: 3 rooms and the overbooking allowance of 1, less what is sold.
    assert [n["available"] for n in double["nights"][:5]] == [4, 4, 3, 3, 4]
    assert [(n["capacity"], n["sold"], n["allowance"]) for n in double["nights"][2:3]] == [
        (3, 1, 1)
    ]

    shown = pms(db_url, "availability", "--from", "+2", "--to", "fri")
    assert shown.exit_code == 0, shown.output
    assert "Thu 2026-12-03 – Thu 2026-12-03" in shown.stdout
    assert "3/3" in shown.stdout and "1/1" in shown.stdout  # DBL one sold; the suite free
    assert "DBL +1" in shown.stdout


def test_an_admin_adds_a_clerk_whose_password_is_asked_twice(hotel: Desk, db_url: str) -> None:
    result = pms(db_url, "user", "add", "lucas", "--role", "clerk", "--full-name", "Lucas Moreau",
                 input="pass1234\npass1234\n")  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "Added lucas (clerk)" in result.stdout
    assert "pass1234" not in result.stdout
    users = {u["username"]: u for u in data(pms(db_url, "user", "list", "--json"))}
    assert users["lucas"]["role"] == "clerk" and users["lucas"]["full_name"] == "Lucas Moreau"


def test_a_clerk_cannot_add_users(hotel: Desk, db_url: str) -> None:
    result = pms(db_url, "--user", "ana", "user", "add", "eve", "--role", "admin",
                 "--password", PASSWORD)  # fmt: skip
    assert "adding a user needs" in one_line_error(result)
    assert "eve" not in [u.username for u in hotel.read(list_users)]


def test_an_unknown_property_is_named(hotel: Desk, db_url: str) -> None:
    assert one_line_error(pms(db_url, "property", "show", "-p", "XYZ")) == (
        "there is no property 'XYZ'"
    )


def test_a_database_that_cannot_be_reached_is_one_line() -> None:
    message = one_line_error(pms(UNREACHABLE, "property", "show"))
    assert message.startswith(f"cannot use the database at {UNREACHABLE}")


def test_a_database_url_that_is_not_one_is_one_line() -> None:
    assert "URL" in one_line_error(pms("not-a-url", "property", "show"))


def test_a_database_never_migrated_says_to_upgrade(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    message = one_line_error(pms(url, "availability"))
    assert "is not migrated" in message and message.endswith("run `pms db upgrade`")


def test_an_unexpected_failure_is_still_one_line(
    hotel: Desk, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def lost_connection(*_: object) -> None:
        raise OSError("server closed the connection unexpectedly\nThis probably means...")

    monkeypatch.setattr("commands.properties.property_view", lost_connection)
    assert one_line_error(pms(db_url, "property", "show")) == (
        "unexpected OSError: server closed the connection unexpectedly "
        "(run with --debug to see where)"
    )


def test_usage_errors_keep_typers_exit_code_2(hotel: Desk, db_url: str) -> None:
    result = pms(db_url, "reservation", "create", "--room-type", "DBL", "--guest", "A B")
    assert result.exit_code == 2 and "--arrival" in result.stderr


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    raised = _runner.invoke(app, ["--debug", "--db", url, "property", "show"])
    assert isinstance(raised.exception, DatabaseUnavailable)

    run = subprocess.run(
        [sys.executable, "-c", "from cli import main; main()", "--debug", "--db", url,
         "property", "show"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert run.returncode == 1
    assert "Traceback" in run.stderr and "DatabaseUnavailable" in run.stderr


def test_a_read_command_loads_only_what_it_reads_with(hotel: Desk, db_url: str) -> None:
    """A night auditor's script runs commands by the hundred: a quote, the availability and a
    stay shown parse their options and read the configuration and the property's settings
    without pydantic, sign in by the session without argon2, and load neither the front desk
    (Textual) nor card payments, search or migrations."""
    booking = ["reservation", "create", "--arrival", "3.12", "--nights", "2", "-t", "DBL",
               "--guest", "Lucía García", "--json"]  # fmt: skip
    booked = data(pms(db_url, "--user", "ana", *booking))
    script = (
        "import sys\nfrom cli import main\nsys.argv[0] = 'pms'\n"
        "try:\n    main()\nexcept SystemExit as done:\n    assert not done.code, done.code\n"
        "heavy = ('pydantic', 'argon2', 'textual', 'stripe', 'whoosh', 'alembic')\n"
        "print('loaded:', *[name for name in heavy if name in sys.modules])\n"
    )
    for command in (
        ["quote", "--arrival", "+10", "--nights", "3", "--adults", "2"],
        ["availability", "--from", "today", "--to", "+14"],
        ["reservation", "show", booked["confirmation"]],
    ):
        run = subprocess.run(
            [sys.executable, "-c", script, "--db", db_url, *command],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert run.returncode == 0, run.stderr
        assert run.stdout.splitlines()[-1] == "loaded:", command


def test_a_command_piped_into_a_reader_that_stops_early_ends_quietly(
    hotel: Desk, db_url: str
) -> None:
    """`pms export postings | head -1`: when the reader has what it wants and goes, the command
    stops without an error line, with the status of a command the closed pipe ended."""
    run = subprocess.Popen(
        [sys.executable, "-c", "from cli import main; main()", "--db", db_url,
         "availability", "--from", "today", "--to", "+14", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert run.stdout is not None and run.stderr is not None
    run.stdout.close()  # the reader is gone before the first line
    assert run.wait(timeout=60) == 141
    assert run.stderr.read() == ""
