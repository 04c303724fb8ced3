"""The rate sheet from the command line: `pms rates set|restrict|show` (rate plans are in
`commands.rateplan`, taxes and dynamic pricing in `commands.revenue`).

Money is typed as the desk says it (`129.50`) and read in the property's currency; percentages
as percent (`-10`, `12.5`) and handed to the services in basis points, through Decimal so that
no float ever rounds a price. Date ranges are read against the property's business date and
include both ends: `--from 1.12 --to 31.12` is all of December.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from commands import JsonOption, PropertyOption, console, day, desk_for, print_json
from pms.dates import parse_date
from pms.desk import Desk
from pms.errors import InvalidInput
from pms.money import format_money, from_minor, to_minor
from pms.properties import BASE_PLAN, PropertyView, property_view
from pms.rates import (
    WEEKDAYS,
    RateCell,
    RateRow,
    RestrictionChange,
    rate_calendar,
    restrict,
    set_rates,
)

#: Nights `rates show` shows when no --to is given: two weeks, as the desk plans.
DEFAULT_NIGHTS = 14

app = typer.Typer(help="The rate sheet: prices and restrictions per night.", no_args_is_help=True)

_DATE_FORMS = "2026-12-04, 4.12, +3 or fri"

First = Annotated[str, typer.Option("--from", metavar="DATE", help=f"First night: {_DATE_FORMS}.")]
Last = Annotated[
    str, typer.Option("--to", metavar="DATE", help=f"Last night, included: {_DATE_FORMS}.")
]
PlanCode = Annotated[str, typer.Option("--plan", metavar="PLAN", help="Rate plan code, e.g. BAR.")]
RoomTypeCode = Annotated[
    str, typer.Option("--room-type", "-t", metavar="TYPE", help="Room type code, e.g. DBL.")
]
Days = Annotated[
    str | None,
    typer.Option(metavar="DAYS", help="Only these weekdays, e.g. fri,sat (default: every day)."),
]


# --- reading what the desk typed -------------------------------------------------------------


def percent_bp(text: str, field: str) -> int:
    """A percentage as typed (`-10`, `12.5`, `6%`) in basis points: 12.5 → 1250."""
    try:
        value = Decimal(text.strip().removesuffix("%").strip())
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise InvalidInput(field, f"{field} {text!r} is not a percentage (e.g. -10 or 12.5)")
    points = value * 100
    if points != points.to_integral_value():
        raise InvalidInput(field, f"{field} {text!r} has more than two decimals")
    return int(points)


def whole_percent(text: str, field: str) -> int:
    """A whole percentage as typed (`80`, `80%`)."""
    points = percent_bp(text, field)
    if points % 100:
        raise InvalidInput(field, f"{field} {text!r} must be a whole percentage, e.g. 80")
    return points // 100


def weekdays(text: str | None) -> list[str] | None:
    """`fri,sat` as a list of weekdays; None for every day. Checked here so that a typo names
    itself instead of changing every day of the range."""
    if text is None:
        return None
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    if not names:
        raise InvalidInput("days", "name at least one weekday, e.g. fri,sat")
    for name in names:
        if len(name) < 3 or name[:3] not in WEEKDAYS:
            raise InvalidInput("days", f"{name!r} is not a weekday ({', '.join(WEEKDAYS)})")
    return names


def hotel_of(desk: Desk, property_code: str | None) -> PropertyView:
    """The property, for its currency and business date."""
    return desk.read(property_view, property_code)


def nights_between(
    hotel: PropertyView, start: str | None, end: str | None, nights: int = DEFAULT_NIGHTS
) -> tuple[dt.date, dt.date]:
    """First and last night (both included) as typed; by default from the business date on."""
    first = parse_date(start, hotel.business_date, field="from") if start else hotel.business_date
    last = (
        parse_date(end, hotel.business_date, field="to")
        if end
        else first + dt.timedelta(days=nights - 1)
    )
    if last < first:
        raise InvalidInput("to", f"the last night {last} is before the first {first}")
    return first, last


def signed_percent(points: int) -> str:
    """Basis points as a signed percentage: `+15 %`, `-10 %`, `+12.5 %`."""
    return f"{Decimal(points) / 100:+g} %"


def _span(first: dt.date, last: dt.date) -> str:
    return day(first) if first == last else f"{day(first)} – {day(last)}"


def _nights(count: int) -> str:
    return f"{count} night{'' if count == 1 else 's'}"


# --- rates -----------------------------------------------------------------------------------


@app.command("set")
def set_(
    ctx: typer.Context,
    *,
    plan: PlanCode,
    room_type: RoomTypeCode,
    start: First,
    end: Last,
    price: Annotated[str, typer.Option(metavar="AMOUNT", help="Price a night, e.g. 129.50.")],
    days: Days = None,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Put a price on the sheet for a range of nights (managers); derived plans follow it."""
    desk = desk_for(ctx)
    hotel = hotel_of(desk, property_code)
    first, last = nights_between(hotel, start, end)
    amount = to_minor(price, hotel.currency, field="price")
    names = weekdays(days)
    count = desk.run(set_rates, hotel.code, plan, room_type, first, last, amount, names)
    if json_output:
        print_json(
            {"property": hotel.code, "rate_plan": plan.upper(), "room_type": room_type.upper(),
             "from": first, "to": last, "days": names, "price": amount, "nights": count}
        )  # fmt: skip
        return
    only = f" ({', '.join(names)})" if names else ""
    console().print(
        f"Set {plan.upper()} {room_type.upper()} to {format_money(amount, hotel.currency)} "
        f"on {_nights(count)}{only}, {_span(first, last)}."
    )


@app.command("restrict")
def restrict_(
    ctx: typer.Context,
    *,
    plan: PlanCode,
    room_type: RoomTypeCode,
    start: First,
    end: Last,
    min_los: Annotated[
        int | None,
        typer.Option("--min-los", metavar="N", help="Minimum stay for arrivals; 0 clears it."),
    ] = None,
    max_los: Annotated[
        int | None,
        typer.Option("--max-los", metavar="N", help="Maximum stay for arrivals; 0 clears it."),
    ] = None,
    cta: Annotated[
        bool | None, typer.Option("--cta/--no-cta", help="Close (or open) to arrival.")
    ] = None,
    ctd: Annotated[
        bool | None, typer.Option("--ctd/--no-ctd", help="Close (or open) to departure.")
    ] = None,
    stop_sell: Annotated[
        bool | None, typer.Option("--stop-sell/--no-stop-sell", help="Stop (or resume) selling.")
    ] = None,
    days: Days = None,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Set restrictions on a range of nights (managers); what is not given stays as it is."""
    change = RestrictionChange(min_los, max_los, cta, ctd, stop_sell)
    if change == RestrictionChange():
        raise typer.BadParameter(
            "nothing to change: give --min-los, --max-los, --cta, --ctd or --stop-sell "
            "(or their --no- forms)"
        )
    desk = desk_for(ctx)
    hotel = hotel_of(desk, property_code)
    first, last = nights_between(hotel, start, end)
    names = weekdays(days)
    count = desk.run(restrict, hotel.code, plan, room_type, first, last, change, names)
    if json_output:
        print_json(
            {"property": hotel.code, "rate_plan": plan.upper(), "room_type": room_type.upper(),
             "from": first, "to": last, "days": names, "nights": count,
             "change": {k: v for k, v in vars(change).items() if v is not None}}
        )  # fmt: skip
        return
    only = f" ({', '.join(names)})" if names else ""
    console().print(
        f"Restricted {plan.upper()} {room_type.upper()} on {_nights(count)}{only}, "
        f"{_span(first, last)}: {_describe_change(change)}."
    )


def _describe_change(change: RestrictionChange) -> str:
    parts = []
    for value, name in ((change.min_los, "minimum"), (change.max_los, "maximum")):
        if value is not None:
            parts.append(f"{name} stay {value}" if value else f"no {name} stay")
    for value, closed, opened in (
        (change.closed_to_arrival, "closed to arrival", "open to arrival"),
        (change.closed_to_departure, "closed to departure", "open to departure"),
        (change.stop_sell, "stop-sell", "on sale"),
    ):
        if value is not None:
            parts.append(closed if value else opened)
    return ", ".join(parts)


@app.command("show")
def show(
    ctx: typer.Context,
    start: Annotated[
        str | None,
        typer.Option("--from", metavar="DATE", help="First night (default: the business date)."),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(
            "--to",
            metavar="DATE",
            help=f"Last night, included (default: {DEFAULT_NIGHTS} nights).",
        ),
    ] = None,
    plan: Annotated[
        str, typer.Option("--plan", metavar="PLAN", help="Rate plan code.")
    ] = BASE_PLAN,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """The rate calendar: room types down, nights across; each cell the price for a
    base-occupancy party before added taxes, the rooms left and the restriction marks."""
    desk = desk_for(ctx)
    hotel = hotel_of(desk, property_code)
    first, last = nights_between(hotel, start, end)
    rows = desk.read(rate_calendar, hotel.code, plan, first, last + dt.timedelta(days=1))
    if json_output:
        print_json(
            {"property": hotel.code, "rate_plan": plan.upper(), "currency": hotel.currency,
             "from": first, "to": last, "room_types": rows}
        )  # fmt: skip
        return
    out = console()
    out.print(
        f"[bold]{hotel.code} {plan.upper()}[/] in {hotel.currency}, {_span(first, last)}: "
        "price for the base occupancy before added taxes, rooms left, restrictions"
    )
    print_rate_grid(out, rows, hotel.currency)
    out.print(
        "[dim]S stop-sell · A closed to arrival · D closed to departure · "
        "mN minimum stay · MN maximum stay[/]"
    )


def print_rate_grid(out: Console, rows: list[RateRow], currency: str) -> None:
    """The rate calendar as tables (room types down, nights across), split into as many as it
    takes for every night to fit the terminal's width rather than be cut to `…`."""
    cells = [[_rate_cell(cell, currency) for cell in row.cells] for row in rows]
    widest = max((text.cell_len for row in cells for c in row for text in c.split()), default=6)
    type_width = max((len(row.room_type) for row in rows), default=4)
    fits = max(1, (out.width - type_width - 4) // (max(widest, 5) + 3))
    nights = rows[0].cells if rows else []
    tables = -(-len(nights) // fits)
    per_table = -(-len(nights) // tables) if tables else 1  # even parts: 7 + 7, not 10 + 4
    for start in range(0, len(nights), per_table):
        table = Table()
        table.add_column("type", no_wrap=True)
        for cell in nights[start : start + per_table]:
            table.add_column(f"{cell.night:%a}\n{cell.night:%d.%m}", justify="right", no_wrap=True)
        for row, row_cells in zip(rows, cells, strict=True):
            table.add_row(row.room_type, *row_cells[start : start + per_table])
        out.print(table)


def _rate_cell(cell: RateCell, currency: str) -> Text:
    """Price (in the currency's units, no symbol), rooms left and marks; red when it cannot
    sell, yellow when restricted."""
    closed = cell.stop_sell or cell.available <= 0 or cell.price is None
    style = "red" if closed else "yellow" if cell.marks else ""
    price = "—" if cell.price is None else f"{from_minor(cell.price, currency):,}"
    lines = [price, f"{cell.available} left"]
    if cell.marks:
        lines.append(cell.marks)
    return Text("\n".join(lines), style=style)


# --- taxes -----------------------------------------------------------------------------------
