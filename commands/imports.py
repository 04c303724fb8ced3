"""Moving a hotel in and out from the command line: `pms import KIND FILE` and `pms export KIND`.

An import checks the whole file first and writes it whole or not at all: every bad row is
listed on stderr (`guests.csv: line 7: email: …`) and nothing is written. A long file shows a
progress bar on stderr, so `--json` output stays clean for scripts. An export streams its rows
to a file or to stdout (`--output -`), in constant memory however many there are.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from commands import JsonOption, PropertyOption, desk_for
from commands.output import console, print_json
from pms.kernel.errors import InvalidInput

#: Files with fewer rows than this are done before a bar would be read.
LONG_FILE = 500


class ImportKind(StrEnum):
    """What `pms import` takes (`pms.imports.service.KINDS`)."""

    ROOM_TYPES = "room-types"
    ROOMS = "rooms"
    RATE_PLANS = "rate-plans"
    RATES = "rates"
    GUESTS = "guests"
    RESERVATIONS = "reservations"


class ExportKind(StrEnum):
    """What `pms export` gives (`pms.imports.exports.EXPORTS`)."""

    GUESTS = "guests"
    RESERVATIONS = "reservations"
    RATES = "rates"
    POSTINGS = "postings"
    INVOICES = "invoices"
    PAYMENTS = "payments"
    STATISTICS = "statistics"


class FileFormat(StrEnum):
    """The formats of a file."""

    CSV = "csv"
    JSON = "json"


class OnDuplicate(StrEnum):
    """What to do with a guest on file already."""

    ERROR = "error"
    SKIP = "skip"
    MERGE = "merge"


Format = Annotated[
    FileFormat | None, typer.Option("--format", help="File format (default: from the name).")
]


@contextmanager
def _progress(title: str, rows: int) -> Iterator[Callable[[int, int], None] | None]:
    """A progress callback drawing a bar on stderr, for long files only."""
    if rows < LONG_FILE:
        yield None
        return
    bar = Progress(TextColumn(title), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=console(stderr=True), transient=True)  # fmt: skip
    task = bar.add_task(title, total=2 * rows)
    with bar:
        yield lambda done, total: bar.update(task, completed=done, total=total)


def import_(
    ctx: typer.Context,
    kind: Annotated[ImportKind, typer.Argument(help="What the file holds.")],
    file: Annotated[Path, typer.Argument(help="The CSV or JSON file (docs/imports.md).")],
    file_format: Format = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check everything and say what would be written.")
    ] = False,
    on_duplicate: Annotated[
        OnDuplicate,
        typer.Option(
            "--on-duplicate",
            help="A guest with the e-mail or phone of a profile on file or an earlier row.",
        ),
    ] = OnDuplicate.ERROR,
    allow_overbook: Annotated[
        bool,
        typer.Option("--allow-overbook", help="Let stays to come overbook a night (managers)."),
    ] = False,
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Import a file: every row is checked first, and the file is written whole or not at all."""
    from pms.imports.files import decode, format_of, read_rows
    from pms.imports.problems import ImportRefused
    from pms.imports.service import ImportOptions, import_rows
    from pms.search.bulk import imported_guests, publish

    try:
        data = file.read_bytes()
    except OSError as error:
        raise InvalidInput("file", f"cannot read {file}: {error.strerror}") from error
    rows = read_rows(decode(data), format_of(file.name, file_format))
    options = ImportOptions(property_code, dry_run, on_duplicate.value, allow_overbook)
    desk = desk_for(ctx)
    index = desk.read(imported_guests) if kind == ImportKind.GUESTS and not dry_run else None
    try:
        with _progress(f"Importing {kind}", len(rows)) as progress:
            report = desk.run(import_rows, kind, rows, options, progress, index)
        if index is not None:
            desk.read(publish, index)  # the documents written as the rows went in
        elif kind == ImportKind.RESERVATIONS and report.created and not dry_run:
            _index_catches_up(desk, report.created)
    except ImportRefused as refused:
        if json_output:
            print_json({"kind": kind, "imported": False, "problems": refused.problems})
        for problem in refused.problems:
            typer.echo(f"{file.name}: {problem}", err=True)
        raise
    finally:
        if index is not None:
            index.drop()  # nothing is left aside, whatever happened
    _print_report(report, file.name, json_output)


#: From this many new stays on, building the index again (in worker processes, segment by
#: segment) is faster than catching up with them change by change (benchmarks/imports.py).
REBUILD_FROM = 20_000


def _index_catches_up(desk: Any, created: int) -> None:
    """The new stays (and their guests) into this desk's search index, in bulk: its
    change-log batches, or a whole new index after a large import."""
    from pms.search.service import catch_up, reindex

    if created < REBUILD_FROM:
        desk.read(catch_up)
        return
    with _progress("Building the search index", REBUILD_FROM) as progress:
        desk.read(reindex, progress=progress)


def _print_report(report: Any, name: str, json_output: bool) -> None:
    if json_output:
        print_json(report)
        return
    would = "Would import" if report.dry_run else "Imported"
    line = f"{would} {report.created:,} {report.kind} from {name} ({report.rows:,} rows"
    if report.updated:
        line += f", {report.updated:,} merged into profiles on file"
    if report.skipped:
        line += f", {report.skipped:,} skipped: on file already"
    console().print(line + ")." + (" Nothing was written." if report.dry_run else ""))


def export(
    ctx: typer.Context,
    kind: Annotated[ExportKind, typer.Argument(help="What to export.")],
    first: Annotated[
        str | None, typer.Option("--from", metavar="DATE", help="First day (business date).")
    ] = None,
    last: Annotated[
        str | None, typer.Option("--to", metavar="DATE", help="Last day, included.")
    ] = None,
    file_format: Format = None,
    output: Annotated[
        str, typer.Option("--output", "-o", metavar="FILE|-", help="Where to write; - is stdout.")
    ] = "-",
    property_code: PropertyOption = None,
    json_output: JsonOption = False,
) -> None:
    """Export guests, reservations, rates, the journal of postings (by business date,
    corrections included), invoices, payments or the daily statistics per room type, as CSV
    or JSON."""
    from pms.imports.exports import export_to
    from pms.imports.files import format_of

    chosen = format_of(output, file_format or ("json" if json_output and output == "-" else None))
    desk = desk_for(ctx)
    if output == "-":
        desk.read(export_to, kind, property_code, (first, last), sys.stdout, chosen)
        return
    try:
        with open(output, "w", encoding="utf-8", newline="") as out:
            count = desk.read(export_to, kind, property_code, (first, last), out, chosen)
    except OSError as error:
        raise InvalidInput("output", f"cannot write {output}: {error.strerror}") from error
    if json_output:
        print_json({"kind": kind, "rows": count, "output": output, "format": chosen})
    else:
        console().print(f"Exported {count:,} {kind} to {output}.")
