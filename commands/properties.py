"""The hotel itself: `pms property show` and the availability grid `pms availability`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from commands import JsonOption, PropertyOption, console, day, desk_for, print_json
from pms.dates import parse_date
from pms.inventory import NightCount
from pms.inventory import availability as availability_grid
from pms.money import format_money
from pms.properties import property_view

#: Nights the availability grid shows when no --to is given: two weeks, as the desk plans.
DEFAULT_NIGHTS = 14

app = typer.Typer(help="The hotel: its details, room types and rooms.", no_args_is_help=True)


@app.command("show")
def show(
    ctx: typer.Context, property_code: PropertyOption = None, json_output: JsonOption = False
) -> None:
    """Show the property, its business date and its room types with their base prices."""
    view = desk_for(ctx).read(property_view, property_code)
    if json_output:
        print_json(view)
        return
    out = console()
    place = f", {escape(view.city)}" if view.city else ""
    out.print(f"[bold]{view.code}[/] {escape(view.name)}{place}")
    out.print(
        f"business date {day(view.business_date)} · {view.currency} · {view.timezone} · "
        f"{view.rooms} rooms"
    )
    table = Table("type", "name", "rooms", "guests", "overbook", "price", "features")
    for room_type in view.room_types:
        price = "" if room_type.price is None else format_money(room_type.price, view.currency)
        table.add_row(
            room_type.code,
            escape(room_type.name),
            str(room_type.rooms),
            f"{room_type.base_occupancy}–{room_type.max_occupancy}",
            f"+{room_type.overbooking_allowance}",
            price,
            escape(", ".join(room_type.features)),
        )
    out.print(table)


def availability(
    ctx: typer.Context,
    start: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="DATE",
            help="First night: 2026-12-04, 4.12, +3 or fri (default: the business date).",
        ),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(
            "--to",
            metavar="DATE",
            help=f"Day after the last night, like a departure (default: {DEFAULT_NIGHTS} nights).",
        ),
    ] = None,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Rooms left to sell per room type and night: available / rooms to sell."""
    desk = desk_for(ctx)
    hotel = desk.read(property_view, property_code)
    first = parse_date(start, hotel.business_date, field="from") if start else hotel.business_date
    last = (
        parse_date(end, hotel.business_date, field="to")
        if end
        else first + dt.timedelta(days=DEFAULT_NIGHTS)
    )
    grid = desk.read(availability_grid, hotel.code, first, last)
    if json_output:
        print_json(grid)
        return
    out = console()
    last_night = last - dt.timedelta(days=1)
    out.print(f"[bold]{hotel.code}[/] rooms left / rooms to sell, {day(first)} – {day(last_night)}")
    table = Table()
    table.add_column("type", no_wrap=True)
    for count in grid[0].nights if grid else []:
        table.add_column(f"{count.night:%a}\n{count.night:%d.%m}", justify="right", no_wrap=True)
    for room_type in grid:
        table.add_row(room_type.code, *(_cell(count) for count in room_type.nights))
    out.print(table)


def _cell(count: NightCount) -> Text:
    """`available/capacity`, red when nothing is left to sell, yellow when one room is."""
    style = "red" if count.available <= 0 else "yellow" if count.available == 1 else ""
    return Text(f"{count.available}/{count.capacity}", style=style)
