"""Rate plans from the command line: `pms rateplan create|list|show`, base plans and plans
derived from another, with their meals, guarantee, sale window and cancellation terms.

Prices and percentages are typed and read as in `commands.rates`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from commands import JsonOption, PropertyOption, console, desk_for, print_json
from commands.rates import hotel_of, percent_bp, print_rate_grid, signed_percent
from pms.dates import parse_date
from pms.errors import NotFound
from pms.money import format_money, to_minor
from pms.rates import PlanTermsInput, RatePlanView, create_rate_plan, list_rate_plans, rate_calendar

MEAL_PLANS = {
    "RO": "room only",
    "BB": "bed and breakfast",
    "HB": "half board",
    "FB": "full board",
    "AI": "all inclusive",
}

plan_app = typer.Typer(help="Rate plans: base and derived, with their terms.", no_args_is_help=True)


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
