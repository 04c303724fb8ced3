"""Spending points from the command line: on a stay's folio, for an award night, and giving
them back when such a payment is undone."""

from __future__ import annotations

from typing import Annotated

import typer

from commands import Confirmation, JsonOption, desk_for
from commands.output import console, print_json
from pms.kernel.money import format_money
from pms.loyalty.redemption import (
    Redemption,
    redeem_award_night,
    redeem_points,
    return_points,
)


def redeem(
    ctx: typer.Context,
    confirmation: Confirmation,
    points: Annotated[int, typer.Option("--points", help="How many points to spend.")],
    json_output: JsonOption = False,
) -> None:
    """Pay part of the guest folio with the member's points, at the programme's value."""
    _print(desk_for(ctx).run(redeem_points, confirmation, points), json_output, "Paid")


def award(
    ctx: typer.Context,
    confirmation: Confirmation,
    night: Annotated[str, typer.Option(help="The night to pay with points, e.g. 4.12.")],
    json_output: JsonOption = False,
) -> None:
    """Pay one night of a stay on a members' rate plan with points (an award night)."""
    _print(desk_for(ctx).run(redeem_award_night, confirmation, night), json_output, "Paid")


def give_back(
    ctx: typer.Context,
    posting: Annotated[
        int, typer.Argument(help="The PAY-POINTS posting, as `pms folio show` numbers it.")
    ],
    reason: Annotated[str, typer.Option(help="Why the points payment is undone.")],
    json_output: JsonOption = False,
) -> None:
    """Undo a points payment: the folio owes it again and the member has the points back."""
    _print(desk_for(ctx).run(return_points, posting, reason), json_output, "Gave back")


def _print(done: Redemption, json_output: bool, verb: str) -> None:
    if json_output:
        print_json(done)
        return
    points = abs(done.line.redeemable)
    console().print(
        f"{verb} {points:,} points ({format_money(abs(done.amount), done.currency)}); "
        f"{done.balance:,} points left."
    )
