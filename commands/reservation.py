"""Stays from the command line: `pms reservation create|show|list|modify|cancel|confirm|reprice|
assign|unassign|rooms`.

Each command's module loads when that command runs: showing or listing stays
(`commands.stay_views`) imports none of the booking and change services that the commands
changing a stay need (`commands.stay_changes`), so a script reading stays starts as fast as
the read it makes. The lines below are what `pms reservation --help` lists beside each name.
"""

from __future__ import annotations

import typer

from commands.lazy import LazyCommand, LazyGroup


class _ReservationGroup(LazyGroup):
    """`pms reservation`: its commands, each imported when it runs, in the order the help lists."""

    lazy_commands = (
        LazyCommand("create", "commands.stay_changes:create", "Book a stay at the prices a quote shows; prints its confirmation number."),
        LazyCommand("show", "commands.stay_views:show", "Show a stay in full, with its price night by night."),
        LazyCommand("list", "commands.stay_views:list_", "List stays by arrival: arrivals, departures or who is in house on a date."),
        LazyCommand("modify", "commands.stay_changes:modify_", "Change a stay's dates, room type or party; what is not given stays as it is."),
        LazyCommand("cancel", "commands.stay_changes:cancel_", "Cancel a stay that has not arrived: its nights go back on sale, its room is freed, and\nthe fee its rate plan's cancellation policy sets for now is recorded and printed."),
        LazyCommand("confirm", "commands.stay_changes:confirm_", "Turn a tentative hold into a confirmed booking."),
        LazyCommand("reprice", "commands.stay_changes:reprice_", "Price every night again from today's rates (only when agreed with the guest)."),
        LazyCommand("assign", "commands.stay_changes:assign", "Give a stay a room for all its nights (replacing any room it had)."),
        LazyCommand("unassign", "commands.stay_changes:unassign", "Take the room back from a stay that has not arrived."),
        LazyCommand("rooms", "commands.stay_views:rooms", "Rooms that could take the stay for all its nights, best first (inspected, clean, dirty)."),
    )  # fmt: skip


app = typer.Typer(
    cls=_ReservationGroup, help="Book, find, change and cancel stays.", no_args_is_help=True
)
