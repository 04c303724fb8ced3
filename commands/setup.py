"""Making a database ready: `pms init` (a first hotel), `pms demo` (a hotel full of stays) and
`pms db upgrade|current` (the schema).

These commands open the desk without the readiness check, as the system: the database may not
be migrated yet and no user may exist.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
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

from commands import JsonOption, desk_for, open_for
from commands.output import console, day, print_json
from pms.demo import DEMO_CODE, DEMO_PASSWORD, build_demo
from pms.hotel.properties import property_view
from pms.hotel.users import list_users
from pms.kernel.desk import safe_url
from pms.kernel.errors import InvalidInput
from pms.setup import initialise

db_app = typer.Typer(help="The database schema (Alembic migrations).", no_args_is_help=True)

# What `init` asks for when it is not given.
Code = Annotated[
    str, typer.Option(prompt="Property code", help="Short code of the hotel, e.g. SEA.")
]
Name = Annotated[
    str, typer.Option(prompt="Property name", help="The hotel's name, e.g. 'Seaside Hotel'.")
]
Currency = Annotated[
    str, typer.Option(prompt=True, help="ISO code of the currency the hotel bills in.")
]
TimeZone = Annotated[
    str, typer.Option(prompt="Time zone", help="The hotel's time zone, e.g. Europe/Lisbon.")
]
City = Annotated[str, typer.Option(prompt=True, help="The hotel's city.")]
Admin = Annotated[
    str, typer.Option(prompt="Admin user", help="Username of the first administrator.")
]
Password = Annotated[
    str,
    typer.Option(
        prompt="Admin password",
        hide_input=True,
        confirmation_prompt=True,
        help="The administrator's password (asked for, hidden, when left out).",
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
IfEmpty = Annotated[
    bool,
    typer.Option("--if-empty", help="Do nothing, successfully, when a hotel already exists."),
]


def init(
    ctx: typer.Context,
    *,  # keyword-only, so the prompts come in a sensible order with the password last
    code: Code,
    name: Name,
    currency: Currency = "EUR",
    timezone: TimeZone = "Europe/Lisbon",
    city: City = "",
    admin: Admin = "admin",
    password: Password,
    json_output: JsonOption = False,
) -> None:
    """Set up an empty database: migrate it, add the first property and its administrator.

    Asks for every value not given as an option (enter keeps the default shown).
    """
    desk = desk_for(ctx, ready=False)
    desk.upgrade()
    view = desk.run(
        initialise,
        code=code,
        name=name,
        currency=currency,
        timezone=timezone,
        city=city,
        admin_username=admin,
        admin_password=password,
    )
    if json_output:
        print_json(view)
        return
    console().print(
        f"[bold]{view.code}[/] {escape(view.name)} is set up "
        f"(business date {day(view.business_date)}). "
        f"Sign in as [bold]{escape(admin.strip().lower())}[/]."
    )


def demo(
    ctx: typer.Context,
    rooms: Rooms = None,
    seed: Seed = None,
    if_empty: IfEmpty = False,
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
        reservations = desk.run(
            build_demo,
            rooms=settings.demo.rooms if rooms is None else rooms,
            seed=settings.demo.seed if seed is None else seed,
            progress=booked,
        )
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
