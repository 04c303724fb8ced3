"""`pms search QUERY` and `pms search reindex`, run as a person types them (Typer's CliRunner)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from cli import _RootGroup
from commands import GlobalOptions
from commands import guest as guest_commands
from commands import search as search_commands
from pms.guests.profile_edits import GuestDetails, create_guest
from pms.kernel.desk import Desk
from pms.search.service import close_indexes

_runner = CliRunner(env={"COLUMNS": "200"})


def root_app() -> typer.Typer:
    """The root command as cli.py wires it: the global options and the one error handler."""
    root = typer.Typer(cls=_RootGroup)

    @root.callback()
    def _root(
        ctx: typer.Context,
        db: str = typer.Option(None, "--db"),
        user: str = typer.Option(None, "--user"),
    ) -> None:
        ctx.obj = GlobalOptions(db=db, user=user, debug=False)

    root.add_typer(search_commands.app, name="search")
    root.add_typer(guest_commands.app, name="guest")
    return root


def pms(db_url: str, *args: str, user: str = "ana", input: str | None = None) -> Result:
    """Run `pms --db <db_url> --user <user> <args>`."""
    return _runner.invoke(root_app(), ["--db", db_url, "--user", user, *args], input=input)


def data(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def one_line_error(result: Result) -> str:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0].removeprefix("error: ")


@pytest.fixture(autouse=True)
def _close_indexes() -> Iterator[None]:
    yield
    close_indexes()


def test_search_prints_the_best_hits_and_follows_other_desks(hotel: Desk, db_url: str) -> None:
    hotel.run(create_guest, GuestDetails(name="Lucía García", email="lucia@example.com"))
    found = data(pms(db_url, "search", "garc", "--json"))
    assert [(h["kind"], h["title"], h["ref"]) for h in found] == [
        ("guest", "García, Lucía", f"#{found[0]['id']}")
    ]

    hotel.run(create_guest, GuestDetails(name="Maria Garcés", vip_level=2))  # another desk
    table = pms(db_url, "search", "garc")
    assert table.exit_code == 0, table.output
    assert "Garcés, Maria VIP 2" in table.stdout and "García, Lucía" in table.stdout

    rooms = data(pms(db_url, "search", "--type", "room", "10", "--json"))
    assert [h["ref"] for h in rooms] == ["101", "102", "103"]
    assert pms(db_url, "search", "zzzz").stdout.strip() == "Nothing matches."


def test_a_first_search_builds_the_index_with_a_progress_bar_on_stderr(
    hotel: Desk, db_url: str
) -> None:
    for number in range(2):
        hotel.run(create_guest, GuestDetails(name=f"Guest{number} Builder"))
    result = pms(db_url, "search", "builder", "--json")
    assert len(data(result)) == 2
    assert "Building the search index" in result.stderr


def test_reindex_rebuilds_and_reports(hotel: Desk, db_url: str) -> None:
    hotel.run(create_guest, GuestDetails(name="Lucía García"))
    report = data(pms(db_url, "search", "reindex", "--json"))
    assert (report["guests"], report["rooms"], report["reservations"]) == (1, 6, 0)
    assert report["path"].endswith("index")
    line = pms(db_url, "search", "reindex")
    assert line.exit_code == 0 and line.stdout.startswith("Indexed 1 guests, 6 rooms and 0")


def test_bad_search_options_are_one_line_errors(hotel: Desk, db_url: str) -> None:
    assert one_line_error(pms(db_url, "search", "garc", "--limit", "0")) == (
        "the limit must be between 1 and 200"
    )
    assert pms(db_url, "search", "garc", "--type", "person").exit_code == 2
    assert pms(db_url, "search").exit_code == 2  # no query: the help, as a usage error
