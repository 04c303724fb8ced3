"""Room types from the command line: `pms room-type add|edit|list|retire CODE` beside `pms
room-type extras` (`commands.revenue`). Managers change them; prices are typed in the
property's currency (`119`, `119.50`) and kept in minor units.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape

from commands import JsonOption, PropertyOption, desk_for, revenue
from commands.output import Column, console, day, plain, print_json, table_of
from commands.rate_input import hotel_of
from pms.hotel.properties import RoomTypeView
from pms.kernel.money import format_money, to_minor
from pms.setup.room_types import (
    RoomTypeChanges,
    RoomTypeInput,
    create_room_type,
    edit_room_type,
    list_room_types,
    retire_room_type,
)

app = typer.Typer(
    help="Room types: guests, features, overbooking, base price and extra persons.",
    no_args_is_help=True,
)
app.add_typer(revenue.room_type_app)

TypeCode = Annotated[str, typer.Argument(metavar="CODE", help="Room type code, e.g. DBL.")]
Features = Annotated[
    list[str] | None,
    typer.Option("--feature", metavar="FEATURE", help="A feature of the vocabulary; repeat it."),
]
Money = Annotated[str | None, typer.Option(metavar="AMOUNT")]


@app.command("add")
def add(
    ctx: typer.Context,
    code: TypeCode,
    *,
    name: Annotated[str, typer.Option(help="Its name, e.g. 'Double'.")] = "",
    max_occupancy: Annotated[int, typer.Option(help="The most guests it holds.")],
    base_occupancy: Annotated[
        int | None, typer.Option(help="Guests the price includes (default 2, 1 for a single).")
    ] = None,
    price: Annotated[str, typer.Option(metavar="AMOUNT", help="A night on the base plan.")],
    feature: Features = None,
    allowance: Annotated[
        int, typer.Option(help="Overbooking allowance: rooms it may sell beyond its own.")
    ] = 0,
    extra_adult: Money = None,
    extra_child: Money = None,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Add a room type with its base price (managers); rooms are added with `pms room add`."""
    desk = desk_for(ctx)
    hotel = hotel_of(desk, property_code)
    kind = RoomTypeInput(
        code=code,
        name=name,
        max_occupancy=max_occupancy,
        base_occupancy=base_occupancy,
        price=to_minor(price, hotel.currency, field="price"),
        features=tuple(feature or ()),
        overbooking_allowance=allowance,
        extra_adult=_minor(extra_adult, hotel.currency, "extra_adult") or 0,
        extra_child=_minor(extra_child, hotel.currency, "extra_child") or 0,
    )
    view = desk.run(create_room_type, hotel.code, kind)
    _print_types([view], hotel.currency, json_output, f"Added room type [bold]{view.code}[/].")


@app.command("edit")
def edit(
    ctx: typer.Context,
    code: TypeCode,
    *,
    name: Annotated[str | None, typer.Option()] = None,
    max_occupancy: Annotated[int | None, typer.Option()] = None,
    base_occupancy: Annotated[int | None, typer.Option()] = None,
    price: Money = None,
    feature: Features = None,
    no_features: Annotated[
        bool, typer.Option("--no-features", help="Take every feature off.")
    ] = False,
    allowance: Annotated[
        int | None, typer.Option(help="Refused below what is already sold on a night.")
    ] = None,
    extra_adult: Money = None,
    extra_child: Money = None,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Change a room type (managers); new prices reach new quotes, stays keep theirs."""
    if feature and no_features:
        raise typer.BadParameter("give --feature or --no-features, not both")
    desk = desk_for(ctx)
    hotel = hotel_of(desk, property_code)
    changes = RoomTypeChanges(
        name=name,
        max_occupancy=max_occupancy,
        base_occupancy=base_occupancy,
        features=() if no_features else tuple(feature) if feature else None,
        overbooking_allowance=allowance,
        price=_minor(price, hotel.currency, "price"),
        extra_adult=_minor(extra_adult, hotel.currency, "extra_adult"),
        extra_child=_minor(extra_child, hotel.currency, "extra_child"),
    )
    view = desk.run(edit_room_type, hotel.code, code, changes)
    _print_types([view], hotel.currency, json_output, f"Changed room type [bold]{view.code}[/].")


@app.command("list")
def list_(
    ctx: typer.Context,
    retired: Annotated[bool, typer.Option("--all", help="Retired room types too.")] = False,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """The room types with their rooms, guests, overbooking, prices and features."""
    desk = desk_for(ctx)
    hotel = hotel_of(desk, property_code)
    views = desk.read(list_room_types, hotel.code, retired=retired)
    if not views and not json_output:
        console().print("No room types yet: add one with `pms room-type add`.")
        return
    _print_types(views, hotel.currency, json_output)


@app.command("retire")
def retire(
    ctx: typer.Context,
    code: TypeCode,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Stop selling a room type, and retire its rooms (managers): refused while anything is
    sold on it from the business date on. Its stays stay on record."""
    desk = desk_for(ctx)
    hotel = hotel_of(desk, property_code)
    view = desk.run(retire_room_type, hotel.code, code)
    since = day(view.retired_on or hotel.business_date)
    headline = f"Retired room type [bold]{view.code}[/] and its rooms from {since}."
    _print_types([view], hotel.currency, json_output, headline)


def _minor(amount: str | None, currency: str, field: str) -> int | None:
    return None if amount is None else to_minor(amount, currency, field=field)


def _print_types(
    views: list[RoomTypeView], currency: str, json_output: bool, headline: str = ""
) -> None:
    """Room types for people, or for scripts with the currency their prices are in."""
    if json_output:
        rows: list[dict[str, Any]] = [{**plain(v), "currency": currency} for v in views]
        print_json(rows[0] if headline else rows)
        return

    def money(amount: int | None) -> str:
        return "" if amount is None else format_money(amount, currency)

    def extras(kind: RoomTypeView) -> str:
        if not kind.extra_adult and not kind.extra_child:
            return ""
        return f"{money(kind.extra_adult)} / {money(kind.extra_child)}"

    columns: list[Column[RoomTypeView]] = [
        Column("type", lambda t: f"[bold]{t.code}[/]"),
        Column("name", lambda t: escape(t.name)),
        Column("rooms", lambda t: str(t.rooms), justify="right"),
        Column("guests", lambda t: f"{t.base_occupancy}–{t.max_occupancy}", no_wrap=True),
        Column("over", lambda t: f"+{t.overbooking_allowance}"),
        Column("price", lambda t: money(t.price), justify="right", no_wrap=True),
        Column("extra adult / child", extras),
        Column("features", lambda t: escape(", ".join(t.features))),
    ]
    if any(view.retired_on for view in views):
        columns.append(Column("retired", lambda t: day(t.retired_on) if t.retired_on else ""))
    out = console()
    if headline:
        out.print(headline)
    out.print(table_of(views, columns))
