"""Looking after an installation: `pms doctor`, `pms backup`, `pms restore`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from commands import JsonOption, open_for
from commands.output import console, print_json
from pms.kernel.errors import InvalidInput

_MARK = {"ok": "[green]ok[/]  ", "warn": "[yellow]warn[/]", "fail": "[red]fail[/]"}


def doctor(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """Check the database, migrations, search index, payments, business dates, disk and config:
    each line ok, warn or fail with its fix; exit code 1 when anything fails."""
    from pms.operations.doctor import FAIL, run_checks

    desk, _ = open_for(ctx, ready=False)
    checks = run_checks(desk)
    if json_output:
        print_json(checks)
    else:
        out = console()
        for check in checks:
            fix = f" — {escape(check.fix)}" if check.fix else ""
            out.print(f"{_MARK[check.status]} {check.name}: {escape(check.detail)}{fix}")
    if any(check.status == FAIL for check in checks):
        raise typer.Exit(1)


def backup(
    ctx: typer.Context,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Where to write it; default: the "
            "backups directory beside the database, named by the time.",
        ),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Write a consistent copy of the database while desks keep working (SQLite's online
    backup API; pg_dump for PostgreSQL)."""
    from pms.operations.backups import backup as write_backup

    desk, _ = open_for(ctx, ready=False)
    path = write_backup(desk.engine, output)
    if json_output:
        print_json({"file": str(path), "bytes": path.stat().st_size})
        return
    console().print(f"Backed up to {escape(str(path))} ({path.stat().st_size:,} bytes).")


def restore(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A file `pms backup` wrote.")],
    yes: Annotated[
        bool, typer.Option("--yes", help="Yes, replace everything in the database with it.")
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Replace the database's contents with a backup (close every desk first)."""
    from pms.operations.backups import restore as read_backup

    if not yes:
        raise InvalidInput("yes", "restoring replaces every row of the database: add --yes")
    desk, _ = open_for(ctx, ready=False)
    read_backup(desk.engine, file)
    if json_output:
        print_json({"restored": str(file)})
        return
    console().print(f"Restored the database from {escape(str(file))}.")
