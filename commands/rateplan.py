"""Rate plans from the command line: `pms rateplan create|list|show`, base plans and plans
derived from another, with their meals, guarantee, sale window and cancellation terms.

Prices and percentages are typed and read as in `commands.rates`; the terms' defaults and the
rules about which go together are the domain's (`pms.rates.plan_terms`), so every face that
drafts a plan refuses the same contradictions in the same words.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from commands import JsonOption, PropertyOption, desk_for
from commands.output import Column, console, details, print_json, print_rows, signed_percent
from commands.rate_input import hotel_of, percent_bp
from commands.rates import print_rate_grid
from pms.hotel.properties import PropertyView
from pms.kernel.dates import parse_date
from pms.kernel.errors import InvalidInput, NotFound
from pms.kernel.money import format_money, to_minor
from pms.rates.calendar_view import rate_calendar
from pms.rates.entitlement import create_plan_for_companies, entitle_company, restrict_plan
from pms.rates.plan_terms import MEAL_PLANS, PlanTermsDraft, Term, check_together
from pms.rates.plans import RatePlanView, list_rate_plans

plan_app = typer.Typer(help="Rate plans: base and derived, with their terms.", no_args_is_help=True)

Parent = Annotated[
    str | None,
    typer.Option(metavar="PLAN", help="Derive from this plan; its prices are then followed."),
]
Percent = Annotated[
    str | None,
    typer.Option(metavar="PERCENT", help="Derived: percent on the parent's price, e.g. -10."),
]
Amount = Annotated[
    str | None,
    typer.Option(metavar="AMOUNT", help="Derived: amount on the parent's price, e.g. 5.00."),
]
MealPlan = Annotated[str, typer.Option(metavar="MEALS", help=f"One of {', '.join(MEAL_PLANS)}.")]
Guarantee = Annotated[str, typer.Option(help="none, card or deposit.")]
MembersOnly = Annotated[bool, typer.Option("--members-only", help="Sold to loyalty members only.")]
Restricted = Annotated[
    bool,
    typer.Option(
        "--restricted", help="Sold only to companies entitled to it (`rateplan entitle`)."
    ),
]
Companies = Annotated[
    list[str] | None,
    typer.Option(
        "--company", metavar="NAME", help="With --restricted: a company entitled to it (repeat)."
    ),
]
SellFrom = Annotated[
    str | None, typer.Option(metavar="DATE", help="First business date it is on sale.")
]
SellUntil = Annotated[
    str | None, typer.Option(metavar="DATE", help="Last business date it is on sale.")
]
MinAdvance = Annotated[
    int | None, typer.Option(metavar="DAYS", help="Book at least this many days ahead.")
]
MaxAdvance = Annotated[
    int | None, typer.Option(metavar="DAYS", help="Book at most this many days ahead.")
]
NonRefundable = Annotated[
    bool, typer.Option("--non-refundable", help="The full stay is due on cancelling.")
]
FreeHours = Annotated[
    int | None,
    typer.Option(metavar="HOURS", help="Free cancellation until this long before arrival."),
]
Penalty = Annotated[
    str | None,
    typer.Option(help="Fee after that: first_night (default), percent or full_stay."),
]
PenaltyPercent = Annotated[
    str | None,
    typer.Option(metavar="PERCENT", help="The fee as a percent of the stay (--penalty percent)."),
]


def _option(term: Term) -> str:
    """A term as its option is spelled: `free_hours` is `--free-hours`."""
    return "--" + term.replace("_", "-")


@plan_app.command("create")
def plan_create(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Plan code: letters or digits, e.g. CORP.")],
    *,
    name: Annotated[str, typer.Option(help="Name the desk reads, e.g. 'Corporate'.")],
    parent: Parent = None,
    percent: Percent = None,
    amount: Amount = None,
    meal_plan: MealPlan = "RO",
    guarantee: Guarantee = "none",
    members_only: MembersOnly = False,
    restricted: Restricted = False,
    company: Companies = None,
    sell_from: SellFrom = None,
    sell_until: SellUntil = None,
    min_advance: MinAdvance = None,
    max_advance: MaxAdvance = None,
    non_refundable: NonRefundable = False,
    free_hours: FreeHours = None,
    penalty: Penalty = None,
    penalty_percent: PenaltyPercent = None,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Create a rate plan (managers): a base plan, or one derived from another."""
    typed: dict[Term, object] = {
        "parent": parent, "percent": percent, "amount": amount, "free_hours": free_hours,
        "penalty": penalty, "penalty_percent": penalty_percent,
    }  # fmt: skip
    _refuse_contradictions(typed, non_refundable, penalty)
    desk = desk_for(ctx)
    hotel = hotel_of(desk, property_code)
    draft = PlanTermsDraft(
        code=code,
        name=name,
        parent=parent,
        derive_percent_bp=_points(percent, "percent"),
        derive_amount=to_minor(amount, hotel.currency, field="amount") if amount else None,
        meal_plan=meal_plan,
        guarantee=guarantee,
        members_only=members_only,
        restricted=restricted,
        sell_from=_on_sale(hotel, sell_from, "sell from"),
        sell_until=_on_sale(hotel, sell_until, "sell until"),
        min_advance_days=min_advance,
        max_advance_days=max_advance,
        non_refundable=non_refundable,
        free_hours=free_hours,
        penalty=penalty,
        penalty_bp=_points(penalty_percent, "penalty percent"),
    )
    terms = draft.terms(_option)
    view = desk.run(create_plan_for_companies, hotel.code, terms, company or [])
    _print_plan(view, hotel, json_output, f"Created rate plan [bold]{view.code}[/].")


def _refuse_contradictions(
    typed: dict[Term, object], non_refundable: bool, penalty: str | None
) -> None:
    """Options that contradict each other are a usage error, refused before the database is
    opened; `typed` holds each term's option as typed (None when left out)."""
    given = {term for term, value in typed.items() if value is not None}
    try:
        check_together(given, non_refundable=non_refundable, penalty=penalty, spell=_option)
    except InvalidInput as error:
        raise typer.BadParameter(str(error)) from None


def _points(percent: str | None, field: str) -> int | None:
    """A typed percentage in basis points; None when it was left out."""
    return None if percent is None else percent_bp(percent, field)


def _on_sale(hotel: PropertyView, text: str | None, field: str) -> dt.date | None:
    """A business date of the sale window as typed; None when it was left out."""
    return parse_date(text, hotel.business_date, field=field) if text is not None else None


@plan_app.command("entitle")
def plan_entitle(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Plan code, e.g. CORP.")],
    *,
    company: Annotated[
        str, typer.Option(help="The company entitled, as its guests' profiles name it.")
    ],
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Entitle a company to a rate plan (managers); the plan is then sold only to entitled
    companies' bookings."""
    desk = desk_for(ctx)
    hotel = hotel_of(desk, property_code)
    companies = desk.run(entitle_company, hotel.code, code, company)
    if json_output:
        print_json({"rate_plan": code.strip().upper(), "companies": companies})
        return
    console().print(
        f"[bold]{code.strip().upper()}[/] is restricted to: {escape(', '.join(companies))}."
    )


@plan_app.command("open")
def plan_open(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Plan code, e.g. CORP.")],
    property_code: PropertyOption = None,
) -> None:
    """Sell a restricted plan to everyone again (managers); its entitlements are kept."""
    desk = desk_for(ctx)
    hotel = hotel_of(desk, property_code)
    desk.run(restrict_plan, hotel.code, code, False)
    console().print(f"[bold]{code.strip().upper()}[/] is sold to everyone.")


def _sold_to_short(plan: RatePlanView) -> str:
    if plan.restricted:
        return "companies"
    return "members" if plan.members_only else "all"


def _sold_to(plan: RatePlanView) -> str:
    if plan.restricted:
        return "entitled companies only"
    return "loyalty members only" if plan.members_only else "everyone"


@plan_app.command("list")
def plan_list(
    ctx: typer.Context, property_code: PropertyOption = None, json_output: JsonOption = False
) -> None:
    """Every rate plan with how it is priced, its meals and its cancellation policy."""
    desk = desk_for(ctx)
    hotel = hotel_of(desk, property_code)
    columns: list[Column[RatePlanView]] = [
        Column("plan", lambda p: p.code),
        Column("name", lambda p: escape(p.name)),
        Column("price", lambda p: _derivation(p, hotel.currency)),
        Column("meals", lambda p: p.meal_plan),
        Column("guarantee", lambda p: p.guarantee),
        Column("for", _sold_to_short),
        Column("cancellation", lambda p: p.policy),
    ]
    print_rows(desk.read(list_rate_plans, hotel.code), columns, json_output=json_output)


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


def _print_plan(view: RatePlanView, hotel: PropertyView, json_output: bool, headline: str) -> None:
    if json_output:
        print_json(view)
        return
    out = console()
    out.print(headline)
    out.print(_plan_details(view, hotel.currency))


def _plan_details(plan: RatePlanView, currency: str) -> Table:
    window = [f"from {plan.sell_from}" if plan.sell_from else "",
              f"until {plan.sell_until}" if plan.sell_until else ""]  # fmt: skip
    ahead = [
        f"at least {plan.min_advance_days} days" if plan.min_advance_days is not None else "",
        f"at most {plan.max_advance_days} days" if plan.max_advance_days is not None else "",
    ]
    booked = " and ".join(a for a in ahead if a)
    return details(
        [
            ("plan", f"{plan.code}  {escape(plan.name)}"),
            ("price", _derivation(plan, currency)),
            ("meals", f"{plan.meal_plan} ({MEAL_PLANS.get(plan.meal_plan, '?')})"),
            ("guarantee", plan.guarantee),
            ("sold to", _sold_to(plan)),
            ("on sale", " ".join(w for w in window if w) or "always"),
            ("booked", f"{booked} ahead" if booked else "any time"),
            ("cancellation", plan.policy),
        ]
    )
