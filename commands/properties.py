"""The hotel itself: `pms property show` and the availability grid `pms availability`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from commands import DATE_FORMS, JsonOption, PropertyOption, desk_for
from commands.output import Column, console, day, night_heading, print_json, table_of
from pms.hotel.properties import PropertyView, RoomTypeView, property_view
from pms.inventory.nights import NightCount, RoomTypeAvailability
from pms.inventory.nights import availability as availability_grid
from pms.kernel.dates import parse_date
from pms.kernel.money import format_money

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
    out.print(_room_types_table(view))


def availability(
    ctx: typer.Context,
    start: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="DATE",
            help=f"First night: {DATE_FORMS} (default: the business date).",
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
    first = (
        parse_date(start, hotel.business_date, field="from")
        if start is not None
        else hotel.business_date
    )
    last = (
        parse_date(end, hotel.business_date, field="to")
        if end is not None
        else first + dt.timedelta(days=DEFAULT_NIGHTS)
    )
    grid = desk.read(availability_grid, hotel.code, first, last)
    if json_output:
        print_json(grid)
        return
    out = console()
    last_night = last - dt.timedelta(days=1)
    out.print(
        f"[bold]{hotel.code}[/] rooms left to sell / capacity, {day(first)} – {day(last_night)}"
        " (left = capacity − sold + the type's overbooking allowance, shown +N)"
    )
    nights = [count.night for count in grid[0].nights] if grid else []
    columns: list[Column[RoomTypeAvailability]] = [
        Column("type", _type_label, no_wrap=True),
        *(_night_column(night, index) for index, night in enumerate(nights)),
    ]
    out.print(table_of(grid, columns))


def _room_types_table(view: PropertyView) -> Table:
    def price(room_type: RoomTypeView) -> str:
        return "" if room_type.price is None else format_money(room_type.price, view.currency)

    columns: list[Column[RoomTypeView]] = [
        Column("type", lambda t: t.code),
        Column("name", lambda t: escape(t.name)),
        Column("rooms", lambda t: str(t.rooms)),
        Column("guests", lambda t: f"{t.base_occupancy}–{t.max_occupancy}"),
        Column("overbook", lambda t: f"+{t.overbooking_allowance}"),
        Column("price", price),
        Column("features", lambda t: escape(", ".join(t.features))),
    ]
    return table_of(view.room_types, columns)


def _night_column(night: dt.date, index: int) -> Column[RoomTypeAvailability]:
    def cell(room_type: RoomTypeAvailability) -> Text:
        return _cell(room_type.nights[index])

    return Column(night_heading(night), cell, justify="right", no_wrap=True)


def _type_label(room_type: RoomTypeAvailability) -> str:
    allowance = room_type.nights[0].allowance if room_type.nights else 0
    return f"{room_type.code} +{allowance}" if allowance else room_type.code


def _cell(count: NightCount) -> Text:
    """`available/capacity`, red when nothing is left to sell, yellow when one room is or the
    allowance is in use (marked *)."""
    style = "red" if count.available <= 0 else "yellow" if count.available == 1 else ""
    mark = "*" if count.free < 0 else ""
    return Text(f"{count.available}{mark}/{count.capacity}", style="yellow" if mark else style)
