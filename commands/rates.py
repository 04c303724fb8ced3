"""The rate sheet from the command line: `pms rates set|restrict|show` (rate plans are in
`commands.rateplan`, taxes and dynamic pricing in `commands.revenue`).

Money is typed as the desk says it (`129.50`) and read in the property's currency; percentages,
weekdays and ranges of nights as `commands.rate_input` reads them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from commands import DATE_FORMS, JsonOption, PropertyOption, desk_for
from commands.output import Column, console, day, night_heading, print_json, table_of
from commands.rate_input import DEFAULT_NIGHTS, hotel_of, nights_between, weekdays
from commands.stay_options import RoomType
from pms.hotel.properties import BASE_PLAN
from pms.kernel.money import format_money, from_minor, to_minor
from pms.rates.calendar_view import RateCell, RateRow, rate_calendar
from pms.rates.sheet_edits import RestrictionChange, restrict, set_rates

app = typer.Typer(help="The rate sheet: prices and restrictions per night.", no_args_is_help=True)

First = Annotated[str, typer.Option("--from", metavar="DATE", help=f"First night: {DATE_FORMS}.")]
Last = Annotated[
    str, typer.Option("--to", metavar="DATE", help=f"Last night, included: {DATE_FORMS}.")
]
PlanCode = Annotated[str, typer.Option("--plan", metavar="PLAN", help="Rate plan code, e.g. BAR.")]
Days = Annotated[
    str | None,
    typer.Option(metavar="DAYS", help="Only these weekdays, e.g. fri,sat (default: every day)."),
]
MinStay = Annotated[
    int | None,
    typer.Option("--min-los", metavar="N", help="Minimum stay for arrivals; 0 clears it."),
]
MaxStay = Annotated[
    int | None,
    typer.Option("--max-los", metavar="N", help="Maximum stay for arrivals; 0 clears it."),
]
ClosedToArrival = Annotated[
    bool | None, typer.Option("--cta/--no-cta", help="Close (or open) to arrival.")
]
ClosedToDeparture = Annotated[
    bool | None, typer.Option("--ctd/--no-ctd", help="Close (or open) to departure.")
]
StopSell = Annotated[
    bool | None, typer.Option("--stop-sell/--no-stop-sell", help="Stop (or resume) selling.")
]


def _span(first: dt.date, last: dt.date) -> str:
    return day(first) if first == last else f"{day(first)} – {day(last)}"


def _nights(count: int) -> str:
    return f"{count} night{'' if count == 1 else 's'}"


@app.command("set")
def set_(
    ctx: typer.Context,
    *,
    plan: PlanCode,
    room_type: RoomType,
    start: First,
    end: Last,
    price: Annotated[str, typer.Option(metavar="AMOUNT", help="Price a night, e.g. 129.50.")],
    days: Days = None,
    complimentary: Annotated[
        bool, typer.Option("--complimentary", help="A price of 0 is meant: the rooms are free.")
    ] = False,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Put a price on the sheet for a range of nights (managers); derived plans follow it."""
    desk = desk_for(ctx)
    hotel = hotel_of(desk, property_code)
    first, last = nights_between(hotel, start, end)
    amount = to_minor(price, hotel.currency, field="price")
    names = weekdays(days)
    count = desk.run(
        set_rates, hotel.code, plan, room_type, first, last, amount, names,
        complimentary=complimentary,
    )  # fmt: skip
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
    room_type: RoomType,
    start: First,
    end: Last,
    min_los: MinStay = None,
    max_los: MaxStay = None,
    cta: ClosedToArrival = None,
    ctd: ClosedToDeparture = None,
    stop_sell: StopSell = None,
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


# A room type's row of the grid: the row, and its cells already drawn.
_GridRow = tuple[RateRow, list[Text]]


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
    room_type: Column[_GridRow] = Column("type", lambda row: row[0].room_type, no_wrap=True)
    for start in range(0, len(nights), per_table):
        part = range(start, min(start + per_table, len(nights)))
        columns = [room_type, *(_night_column(nights[i].night, i) for i in part)]
        out.print(table_of(zip(rows, cells, strict=True), columns))


def _night_column(night: dt.date, index: int) -> Column[_GridRow]:
    return Column(night_heading(night), lambda row: row[1][index], justify="right", no_wrap=True)


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
