"""The rate sheet from the command line: `pms rates set|restrict|show` and `pms rateplan
create|list|show` (taxes and dynamic pricing are in `commands.revenue`).

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
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from commands import JsonOption, PropertyOption, console, day, desk_for, print_json
from pms.dates import parse_date
from pms.desk import Desk
from pms.errors import InvalidInput, NotFound
from pms.money import format_money, from_minor, to_minor
from pms.properties import BASE_PLAN, PropertyView, property_view
from pms.rates import (
    WEEKDAYS,
    PlanTermsInput,
    RateCell,
    RatePlanView,
    RateRow,
    RestrictionChange,
    create_rate_plan,
    list_rate_plans,
    rate_calendar,
    restrict,
    set_rates,
)

#: Nights `rates show` shows when no --to is given: two weeks, as the desk plans.
DEFAULT_NIGHTS = 14

MEAL_PLANS = {
    "RO": "room only",
    "BB": "bed and breakfast",
    "HB": "half board",
    "FB": "full board",
    "AI": "all inclusive",
}

app = typer.Typer(help="The rate sheet: prices and restrictions per night.", no_args_is_help=True)
plan_app = typer.Typer(help="Rate plans: base and derived, with their terms.", no_args_is_help=True)

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


# --- rate plans ------------------------------------------------------------------------------


@plan_app.command("create")
def plan_create(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Plan code: letters or digits, e.g. CORP.")],
    *,
    name: Annotated[str, typer.Option(help="Name the desk reads, e.g. 'Corporate'.")],
    parent: Annotated[
        str | None,
        typer.Option(metavar="PLAN", help="Derive from this plan; its prices are then followed."),
    ] = None,
    percent: Annotated[
        str | None,
        typer.Option(metavar="PERCENT", help="Derived: percent on the parent's price, e.g. -10."),
    ] = None,
    amount: Annotated[
        str | None,
        typer.Option(metavar="AMOUNT", help="Derived: amount on the parent's price, e.g. 5.00."),
    ] = None,
    meal_plan: Annotated[
        str, typer.Option(metavar="MEALS", help=f"One of {', '.join(MEAL_PLANS)}.")
    ] = "RO",
    guarantee: Annotated[str, typer.Option(help="none, card or deposit.")] = "none",
    members_only: Annotated[
        bool, typer.Option("--members-only", help="Sold to loyalty members only.")
    ] = False,
    sell_from: Annotated[
        str | None, typer.Option(metavar="DATE", help="First business date it is on sale.")
    ] = None,
    sell_until: Annotated[
        str | None, typer.Option(metavar="DATE", help="Last business date it is on sale.")
    ] = None,
    min_advance: Annotated[
        int | None, typer.Option(metavar="DAYS", help="Book at least this many days ahead.")
    ] = None,
    max_advance: Annotated[
        int | None, typer.Option(metavar="DAYS", help="Book at most this many days ahead.")
    ] = None,
    non_refundable: Annotated[
        bool, typer.Option("--non-refundable", help="The full stay is due on cancelling.")
    ] = False,
    free_hours: Annotated[
        int | None,
        typer.Option(metavar="HOURS", help="Free cancellation until this long before arrival."),
    ] = None,
    penalty: Annotated[
        str | None,
        typer.Option(help="Fee after that: first_night (default), percent or full_stay."),
    ] = None,
    penalty_percent: Annotated[
        str | None,
        typer.Option(
            metavar="PERCENT", help="The fee as a percent of the stay (--penalty percent)."
        ),
    ] = None,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Create a rate plan (managers): a base plan, or one derived from another."""
    if parent is None and (percent is not None or amount is not None):
        raise typer.BadParameter("--percent and --amount derive from a plan: give --parent too")
    if non_refundable and (free_hours, penalty, penalty_percent) != (None, None, None):
        raise typer.BadParameter(
            "a non-refundable plan has no free cancellation: leave out --free-hours and --penalty"
        )
    if penalty_percent is not None and penalty not in (None, "percent"):
        raise typer.BadParameter("--penalty-percent goes with --penalty percent")
    if penalty == "percent" and penalty_percent is None:
        raise typer.BadParameter("--penalty percent needs --penalty-percent, e.g. 50")
    desk = desk_for(ctx)
    hotel = hotel_of(desk, property_code)

    def on(text: str | None, field: str) -> dt.date | None:
        return parse_date(text, hotel.business_date, field=field) if text else None

    terms = PlanTermsInput(
        code=code,
        name=name,
        parent=parent,
        derive_percent_bp=percent_bp(percent, "percent") if percent is not None else 0,
        derive_amount=to_minor(amount, hotel.currency, field="amount") if amount else 0,
        meal_plan=meal_plan,
        guarantee=guarantee.lower(),
        members_only=members_only,
        sell_from=on(sell_from, "sell from"),
        sell_until=on(sell_until, "sell until"),
        min_advance_days=min_advance,
        max_advance_days=max_advance,
        non_refundable=non_refundable,
        cancel_free_hours=24 if free_hours is None else free_hours,
        cancel_penalty="percent" if penalty_percent is not None else penalty or "first_night",
        cancel_penalty_bp=(
            percent_bp(penalty_percent, "penalty percent") if penalty_percent is not None else 0
        ),
    )
    view = desk.run(create_rate_plan, hotel.code, terms)
    if json_output:
        print_json(view)
        return
    out = console()
    out.print(f"Created rate plan [bold]{view.code}[/].")
    out.print(_plan_details(view, hotel.currency))


@plan_app.command("list")
def plan_list(
    ctx: typer.Context, property_code: PropertyOption = None, json_output: JsonOption = False
) -> None:
    """Every rate plan with how it is priced, its meals and its cancellation policy."""
    desk = desk_for(ctx)
    hotel = hotel_of(desk, property_code)
    plans = desk.read(list_rate_plans, hotel.code)
    if json_output:
        print_json(plans)
        return
    table = Table("plan", "name", "price", "meals", "guarantee", "for", "cancellation")
    for plan in plans:
        table.add_row(
            plan.code,
            escape(plan.name),
            _derivation(plan, hotel.currency),
            plan.meal_plan,
            plan.guarantee,
            "members" if plan.members_only else "all",
            plan.policy,
        )
    console().print(table)


@plan_app.command("show")
def plan_show(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Plan code, e.g. CORP.")],
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """A rate plan's terms, and what it sells at over the coming week."""
    desk = desk_for(ctx)
    hotel = hotel_of(desk, property_code)
    found = [p for p in desk.read(list_rate_plans, hotel.code) if p.code == code.strip().upper()]
    if not found:
        raise NotFound(f"there is no rate plan {code!r} at {hotel.code}")
    view = found[0]
    if json_output:
        print_json(view)
        return
    first = hotel.business_date
    week = desk.read(rate_calendar, hotel.code, view.code, first, first + dt.timedelta(days=7))
    out = console()
    out.print(_plan_details(view, hotel.currency))
    out.print(
        f"\n[bold]{view.code}[/] this week in {hotel.currency}, for the base occupancy before "
        "added taxes:"
    )
    print_rate_grid(out, week, hotel.currency)


def _derivation(plan: RatePlanView, currency: str) -> str:
    """How the plan is priced: `rate sheet`, or `BAR -10 % +€5.00`."""
    if plan.parent is None:
        return "rate sheet"
    parts = [plan.parent]
    if plan.derive_percent_bp:
        parts.append(signed_percent(plan.derive_percent_bp))
    if plan.derive_amount:
        sign = "+" if plan.derive_amount > 0 else "-"
        parts.append(f"{sign}{format_money(abs(plan.derive_amount), currency)}")
    return " ".join(parts)


def _plan_details(plan: RatePlanView, currency: str) -> Table:
    details = Table.grid(padding=(0, 2))
    details.add_column(style="bold", no_wrap=True)
    details.add_column()
    details.add_row("plan", f"{plan.code}  {escape(plan.name)}")
    details.add_row("price", _derivation(plan, currency))
    details.add_row("meals", f"{plan.meal_plan} ({MEAL_PLANS.get(plan.meal_plan, '?')})")
    details.add_row("guarantee", plan.guarantee)
    details.add_row("sold to", "loyalty members only" if plan.members_only else "everyone")
    window = [f"from {plan.sell_from}" if plan.sell_from else "",
              f"until {plan.sell_until}" if plan.sell_until else ""]  # fmt: skip
    details.add_row("on sale", " ".join(w for w in window if w) or "always")
    ahead = [
        f"at least {plan.min_advance_days} days" if plan.min_advance_days is not None else "",
        f"at most {plan.max_advance_days} days" if plan.max_advance_days is not None else "",
    ]
    booked = " and ".join(a for a in ahead if a)
    details.add_row("booked", f"{booked} ahead" if booked else "any time")
    details.add_row("cancellation", plan.policy)
    return details


# --- taxes -----------------------------------------------------------------------------------
