"""What every `pms` sub-command shares: the global options, opening the desk, and the options
that mean the same in every command (printing is in `commands.output`).

Sub-commands get the desk here rather than calling `open_desk` themselves, so that `--db` and
`--user` mean the same everywhere and the desk's connections are always released when the
command ends, whether it succeeded or failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from pms.kernel.config import Settings
    from pms.kernel.desk import Desk


@dataclass
class GlobalOptions:
    """The root command's options, handed down to every sub-command through the context, and
    who the command's desk signed in (`acting`), for the log line the command ends with."""

    db: str | None
    user: str | None
    debug: bool
    acting: str = ""


def open_for(
    ctx: typer.Context, *, ready: bool = True, sign_in: bool = True, face: str = "cli"
) -> tuple[Desk, Settings]:
    """The desk and settings the global options name; the desk closes when the command ends.

    Args:
        ctx: the running command's context (the root callback put the global options in it).
        ready: False for commands that create or migrate the database; they act as the system.
        sign_in: False for `pms login` and the front desk, which sign someone in themselves.
        face: `cli`, or `tui` for the front desk: the audit trail names the desk by it.
    """
    # The desk (SQLAlchemy, the models) loads here, when a command first needs the database,
    # not when `pms --help` or a sub-command's --help runs.
    from pms.startup import open_desk

    options = ctx.find_object(GlobalOptions)
    assert options is not None, "the root callback sets the global options"
    desk, settings = open_desk(options.db, options.user, ready=ready, sign_in=sign_in, face=face)
    options.acting = desk.actor.username if desk.actor else ""
    ctx.call_on_close(desk.close)
    return desk, settings


def desk_for(
    ctx: typer.Context, *, ready: bool = True, sign_in: bool = True, face: str = "cli"
) -> Desk:
    """The desk alone, for the commands that need no settings (most of them)."""
    return open_for(ctx, ready=ready, sign_in=sign_in, face=face)[0]


JsonOption = Annotated[
    bool, typer.Option("--json", help="Print plain JSON for scripts instead of tables.")
]
PropertyOption = Annotated[
    str | None,
    typer.Option(
        "--property",
        "-p",
        metavar="CODE",
        envvar="PMS_PROPERTY",
        help="Property code; not needed when there is one.",
    ),
]
VersionOption = Annotated[
    int | None,
    typer.Option(
        "--version",
        help="Refuse the change if the reservation is no longer at this version "
        "(someone else changed it since you looked).",
    ),
]
Confirmation = Annotated[str, typer.Argument(help="Confirmation number, e.g. AB12-CD34.")]

#: The ways a date may be typed, for help texts (`pms.kernel.dates.parse_date` reads them).
DATE_FORMS = "2026-12-04, 4.12, +3 or fri"
