"""Importing guest profiles in bulk: a hotel coming over brings its whole guest file.

A row is the same guest as an earlier row or a profile on file when it shares an e-mail or a
phone number (`pms.guests.duplicates`); what happens then is the administrator's choice:
`error` (refuse the file, naming both), `skip` (keep what is on file), `merge` (fill in what
the profile leaves blank, never overwriting). New profiles go in with one INSERT per batch and
their audit rows in one call each; when the caller indexes them aside (`pms.search.bulk`),
each batch's documents are written by a worker process while the next batches go in, and the
caller publishes them once the import has committed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from db.models import Guest
from pms.guests.contact import full_name
from pms.guests.duplicates import KnownGuests, contact_keys, known_guests
from pms.guests.profile_edits import snapshot
from pms.imports.problems import ImportReport, RowProblem
from pms.imports.rows import GuestRow
from pms.kernel.audit import record, record_many
from pms.kernel.errors import InvalidInput
from pms.search.bulk import ImportedGuests

ON_DUPLICATE = ("error", "skip", "merge")
#: Profiles written per INSERT (and audit call): large enough to be fast, small enough that
#: no driver meets its limit on parameters.
BATCH = 5_000
#: The profile fields a merge fills in when the profile has them blank.
_FILLED = ("first_name", "email", "phone", "country", "company", "city", "notes")


def check_on_duplicate(value: str) -> str:
    """`error`, `skip` or `merge`."""
    if value not in ON_DUPLICATE:
        raise InvalidInput("on_duplicate", f"on duplicate must be {', '.join(ON_DUPLICATE)}")
    return value


def profile_of(row: GuestRow) -> dict[str, Any]:
    """The profile a row (of guests, or of stays) describes, as the columns of `guests`."""
    return row.model_dump(include={"first_name", "last_name", "email", "phone", "country"} | {
        "company", "city", "vip_level", "notes"
    })  # fmt: skip


def _fill(blank: dict[str, Any], row: GuestRow) -> bool:
    """Fill the blank fields of `blank` from the row; True when one was."""
    changed = False
    for name in _FILLED:
        value = getattr(row, name)
        if value and not blank.get(name):
            blank[name] = value
            changed = True
    return changed


def import_guests(
    session: Session,
    rows: list[tuple[int, GuestRow]],
    on_duplicate: str,
    report: ImportReport,
    problems: list[RowProblem],
    progress: Callable[[int], None],
    index: ImportedGuests | None = None,
) -> None:
    """Add the rows' profiles, handling duplicates as `on_duplicate` says; a duplicate under
    `error` is a problem, and then nothing is written. The new profiles go to `index` batch by
    batch, as they are inserted."""
    check_on_duplicate(on_duplicate)
    on_file = known_guests(session)
    in_file = KnownGuests()  # the index in `new` of the first row with each key
    new: list[dict[str, Any]] = []
    new_lines: list[int] = []
    merges: dict[int, list[GuestRow]] = {}
    for done, (line, row) in enumerate(rows, 1):
        keys = contact_keys(row.email, row.phone)
        earlier, existing = in_file.find(keys), on_file.find(keys)
        if existing is None and earlier is None:
            in_file.add(len(new), keys)
            new.append(profile_of(row))
            new_lines.append(line)
        elif on_duplicate == "error":
            column = (existing or earlier or (0, ""))[1]
            whom = f"guest #{existing[0]}" if existing else f"line {new_lines[earlier[0]]}"
            problems.append(RowProblem(line, column, f"the same {column} as {whom}"))
        elif on_duplicate == "skip":
            report.skipped += 1
        elif existing is not None:
            merges.setdefault(existing[0], []).append(row)
        else:
            assert earlier is not None
            report.updated += _fill(new[earlier[0]], row)
            report.skipped += 1
        progress(done)
    if problems:
        return
    insert_profiles(session, new, (lambda ids: index.add(session, ids)) if index else None)
    report.created += len(new)
    report.updated += _merge(session, merges)


def insert_profiles(
    session: Session,
    profiles: list[dict[str, Any]],
    inserted: Callable[[list[int]], None] | None = None,
) -> list[int]:
    """The new profiles, in batches, each batch with its audit rows (then told to
    `inserted`); returns their ids."""
    # Core's INSERT of the table, not the ORM's bulk INSERT of the class: the same
    # multi-row statements (insertmanyvalues), without the ORM's ~15 µs a row of bookkeeping.
    table = Guest.__table__
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    made: list[int] = []
    for start in range(0, len(profiles), BATCH):
        batch = profiles[start : start + BATCH]
        ids = list(session.execute(statement, batch).scalars())
        after = [
            (guest_id, {"name": full_name(p["first_name"], p["last_name"]), "source": "import"})
            for guest_id, p in zip(ids, batch, strict=True)
        ]
        record_many(session, "create", "guest", after)
        if inserted:
            inserted(ids)
        made += ids
    return made


def _merge(session: Session, merges: dict[int, list[GuestRow]]) -> int:
    """Fill in the blanks of profiles on file; returns how many changed."""
    changed = 0
    ids = list(merges)
    for start in range(0, len(ids), BATCH):
        guests = session.scalars(select(Guest).where(Guest.id.in_(ids[start : start + BATCH])))
        for guest in guests:
            before = snapshot(guest)
            fields = {name: getattr(guest, name) for name in _FILLED}
            if any([_fill(fields, row) for row in merges[guest.id]]):
                for name, value in fields.items():
                    setattr(guest, name, value)
                session.flush()
                record(session, "update", "guest", guest.id, before=before, after=snapshot(guest))
                changed += 1
    return changed
