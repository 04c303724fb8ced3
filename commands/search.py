"""Search from the command line: `pms search QUERY` and `pms search reindex`.

`pms search QUERY` opens the desk's index (building it first, with a progress bar on stderr, when
it is missing, damaged or belongs to another database), applies what other desks changed since
it was last used, and prints the best hits. The progress bar goes to stderr, so `--json` output
stays clean for scripts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text
from typer.core import TyperGroup

from commands import JsonOption, PropertyOption, desk_for
from commands.output import Column, console, print_json, print_rows, status_text
from pms.search.service import SearchHit, catch_up, check_options, ensure_index, reindex, search


class _SearchGroup(TyperGroup):
    """`pms search garc` means `pms search find garc`: anything that is not a sub-command's
    name is a query (search for a guest named Reindex with `pms search find reindex`)."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = ["find", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_SearchGroup,
    help="Find guests, rooms and reservations (`pms search QUERY` is short for `pms search find "
    "QUERY`); rebuild the index.",
    no_args_is_help=True,
)


class Kind(StrEnum):
    """What `--type` may ask for."""

    GUEST = "guest"
    ROOM = "room"
    RESERVATION = "reservation"
    REVIEW = "review"


@contextmanager
def index_progress(title: str = "Building the search index") -> Iterator[Callable[[int, int], Any]]:
    """A progress callback that shows a bar on stderr from its first call (an index that is
    already there never calls it, so a plain search prints nothing extra)."""
    bar: Progress | None = None
    task = None

    def update(done: int, total: int) -> None:
        nonlocal bar, task
        if bar is None:
            bar = Progress(
                TextColumn(title),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console(stderr=True),
            )
            bar.start()
            task = bar.add_task(title, total=total)
        assert task is not None
        bar.update(task, completed=done, total=total)

    try:
        yield update
    finally:
        if bar is not None:
            bar.stop()


@app.command("find")
def find(
    ctx: typer.Context,
    words: Annotated[
        list[str],
        typer.Argument(
            metavar="QUERY",
            help="A piece of a name, an e-mail, phone digits, a confirmation, loyalty or room "
            "number; every word must match.",
        ),
    ],
    kind: Annotated[
        Kind | None, typer.Option("--type", "-t", help="Only guests, rooms, reservations, reviews.")
    ] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many hits.")] = 20,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Find guests, rooms and reservations: exact and prefix hits first, then in-house and
    upcoming stays before old ones."""
    check_options(kind.value if kind else None, limit)
    desk = desk_for(ctx)
    with index_progress() as progress:
        desk.read(ensure_index, progress=progress)
    desk.read(catch_up)
    hits = desk.read(
        search,
        " ".join(words),
        kind=kind.value if kind else None,
        limit=limit,
        property_code=property_code,
    )
    print_rows(hits, _HIT_COLUMNS, json_output=json_output, empty="Nothing matches.")


def _title(hit: SearchHit) -> Text:
    title = Text(hit.title)
    if hit.vip:
        title.append(f" VIP {hit.vip}", style="bold")
    if hit.do_not_rent:
        title.append(" DO NOT RENT", style="bold red")
    return title


def _stay(hit: SearchHit) -> Text:
    if hit.status:
        return status_text(hit.status)
    return Text(hit.stay.replace("_", " "))


_HIT_COLUMNS: list[Column[SearchHit]] = [
    Column("type", lambda h: h.kind, no_wrap=True),
    Column("ref", lambda h: escape(h.ref), no_wrap=True),
    Column("name", _title),
    Column("details", lambda h: escape(h.detail)),
    Column("stay", _stay),
]


@app.command("reindex")
def reindex_(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """Build this desk's search index again from the database (it is also rebuilt on its own
    when it is missing or damaged)."""
    with index_progress() as progress:
        report = desk_for(ctx).read(reindex, progress=progress)
    if json_output:
        print_json(report)
        return
    console().print(
        f"Indexed {report.guests:,} guests, {report.rooms:,} rooms and "
        f"{report.reservations:,} reservations in {report.seconds:.1f} s "
        f"(up to change {report.last_change}) — {escape(report.path)}"
    )
