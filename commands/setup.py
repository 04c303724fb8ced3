"""Making a database ready: `pms init` (a first hotel, from options, a hotel file or questions
at a terminal), `pms demo` (a hotel full of stays) and `pms db upgrade|current` (the schema).

These commands open the desk without the readiness check, as the system: the database may not
be migrated yet and no user may exist.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from commands import JsonOption, desk_for, open_for, prompts
from commands.output import console, day, plain, print_json
from commands.setup_walkthrough import ask_admin, walk_through
from pms.demo import DEMO_CODE, DEMO_PASSWORD, make_demo
from pms.hotel.properties import property_view
from pms.hotel.users import list_users
from pms.kernel.desk import Desk, safe_url
from pms.kernel.errors import InvalidInput
from pms.setup.first_run import HotelReady, set_up_hotel
from pms.setup.hotel_file import HotelFile, InvalidHotelFile, hotel_from, read_hotel_file

db_app = typer.Typer(help="The database schema (Alembic migrations).", no_args_is_help=True)

# What `init` is told; at a terminal, what is left out is asked for (`commands.setup_walkthrough`).
Code = Annotated[
    str | None, typer.Option(help="Short code of the hotel, e.g. SEA (with --name: no questions).")
]
Name = Annotated[str | None, typer.Option(help="The hotel's name, e.g. 'Seaside Hotel'.")]
Currency = Annotated[str, typer.Option(help="ISO code of the currency the hotel bills in.")]
TimeZone = Annotated[str, typer.Option(help="The hotel's time zone, e.g. Europe/Lisbon.")]
City = Annotated[str, typer.Option(help="The hotel's city.")]
FromFile = Annotated[
    Path | None,
    typer.Option(
        "--from",
        metavar="FILE",
        dir_okay=False,
        help="Build the whole hotel a hotel.toml describes (see examples/hotel.toml).",
    ),
]
Admin = Annotated[str, typer.Option(help="Username of the first administrator.")]
Password = Annotated[
    str | None,
    typer.Option(
        help="The administrator's password; left out, one is made up and shown once "
        "(asked for, hidden, at a terminal).",
    ),
]

# The size and seed of `demo`'s made-up hotel.
Rooms = Annotated[
    int | None,
    typer.Option(
        min=10, max=2000, help="Rooms in the demo hotel (default: demo.rooms in the config)."
    ),
]
Seed = Annotated[
    int | None,
    typer.Option(help="Seed of the made-up data (default: demo.seed in the config)."),
]
HistoryDays = Annotated[
    int | None,
    typer.Option(
        "--history-days", min=1, max=366,
        help="Past days lived through, each closed by the night audit (default: "
        "demo.history_days in the config).",
    ),
]  # fmt: skip
IfEmpty = Annotated[
    bool,
    typer.Option("--if-empty", help="Do nothing, successfully, when a hotel already exists."),
]


def init(
    ctx: typer.Context,
    *,
    code: Code = None,
    name: Name = None,
    currency: Currency = "EUR",
    timezone: TimeZone = "Europe/Lisbon",
    city: City = "",
    from_file: FromFile = None,
    admin: Admin = "admin",
    password: Password = None,
    json_output: JsonOption = False,
) -> None:
    """Set up an empty database: migrate it, build the first hotel and its administrator.

    With --code and --name (or --from FILE) it asks nothing, so a script can run it; at a
    terminal without them it walks you through the hotel, its room types and rooms.
    """
    asking = from_file is None and not (code and name)
    if from_file is not None and (code or name):
        raise typer.BadParameter("--from describes the whole hotel: leave out --code and --name")
    if asking and not prompts.stdin_is_terminal():
        raise InvalidInput(
            "code", "give --code and --name (or --from hotel.toml), or run it in a terminal"
        )
    desk = desk_for(ctx, ready=False)
    desk.upgrade()
    if not desk.is_empty():  # before any question: the answers would be for nothing
        raise InvalidInput(
            "database", "this database is already set up; add properties as an admin"
        )
    if from_file is not None:
        hotel, source = read_hotel_file(from_file), from_file.name
    elif asking:
        answers = walk_through(console(), admin=admin, currency=currency, timezone=timezone)
        hotel, source = hotel_from(answers.hotel, "the answers"), "the answers"
        admin, password = answers.admin, answers.password
    else:
        hotel, source = _hotel_of_options(code, name, currency, timezone, city), "the options"
    ready = _set_up(desk, hotel, source, admin, password, asking=asking)
    _keep_admin_session(desk, ready.admin)
    if json_output:
        print_json({**plain(ready.hotel), "admin": ready.admin, "password": ready.password})
        return
    out = console()
    view = ready.hotel
    out.print(
        f"[bold]{view.code}[/] {escape(view.name)} is set up: {view.rooms} rooms, "
        f"business date {day(view.business_date)}. Sign in as [bold]{escape(ready.admin)}[/] "
        "(already signed in on this machine)."
    )
    if ready.password:
        out.print(
            f"Password of {escape(ready.admin)}: [bold]{escape(ready.password)}[/] "
            "— shown this once; keep it safe."
        )
    if not view.rooms:
        out.print("Add room types and rooms with `pms room-type add` and `pms room add`.")


def _keep_admin_session(desk: Desk, admin: str) -> None:
    from pms.startup import keep_session

    keep_session(desk, admin)


def _hotel_of_options(code: str | None, name: str | None, currency: str, timezone: str,
                      city: str) -> HotelFile:  # fmt: skip
    """The hotel the options describe; a wrong one is named by its option."""
    data = {"code": code, "name": name, "currency": currency, "timezone": timezone, "city": city}
    try:
        return hotel_from({"property": data}, "the options")
    except InvalidHotelFile as error:
        problem = error.problems[0]
        raise InvalidInput(problem.path.rsplit(".", 1)[-1], problem.message) from None


def _set_up(
    desk: Desk, hotel: HotelFile, source: str, admin: str, password: str | None, *, asking: bool
) -> HotelReady:
    """Build the hotel; at a terminal, the administrator's name or password the users service
    refuses is asked again (the hotel's answers are kept)."""
    while True:
        try:
            return desk.run(
                set_up_hotel, hotel, admin_username=admin, admin_password=password, source=source
            )
        except InvalidInput as error:
            if not asking or error.field not in ("username", "password"):
                raise
            console().print(f"[red]{escape(str(error))}[/]")
            admin, password = ask_admin(default=admin)


def demo(
    ctx: typer.Context,
    rooms: Rooms = None,
    seed: Seed = None,
    if_empty: IfEmpty = False,
    history_days: HistoryDays = None,
) -> None:
    """Make a realistic demo hotel: room types, floors, guests, and stays in every state."""
    desk, settings = open_for(ctx, ready=False)
    desk.upgrade()
    if not desk.is_empty():
        if if_empty:
            console().print("The database already holds a hotel; no demo made.")
            return
        raise InvalidInput(
            "database",
            f"the database at {safe_url(desk.engine)} already holds a hotel; "
            "`pms demo` needs an empty one (or add --if-empty)",
        )
    with _demo_progress() as booked:
        reservations = make_demo(
            desk,
            rooms=settings.demo.rooms if rooms is None else rooms,
            seed=settings.demo.seed if seed is None else seed,
            history_days=settings.demo.history_days if history_days is None else history_days,
            progress=booked,
        )
    _keep_admin_session(desk, "admin")
    hotel = desk.read(property_view, DEMO_CODE)
    users = ", ".join(f"[bold]{u.username}[/] ({u.role})" for u in desk.read(list_users))
    console().print(
        f"[bold]{hotel.code}[/] {hotel.name} is ready: {hotel.rooms} rooms, "
        f"{reservations} reservations, business date {day(hotel.business_date)}.\n"
        f"Sign in as {users} — password [bold]{DEMO_PASSWORD}[/]."
    )


@contextmanager
def _demo_progress() -> Iterator[Callable[[int, int], None]]:
    """A bar for the demo's stays as they are booked, after a spinner while rooms and guests
    are made. It goes to stderr so that stdout carries only the result."""
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task("rooms and guests", total=None)

        def booked(done: int, total: int) -> None:
            progress.update(task, description="stays", completed=done, total=total)

        yield booked


@db_app.command("upgrade")
def upgrade(ctx: typer.Context) -> None:
    """Bring the database's schema to the newest revision (creating it if it is empty)."""
    desk = desk_for(ctx, ready=False)
    desk.upgrade()
    console().print(f"The database at {escape(safe_url(desk.engine))} is up to date.")


@db_app.command("current")
def current(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """Show the revision the database is at and the newest one this code knows."""
    desk = desk_for(ctx, ready=False)
    revision, head = desk.revisions()
    if json_output:
        print_json({"url": safe_url(desk.engine), "revision": revision, "head": head})
        return
    if revision == head:
        state = "[green]up to date[/]"
    else:
        state = "[yellow]behind[/] — run `pms db upgrade`"
    console().print(
        f"database  {escape(safe_url(desk.engine))}\n"
        f"revision  {revision or 'none (never migrated)'}\n"
        f"head      {head}  {state}"
    )
