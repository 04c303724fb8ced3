"""Members from the command line: enrol a guest, show their standing and ledger, a statement,
the members of a tier, and a manager's adjustment."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from commands import JsonOption, PropertyOption, desk_for
from commands.output import Column, console, day, details, print_json, print_rows, table_of
from pms.kernel.money import format_money
from pms.loyalty.adjustments import adjust_points
from pms.loyalty.ledger import LineView
from pms.loyalty.members import Member, enrol, list_members
from pms.loyalty.views import LoyaltyView, show_loyalty, statement

GuestRef = Annotated[
    str,
    typer.Argument(metavar="GUEST", help="Guest number (12 or #12), e-mail or member number."),
]


def enrol_(
    ctx: typer.Context,
    guest: GuestRef,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Make a guest a member of the property's programme, in its first tier."""
    joined = desk_for(ctx).run(enrol, guest, property_code=property_code)
    if json_output:
        print_json(joined)
        return
    console().print(
        f"Enrolled [bold]{escape(joined.name)}[/]: member number [bold]{joined.member_number}[/]"
        f", tier {joined.tier_name}."
    )


def show(ctx: typer.Context, guest: GuestRef, json_output: JsonOption = False) -> None:
    """A member's number, tier, qualifying and redeemable points, and the ledger."""
    view = desk_for(ctx).read(show_loyalty, guest)
    if json_output:
        print_json(view)
        return
    out = console()
    out.print(standing(view))
    out.print(table_of(view.lines, LINE_COLUMNS, title="Ledger"))


def statement_(
    ctx: typer.Context,
    guest: GuestRef,
    first: Annotated[
        str | None, typer.Option("--from", help="First day (default: a year ago).")
    ] = None,
    last: Annotated[str | None, typer.Option("--to", help="Last day (default: today).")] = None,
    json_output: JsonOption = False,
) -> None:
    """A member's points between two dates: balance before, lines, balance after."""
    sheet = desk_for(ctx).read(statement, guest, first, last)
    if json_output:
        print_json(sheet)
        return
    out = console()
    member = sheet.member
    out.print(f"[bold]{escape(member.name)}[/] {member.member_number} · {member.tier_name}")
    out.print(f"Statement {day(sheet.first)} – {day(sheet.last)}")
    out.print(f"  opening balance {sheet.opening:,} points")
    caption = f"closing balance {sheet.closing:,} points"
    out.print(table_of(sheet.lines, LINE_COLUMNS, caption=caption))


def members(
    ctx: typer.Context,
    tier: Annotated[str | None, typer.Option(help="Only members of this tier, e.g. GOLD.")] = None,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """The programme's members by name, with their tier and points."""
    rows = desk_for(ctx).read(list_members, tier=tier, property_code=property_code)
    print_rows(rows, MEMBER_COLUMNS, json_output=json_output, empty="No members.")


def adjust(
    ctx: typer.Context,
    guest: GuestRef,
    reason: Annotated[str, typer.Option(help="Why, for the ledger and the audit log.")],
    points: Annotated[int, typer.Option("--points", help="Redeemable points, + or -.")] = 0,
    qualifying: Annotated[int, typer.Option(help="Qualifying points, + or -.")] = 0,
    json_output: JsonOption = False,
) -> None:
    """Add or take off points with a reason (managers): goodwill, a correction."""
    line = desk_for(ctx).run(
        adjust_points, guest, redeemable=points, qualifying=qualifying, reason=reason
    )
    if json_output:
        print_json(line)
        return
    console().print(f"Adjusted: {line.redeemable:+,} points, {line.qualifying:+,} qualifying.")


def measure_text(view: LoyaltyView, value: int) -> str:
    """A tier measure in its own unit: `1,200 points`, `14 nights`, `€3,400.00`."""
    if view.qualify_on == "revenue":
        return format_money(value, view.currency or "EUR")
    return f"{value:,} {view.qualify_on}"


def standing(view: LoyaltyView) -> object:
    """The member's standing as a block of fields."""
    if not view.next_tier:
        to_next = "top tier"
    elif view.to_next_tier:
        to_next = f"{measure_text(view, view.to_next_tier)} to {view.next_tier}"
    else:
        to_next = f"{view.next_tier} reached: at the next tier review"
    return details(
        [
            ("member", f"{escape(view.name)} · {view.member_number}"),
            ("tier", f"{view.tier_name} ({view.tier}) since {day(view.tier_since)}"),
            ("points", f"{view.redeemable:,} to spend"),
            ("qualifying", f"{measure_text(view, view.measure)} since {day(view.period_from)}"),
            ("next tier", to_next),
        ]
    )


LINE_COLUMNS: list[Column[LineView]] = [
    Column("date", lambda line: day(line.business_date), no_wrap=True),
    Column("kind", lambda line: line.kind),
    Column("what", lambda line: escape(line.description)),
    Column("points", lambda line: f"{line.redeemable:+,}", justify="right"),
    Column("qualifying", lambda line: f"{line.qualifying:+,}", justify="right"),
    Column("nights", lambda line: str(line.nights or ""), justify="right"),
    Column("by", lambda line: line.username),
]
MEMBER_COLUMNS: list[Column[Member]] = [
    Column("number", lambda m: m.member_number, no_wrap=True),
    Column("name", lambda m: escape(m.name)),
    Column("tier", lambda m: m.tier),
    Column("points", lambda m: f"{m.redeemable:,}", justify="right"),
    Column("qualifying", lambda m: f"{m.qualifying:,}", justify="right"),
]
