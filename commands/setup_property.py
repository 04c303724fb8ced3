"""The properties of the database from the command line: `pms property add|edit|list|settings`
beside `pms property show` (`commands.properties`).

Adding one takes its details as options or a whole hotel from a `hotel.toml` (admins);
changing one takes the details to change and settings as `--set name=value` (managers).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from commands import JsonOption, PropertyOption, desk_for, properties
from commands.output import Column, console, day, details, print_json, print_rows
from pms.hotel.properties import create_property
from pms.hotel.property_details import (
    PropertyChanges,
    PropertyDetails,
    edit_property,
    list_property_details,
    property_details,
)
from pms.hotel.property_settings import setting_descriptions
from pms.kernel.errors import InvalidInput
from pms.setup.hotel_build import build_hotel
from pms.setup.hotel_file import read_hotel_file

app = typer.Typer(
    help="The hotels in this database: details, settings, room types and rooms.",
    no_args_is_help=True,
)
app.add_typer(properties.app)

Text = Annotated[str | None, typer.Option()]
CheckIn = Annotated[str | None, typer.Option(metavar="HH:MM", help="Check-in time, e.g. 15:00.")]
CheckOut = Annotated[str | None, typer.Option(metavar="HH:MM", help="Check-out time, e.g. 11:00.")]
TaxNumber = Annotated[
    str | None, typer.Option(metavar="NUMBER", help="The tax number printed on invoices.")
]


@app.command("add")
def add(
    ctx: typer.Context,
    code: Annotated[
        str | None, typer.Argument(help="Short code of the new hotel, e.g. HRB.")
    ] = None,
    *,
    name: Annotated[str | None, typer.Option(help="The hotel's name.")] = None,
    currency: Annotated[str, typer.Option(help="ISO currency it bills in.")] = "EUR",
    timezone: Annotated[str, typer.Option(help="Its time zone.")] = "Europe/Lisbon",
    city: Annotated[str, typer.Option()] = "",
    address: Annotated[str, typer.Option()] = "",
    check_in: CheckIn = None,
    check_out: CheckOut = None,
    tax_number: TaxNumber = None,
    from_file: Annotated[
        Path | None,
        typer.Option(
            "--from", metavar="FILE", dir_okay=False, help="A whole hotel from a hotel.toml."
        ),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Add a hotel (admins): from its details, or whole from a hotel.toml."""
    desk = desk_for(ctx)
    if from_file is not None:
        if code or name:
            raise typer.BadParameter("--from describes the whole hotel: leave out CODE and --name")
        view = desk.run(build_hotel, read_hotel_file(from_file), from_file.name)
        code = view.code
    elif code and name:
        desk.run(
            create_property, code, name, currency=currency, timezone=timezone, city=city,
            address=address, check_in=check_in or 15, check_out=check_out or 11,
            tax_number=tax_number or "",
        )  # fmt: skip
    else:
        raise InvalidInput("name", "give the new hotel's CODE and --name, or --from hotel.toml")
    _print_details(desk.read(property_details, code), json_output, "Added")


@app.command("edit")
def edit(
    ctx: typer.Context,
    *,
    name: Text = None,
    city: Text = None,
    address: Text = None,
    currency: Annotated[
        str | None, typer.Option(help="Only while nothing is booked there.")
    ] = None,
    timezone: Text = None,
    check_in: CheckIn = None,
    check_out: CheckOut = None,
    tax_number: TaxNumber = None,
    settings: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="NAME=VALUE",
            help="Change a setting, e.g. comp_in_adr=true (see `pms property settings`).",
        ),
    ] = None,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Change a hotel's details or settings (managers)."""
    changes = PropertyChanges(
        name=name, city=city, address=address, currency=currency, timezone=timezone,
        check_in=check_in, check_out=check_out, tax_number=tax_number,
        settings=_settings(settings or []),
    )  # fmt: skip
    desk = desk_for(ctx)
    view = desk.run(edit_property, property_code, changes)
    _print_details(view, json_output, "Changed")


@app.command("list")
def list_(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """Every hotel in the database, with its business date and rooms."""
    columns: list[Column[PropertyDetails]] = [
        Column("code", lambda p: f"[bold]{p.code}[/]"),
        Column("name", lambda p: escape(p.name)),
        Column("city", lambda p: escape(p.city)),
        Column("currency", lambda p: p.currency),
        Column("time zone", lambda p: p.timezone),
        Column("business date", lambda p: day(p.business_date)),
        Column("rooms", lambda p: str(p.rooms), justify="right"),
    ]
    print_rows(
        desk_for(ctx).read(list_property_details),
        columns,
        json_output=json_output,
        empty="No hotel yet: `pms init` sets up the first.",
    )


@app.command("settings")
def settings_(
    ctx: typer.Context, property_code: PropertyOption = None, json_output: JsonOption = False
) -> None:
    """A hotel's settings (what its night audit counts …), each with what it decides."""
    view = desk_for(ctx).read(property_details, property_code)
    if json_output:
        print_json(view.settings)
        return
    described = setting_descriptions()
    console().print(
        details(
            (name, f"[bold]{escape(_shown(value))}[/]  [dim]{escape(described[name])}[/]")
            for name, value in view.settings.items()
        )
    )


def _settings(typed: list[str]) -> dict[str, str]:
    """`--set name=value` options as a dict."""
    found: dict[str, str] = {}
    for item in typed:
        key, equals, value = item.partition("=")
        if not equals or not key.strip():
            raise InvalidInput("settings", f"write a setting as name=value, not {item!r}")
        found[key.strip()] = value.strip()
    return found


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "(none)"
    return str(value)


def _print_details(view: PropertyDetails, json_output: bool, done: str) -> None:
    if json_output:
        print_json(view)
        return
    out = console()
    out.print(f"{done} [bold]{view.code}[/] {escape(view.name)}.")
    out.print(
        details(
            [
                ("address", escape(", ".join(p for p in (view.address, view.city) if p))),
                ("currency", view.currency),
                ("time zone", view.timezone),
                ("check-in", view.check_in),
                ("check-out", view.check_out),
                ("tax number", escape(view.tax_number) or "[dim]none[/]"),
                ("business date", day(view.business_date)),
                ("rooms", f"{view.rooms} in {view.room_types} room types"),
            ]
        )
    )
