"""`pms audit-log`: the audit trail of money, override and admin actions (supervisors), and
`pms audit-log export`, which writes the rows older than a day to a file for the archive.

(`pms audit` is the night audit; this is the trail.) An export reads the trail a page at a
time (`pms.kernel.audit_trail.audit_rows_before`) and writes each page as it comes, so its
memory stays the same for a month or ten years; it deletes nothing (the table is append-only).
The file appears whole or not at all: it is written beside and renamed when complete.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import IO, Annotated

import typer
from rich.markup import escape

from commands import JsonOption, desk_for
from commands.output import Column, console, print_rows
from pms.kernel.audit_trail import (
    DEFAULT_LIMIT,
    AuditFilter,
    AuditRow,
    audit_rows_before,
    audit_trail,
)
from pms.kernel.desk import Desk
from pms.kernel.errors import InvalidInput

app = typer.Typer(
    help="The audit trail: who did what to money, overrides and users, when and where.",
    invoke_without_command=True,
)


def _day(value: str | None, field: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(field, f"{field} must be a date like 2026-12-04") from None


@app.callback(invoke_without_command=True)
def audit_log(
    ctx: typer.Context,
    user: Annotated[
        str | None, typer.Option("--user", metavar="NAME", help="Done by this user.")
    ] = None,
    action: Annotated[str | None, typer.Option(help="Only this action, e.g. refund.")] = None,
    since: Annotated[
        str | None, typer.Option("--from", metavar="DATE", help="From this day (UTC).")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--to", metavar="DATE", help="To this day (UTC).")
    ] = None,
    record: Annotated[
        str | None, typer.Option(metavar="CONF", help="A reservation, its folios and payments.")
    ] = None,
    limit: Annotated[
        int, typer.Option(min=1, max=10000, help="At most this many rows.")
    ] = DEFAULT_LIMIT,
    json_output: JsonOption = False,
) -> None:
    """Who did what, when, at which desk, before and after: newest first. `export` writes
    the rows older than a day to a file."""
    if ctx.invoked_subcommand is not None:
        return
    wanted = AuditFilter(user, action, _day(since, "from"), _day(until, "to"), record, limit)
    rows = desk_for(ctx).read(audit_trail, wanted)
    print_rows(rows, _COLUMNS, json_output=json_output, empty="No audit rows match.")


def _change(row: AuditRow) -> str:
    text = json.dumps(row.after if row.after is not None else row.before, ensure_ascii=False)
    return escape(text if len(text) <= 60 else text[:59] + "…")


_COLUMNS: list[Column[AuditRow]] = [
    Column("when", lambda r: f"{r.at:%Y-%m-%d %H:%M:%S}", no_wrap=True),
    Column("user", lambda r: escape(r.username)),
    Column("desk", lambda r: escape(r.desk)),
    Column("action", lambda r: escape(r.action)),
    Column("record", lambda r: f"{r.entity} #{r.entity_id}"),
    Column("after", _change),
]


class ExportFormat(StrEnum):
    """The file an export writes: CSV (before/after as JSON text) or one JSON array."""

    CSV = "csv"
    JSON = "json"


#: The CSV header: every column of the audit log, before and after as JSON.
_CSV_FIELDS = ["id", "at", "username", "desk", "action", "entity", "entity_id", "before", "after"]


@app.command("export")
def export(
    ctx: typer.Context,
    before: Annotated[
        str, typer.Option("--before", metavar="DATE", help="Rows written before this day (UTC).")
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="FILE", help="The file to write.")
    ],
    file_format: Annotated[
        ExportFormat, typer.Option("--format", help="csv (the default) or json.")
    ] = ExportFormat.CSV,
) -> None:
    """Write every audit row older than --before to a file for the archive, oldest first.
    Nothing is deleted: the audit log is append-only."""
    day = _day(before, "before")
    assert day is not None  # a required option
    desk = desk_for(ctx)
    with _whole_file(output) as out:
        count = _write_rows(out, _pages(desk, day), file_format)
    console(stderr=True).print(
        f"Exported {count} audit row{'s' if count != 1 else ''} written before {day:%Y-%m-%d} "
        f"to {escape(str(output))} ({file_format.value}); the audit log keeps them all."
    )


def _pages(desk: Desk, day: dt.date) -> Iterator[AuditRow]:
    """The rows before `day`, read a page per unit of work."""
    last = 0
    while page := desk.read(audit_rows_before, day, last):
        yield from page
        last = page[-1].id


def _plain(row: AuditRow) -> dict[str, object]:
    return {
        "id": row.id,
        "at": row.at.isoformat(),
        "username": row.username,
        "desk": row.desk,
        "action": row.action,
        "entity": row.entity,
        "entity_id": row.entity_id,
        "before": row.before,
        "after": row.after,
    }


def _write_rows(out: IO[str], rows: Iterator[AuditRow], file_format: ExportFormat) -> int:
    """Write each row as it comes; the number written."""
    count = 0
    if file_format is ExportFormat.CSV:
        writer = csv.DictWriter(out, fieldnames=_CSV_FIELDS)
        writer.writeheader()
        for row in rows:
            plain = _plain(row)
            for copy in ("before", "after"):
                value = plain[copy]
                plain[copy] = "" if value is None else json.dumps(value, ensure_ascii=False)
            writer.writerow(plain)
            count += 1
        return count
    out.write("[")
    for row in rows:
        out.write(",\n" if count else "\n")
        out.write(json.dumps(_plain(row), ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


@contextmanager
def _whole_file(path: Path) -> Iterator[IO[str]]:
    """Write beside `path` and rename when done: a failed export leaves no half file."""
    if not path.name or path.name in (".", ".."):
        raise InvalidInput("output", f"give a file to write, not {str(path)!r}")
    part = path.with_name(f".{path.name}.part")
    try:
        with part.open("w", encoding="utf-8", newline="") as out:
            yield out
        os.replace(part, path)
    except OSError as exc:
        _remove(part)
        raise InvalidInput("output", f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        _remove(part)
        raise


def _remove(part: Path) -> None:
    with contextlib.suppress(OSError):  # a name too long was never made
        part.unlink(missing_ok=True)
