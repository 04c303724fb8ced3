"""`import_rows`: a file's rows into the hotel, whole or not at all.

First every row is read into its typed model (`pms.imports.rows`), every bad one noted. Then
the rows that read well are written in the caller's one transaction, through the services that
own the data (each refusal noted at its line, the rest still tried), inside a savepoint: when
any row was bad or refused, or on a dry run, the savepoint is rolled back and nothing is left
behind, and the refusal lists every bad row of the file. The import service knows no face: it
is told what to do by plain options and tells how it goes through a plain callback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from pydantic import BaseModel
from sqlalchemy.orm import Session

from pms.hotel.properties import resolve_property
from pms.imports import guests, hotel_kinds, stays
from pms.imports.checks import read_models
from pms.imports.files import SourceRow
from pms.imports.problems import ImportRefused, ImportReport
from pms.imports.rows import (
    GuestRow,
    RatePlanRow,
    RateRow,
    ReservationRow,
    RoomRow,
    RoomTypeRow,
)
from pms.kernel.errors import InvalidInput
from pms.kernel.permissions import require
from pms.search.bulk import ImportedGuests

#: What a file may hold, and the model each of its rows is read into.
MODELS: dict[str, type[BaseModel]] = {
    "room-types": RoomTypeRow,
    "rooms": RoomRow,
    "rate-plans": RatePlanRow,
    "rates": RateRow,
    "guests": GuestRow,
    "reservations": ReservationRow,
}
KINDS = tuple(MODELS)

#: Told (rows done, rows in all) as the import goes: reading counts once, writing once more.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportOptions:
    """How to import: where, whether to write at all, what to do with a guest on file already,
    and whether a manager lets a stay to come overbook a night."""

    property_code: str | None = None
    dry_run: bool = False
    on_duplicate: str = "error"
    allow_overbook: bool = False


def check_kind(kind: str) -> str:
    """A kind of import file (`room-types`, …, `reservations`)."""
    wanted = kind.strip().lower().replace("_", "-")
    if wanted not in MODELS:
        raise InvalidInput("kind", f"{kind!r} is not a kind of import ({', '.join(KINDS)})")
    return wanted


def import_rows(
    session: Session,
    kind: str,
    rows: list[SourceRow],
    options: ImportOptions,
    progress: Progress | None = None,
    index: ImportedGuests | None = None,
) -> ImportReport:
    """Import the rows of one kind at the property, all or none (managers and admins).

    Raises ImportRefused with every problem when any row is bad or refused; on a dry run the
    report says what would have been written and nothing is. New guests are indexed into
    `index` as they go in (the caller publishes it after the commit, `pms.search.bulk`),
    and dropped from it when the import fails.
    """
    try:
        return _import(session, kind, rows, options, progress, index)
    except BaseException:
        if index is not None:
            index.drop()
        raise


def _import(
    session: Session,
    kind: str,
    rows: list[SourceRow],
    options: ImportOptions,
    progress: Progress | None,
    index: ImportedGuests | None,
) -> ImportReport:
    kind = check_kind(kind)
    require(session, "import.run")
    prop = resolve_property(session, options.property_code)
    total = 2 * len(rows)

    def tick(offset: int) -> Callable[[int], None]:
        return (lambda done: progress(offset + done, total)) if progress else (lambda done: None)

    # The rows that read well are written even when others did not, so that what only the
    # database can tell (a code taken, a night sold out) is reported in the same pass; the
    # savepoint then takes it all back.
    good, problems = read_models(rows, MODELS[kind], prop.currency, tick(0))
    report = ImportReport(kind=kind, rows=len(rows), dry_run=options.dry_run)
    savepoint = session.begin_nested()
    writing = tick(len(rows))
    if kind == "guests":
        profiles = cast(list[tuple[int, GuestRow]], good)
        aside = None if options.dry_run else index
        if aside is not None:
            aside.start(session)
        guests.import_guests(
            session, profiles, options.on_duplicate, report, problems, writing, aside
        )
    elif kind == "reservations":
        stay_rows = cast(list[tuple[int, ReservationRow]], good)
        overbook = options.allow_overbook
        stays.import_stays(session, prop, stay_rows, overbook, report, problems, writing)
    else:
        hotel_kinds.write_rows(session, prop, kind, good, report, problems, writing)
    if problems:
        savepoint.rollback()
        raise ImportRefused(sorted(problems, key=lambda p: p.line))
    if options.dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
    return report
