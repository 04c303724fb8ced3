"""Every command of `pms`, driven with generated values a careless or hostile user might type:
each ends in success (0), one refused line (1) or a usage error (2); never an "unexpected"
error, never a traceback, and never a message that echoes a huge input back."""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from typing import Any

import pytest
import typer
import typer._click as click
from conftest import BUSINESS_DATE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session
from test_cli import pms

from cli import app
from db.folios import Folio, Posting
from db.models import Guest, Property
from pms.frontdesk.check_in import check_in
from pms.guests.contact import person_name
from pms.guests.lookup import GuestInput
from pms.hotel.amount_cap import check_amount_cap
from pms.kernel.desk import Desk
from pms.kernel.errors import InvalidInput
from pms.kernel.validation import shown
from pms.reservations.booking import BookingRequest, book

#: Commands left out: `demo` builds a 120-room hotel (minutes), `db` changes the schema itself,
#: `restore` replaces the database, `serve` (of `api`) serves until stopped.
SKIPPED = {"demo", "db", "restore", "serve"}


def _leaf_commands() -> Iterator[tuple[list[str], Any]]:
    root = typer.main.get_command(app)

    def walk(group: Any, ctx: Any, path: list[str]) -> Iterator[tuple[list[str], Any]]:
        for name in group.list_commands(ctx):
            if name in SKIPPED:
                continue
            command = group.get_command(ctx, name)
            if hasattr(command, "commands"):
                yield from walk(command, click.Context(command, parent=ctx), [*path, name])
            else:
                yield [*path, name], command

    yield from walk(root, click.Context(root), [])


COMMANDS = sorted(_leaf_commands(), key=lambda entry: entry[0])

#: Values a clerk means, so that commands get past "not found" into their real checks.
MEANT = [
    "101",
    "102",
    "DBL",
    "SUI",
    "BAR",
    "today",
    "+1",
    "+3",
    "fri",
    "2",
    "1",
    "12.50",
    "ana",
    "cash",
    "guest",
    "Lucía García",
    "lucia@example.com",
    "+351912345678",
    "PT",
]
#: Values that broke something once, somewhere.
HOSTILE = ["", " ", "0", "-1", "12.505", "1e309", "NaN", "9" * 400, "1000000000000000000",
           "9999-12-31", "+99999999", "\x1b[2J\x1b[31mred", "Evil\u202eLord", "nan",
           "'; DROP TABLE guests; --", "x" * 100_000, "%s%n", "\x00", "2026-02-30"]  # fmt: skip


def _values(confirmations: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(MEANT + confirmations),
        st.sampled_from(HOSTILE),
        st.integers(min_value=-(10**20), max_value=10**20).map(str),
        st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
        st.text(max_size=30),
    )


def _arguments(data: st.DataObject, command: Any, values: st.SearchStrategy[str]) -> list[str]:
    """One command line for `command`: required parameters always, optional ones sometimes."""
    args: list[str] = []
    for param in command.params:
        is_option = bool(param.opts and param.opts[0].startswith("-"))
        if not param.required and not data.draw(st.booleans()):
            continue
        if is_option and getattr(param, "is_flag", False):
            args.append(param.opts[0])
        elif is_option:
            args += [param.opts[0], data.draw(values)]
        else:
            args.append(data.draw(values))
    return args


def refused_on_file(session: Session) -> list[str]:
    """The guests and postings on file that the desk's own checks would refuse if typed
    again: a name `person_name` refuses, an amount over the property's `amount_cap`."""
    refused: list[str] = []
    for guest in session.scalars(select(Guest).where(Guest.anonymised_at.is_(None))):
        # "last, first" splits back into exactly the parts stored.
        typed = f"{guest.last_name}, {guest.first_name}" if guest.first_name else guest.last_name
        try:
            person_name(typed)
        except InvalidInput as exc:
            refused.append(f"guest #{guest.id} {shown(typed)}: {exc}")
    postings = select(Posting, Property).join(Folio, Posting.folio_id == Folio.id)
    for posting, prop in session.execute(postings.join(Property, Folio.property_id == Property.id)):
        try:
            check_amount_cap(prop, posting.amount)
        except InvalidInput as exc:
            refused.append(f"posting #{posting.id} of {posting.amount}: {exc}")
    return refused


@pytest.fixture
def busy_hotel(hotel: Desk) -> list[str]:
    """The test hotel with a guest in the house and one arriving in two days."""
    in_house = hotel.run(
        book, BookingRequest(arrival=BUSINESS_DATE, nights=2, room_type="DBL",
                             guest=GuestInput("Lucía García", "lucia@example.com"))
    ).confirmation  # fmt: skip
    hotel.run(check_in, in_house, room_number="101")
    coming = hotel.run(
        book, BookingRequest(arrival="+2", nights=1, room_type="TWN", guest=GuestInput("Ana Lima"))
    ).confirmation
    return [in_house, coming]


@pytest.mark.slow
@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_command_fails_in_an_unexpected_way(
    busy_hotel: list[str], db_url: str, data: st.DataObject
) -> None:
    path, command = data.draw(st.sampled_from(COMMANDS), label="command")
    args = [*path, *_arguments(data, command, _values(busy_hotel))]
    result = pms(db_url, "--user", "admin", *args)
    shown = f"pms {' '.join(a[:40] for a in args)!r}: {result.output[-300:]!r}"
    if "unexpected" in result.output:  # run it again to show where it broke
        again = pms(db_url, "--debug", "--user", "admin", *args)
        shown += "\n" + "".join(traceback.format_exception(*again.exc_info))[-3000:]
    assert result.exit_code in (0, 1, 2), shown
    assert "unexpected" not in result.output, shown
    assert "Traceback" not in result.output, shown
    if result.exit_code == 1:
        assert len(result.stderr) < 400, shown
    desk = Desk.open(db_url)
    try:
        assert desk.read(refused_on_file) == [], shown
    finally:
        desk.close()
