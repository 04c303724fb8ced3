"""The programme from the command line: its rules and tiers (managers), and the night audit's
two batches, expiry and the tier review, for a date."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from commands import JsonOption, PropertyOption, desk_for
from commands.output import Column, console, day, details, print_json, table_of
from pms.loyalty.batches import BatchResult, expire_points, review_tiers
from pms.loyalty.programme import (
    ProgrammeTerms,
    ProgrammeView,
    TierTerms,
    TierView,
    set_programme,
    set_tier,
    show_programme,
)

programme_app = typer.Typer(help="The programme's rules.", no_args_is_help=True)
tier_app = typer.Typer(help="The programme's tiers.", no_args_is_help=True)
DateOption = Annotated[
    str | None, typer.Option("--date", help="The business date to run for (default: today's).")
]


@programme_app.command("set")
def set_(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Programme code, e.g. SEACLUB.")],
    name: Annotated[str, typer.Option(help="The programme's name.")],
    qualify_on: Annotated[
        str, typer.Option(help="What a tier counts: points, nights, stays or revenue.")
    ] = "points",
    period: Annotated[
        str, typer.Option(help="rolling (the last months) or calendar (year).")
    ] = "rolling",
    months: Annotated[int, typer.Option(help="Months of a rolling period.")] = 12,
    points_per_unit: Annotated[
        int, typer.Option(help="Points a currency unit costs when redeemed (100: 1 point = 1 ¢).")
    ] = 100,
    expiry: Annotated[str, typer.Option(help="none, after (earning) or inactivity.")] = "none",
    expiry_months: Annotated[int | None, typer.Option(help="Months until points expire.")] = None,
    max_downgrade: Annotated[int, typer.Option(help="Tiers one review may step down.")] = 1,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Create the programme or change its rules, and let the property take part (managers)."""
    terms = ProgrammeTerms(code, name, qualify_on, period, months, points_per_unit, expiry,
                           expiry_months, max_downgrade)  # fmt: skip
    _print_programme(desk_for(ctx).run(set_programme, terms, property_code), json_output)


@programme_app.command("show")
def show(
    ctx: typer.Context,
    code: Annotated[
        str | None, typer.Argument(help="Programme code; default the property's.")
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """The programme's rules, tiers and properties."""
    _print_programme(desk_for(ctx).read(show_programme, code), json_output)


@tier_app.command("set")
def tier_set(
    ctx: typer.Context,
    programme: Annotated[str, typer.Argument(help="Programme code.")],
    code: Annotated[str, typer.Argument(help="Tier code, e.g. GOLD.")],
    name: Annotated[str, typer.Option(help="The tier's name.")],
    rank: Annotated[int, typer.Option(help="0 for the first tier, higher above it.")],
    threshold: Annotated[int, typer.Option(help="What reaches the tier, in the measure.")] = 0,
    earn: Annotated[int, typer.Option(help="Points per currency unit of room revenue.")] = 10,
    bonus: Annotated[int, typer.Option(help="Points per stay on top.")] = 0,
    json_output: JsonOption = False,
) -> None:
    """Add a tier or change one (managers)."""
    tier = desk_for(ctx).run(set_tier, programme, TierTerms(code, name, rank, threshold, earn,
                                                            bonus))  # fmt: skip
    if json_output:
        print_json(tier)
        return
    console().print(f"Tier {tier.code} ({escape(tier.name)}), rank {tier.rank}, is set.")


def expire(
    ctx: typer.Context,
    on: DateOption = None,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Expire the points due on the date (idempotent; a night audit step)."""
    result = desk_for(ctx).run(expire_points, property_code, on)
    if json_output:
        print_json(result)
        return
    console().print(
        f"{result.programme} on {day(result.business_date)}: {result.points_expired:,} points "
        f"expired on {result.lines} of {result.members} accounts."
    )


def review(
    ctx: typer.Context,
    on: DateOption = None,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Move members up or down to the tier they qualify for (idempotent; a night audit step)."""
    result = desk_for(ctx).run(review_tiers, property_code, on)
    if json_output:
        print_json(result)
        return
    _print_review(result)


def _print_review(result: BatchResult) -> None:
    out = console()
    out.print(
        f"{result.programme} on {day(result.business_date)}: {len(result.moves)} of "
        f"{result.members} members change tier."
    )
    for move in result.moves:
        out.print(f"  {move.member_number}  {move.from_tier} → {move.to_tier}  ({move.measure:,})")


def _print_programme(view: ProgrammeView, json_output: bool) -> None:
    if json_output:
        print_json(view)
        return
    out = console()
    basis = "the calendar year" if view.period == "calendar" else f"{view.period_months} months"
    expiry = {
        "none": "never",
        "after": f"{view.expiry_months} months after earning",
        "inactivity": f"after {view.expiry_months} months without activity",
    }[view.expiry]
    out.print(
        details(
            [
                ("programme", f"{escape(view.name)} ({view.code})"),
                ("qualifies on", f"{view.qualify_on} over {basis}"),
                ("redeemed at", f"{view.points_per_unit:,} points a currency unit"),
                ("points expire", expiry),
                ("downgrade", f"at most {view.max_downgrade} tier(s) a review"),
                ("properties", ", ".join(view.properties) or "—"),
            ]
        )
    )
    out.print(table_of(view.tiers, TIER_COLUMNS, title="Tiers"))


TIER_COLUMNS: list[Column[TierView]] = [
    Column("rank", lambda t: str(t.rank), justify="right"),
    Column("code", lambda t: t.code),
    Column("name", lambda t: escape(t.name)),
    Column("threshold", lambda t: f"{t.threshold:,}", justify="right"),
    Column("earn", lambda t: f"{t.earn_per_unit} / unit", justify="right"),
    Column("bonus", lambda t: f"{t.stay_bonus:,}", justify="right"),
]
