"""What every `pms` sub-command shares: the global options, opening the desk, and printing.

Sub-commands get the desk here rather than calling `open_desk` themselves, so that `--db` and
`--user` mean the same everywhere and the desk's connections are always released when the
command ends, whether it succeeded or failed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from pms.config import Settings
from pms.desk import Desk
from pms.startup import open_desk


@dataclass(frozen=True)
class GlobalOptions:
    """The root command's options, handed down to every sub-command through the context."""

    db: str | None
    user: str | None
    debug: bool


def open_for(ctx: typer.Context, *, ready: bool = True) -> tuple[Desk, Settings]:
    """The desk and settings the global options name; the desk closes when the command ends.

    Args:
        ctx: the running command's context (the root callback put the global options in it).
        ready: False for commands that create or migrate the database; they act as the system.
    """
    options = ctx.find_object(GlobalOptions)
    assert options is not None, "the root callback sets the global options"
    desk, settings = open_desk(options.db, options.user, ready=ready)
    ctx.call_on_close(desk.close)
    return desk, settings


def desk_for(ctx: typer.Context, *, ready: bool = True) -> Desk:
    """The desk alone, for the commands that need no settings (most of them)."""
    return open_for(ctx, ready=ready)[0]


JsonOption = Annotated[
    bool, typer.Option("--json", help="Print plain JSON for scripts instead of tables.")
]
PropertyOption = Annotated[
    str | None,
    typer.Option(
        "--property", "-p", metavar="CODE", help="Property code; not needed when there is one."
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


def console(*, stderr: bool = False) -> Console:
    """A rich console, made per use so it writes to the current stream at its current width
    (tests swap the streams; terminals get resized)."""
    return Console(stderr=stderr, highlight=False)


def plain(value: Any) -> Any:
    """A view as plain JSON data: dataclasses as objects with their derived figures (totals,
    nights, availability) too, dates in ISO form, money left as integer minor units."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        for name, attribute in vars(type(value)).items():
            if isinstance(attribute, property):
                data[name] = plain(getattr(value, name))
        return data
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def print_json(value: Any) -> None:
    """Print a view for scripts: no colour, no wrapping, UTF-8 names kept as they are."""
    typer.echo(json.dumps(plain(value), indent=2, ensure_ascii=False))


def day(date: dt.date) -> str:
    """A date the way the desk reads it: `Thu 2026-12-03`."""
    return f"{date:%a %Y-%m-%d}"


# The UX guide's status colours; the status word always goes with them, never colour alone.
_STATUS_STYLES = {
    "tentative": "grey50",
    "confirmed": "green",
    "checked_in": "blue",
    "checked_out": "dim",
    "cancelled": "strike red",
    "no_show": "strike red",
}


def status_text(status: str) -> Text:
    """A reservation status in its colour: `checked_in` reads `checked in`."""
    return Text(str(status).replace("_", " "), style=_STATUS_STYLES.get(status, ""))
