"""A hotel's guest file comes over and the front desk finds the guests at once: the documents
are written aside while the import goes in and join the search index only once it commits.

On SQLite and PostgreSQL; the index is the desk's own whoosh index in the test's cache folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MANAGER
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Guest
from pms.guests.profile_edits import GuestDetails, create_guest, update_guest
from pms.imports import guests as guest_import
from pms.imports.files import read_rows
from pms.imports.problems import ImportRefused
from pms.imports.service import ImportOptions, import_rows
from pms.kernel.desk import Desk
from pms.search import bulk
from pms.search.service import catch_up, ensure_index, index_for, search

HEADER = "first_name,last_name,email,phone,country\n"


def guest_file(count: int, start: int = 0) -> str:
    lines = [f"Eva,Novak{i},eva.novak.{i}@example.com,+35191{i:07d},PT" for i in
             range(start, start + count)]  # fmt: skip
    return HEADER + "\n".join(lines) + "\n"


def found(desk: Desk, text: str) -> list[str]:
    return [hit.title for hit in desk.read(search, text, kind="guest", limit=200)]


def by_email(desk: Desk, i: int) -> list[str]:
    return found(desk, f"eva.novak.{i}@example.com")


def documents(desk: Desk) -> int:
    """The live documents of the desk's index."""

    def _count(session: Session) -> int:
        ix = index_for(session)
        ix.ensure(session)
        assert ix._searcher is not None
        return ix._searcher.doc_count()

    return desk.read(_count)


def asides(desk: Desk) -> list[Path]:
    return list(desk.read(lambda s: index_for(s).root).glob("aside-*"))


def imported(desk: Desk, text: str, **options: str) -> bulk.ImportedGuests:
    """Import the file as `pms import guests` does, up to the commit; the caller publishes."""
    index = desk.read(bulk.imported_guests)
    desk.run(import_rows, "guests", read_rows(text, "csv"), ImportOptions(**options), None, index)
    return index


@pytest.fixture
def front_desk(hotel: Desk) -> Desk:
    """The hotel with its search index open, a manager signed in to import."""
    hotel.read(ensure_index)
    hotel.actor = MANAGER
    return hotel


def test_the_imported_guests_are_found_once_the_import_commits(front_desk: Desk) -> None:
    before = documents(front_desk)
    index = imported(front_desk, guest_file(40))
    assert by_email(front_desk, 7) == []  # written aside, not yet in the index
    assert front_desk.read(bulk.publish, index) == 40
    assert by_email(front_desk, 7) == ["Novak7, Eva"]
    assert by_email(front_desk, 39) == ["Novak39, Eva"]
    assert documents(front_desk) == before + 40
    assert front_desk.read(catch_up) == 0  # the import's own changes are not applied again
    assert asides(front_desk) == []


def test_a_refused_or_dry_run_import_leaves_no_documents_behind(front_desk: Desk) -> None:
    before = documents(front_desk)
    bad = guest_file(30) + "Rui,Costa,not-an-address,,PT\n"
    with pytest.raises(ImportRefused):
        imported(front_desk, bad)
    assert asides(front_desk) == []
    index = imported(front_desk, guest_file(30), dry_run=True)
    assert front_desk.read(bulk.publish, index) == 0
    assert documents(front_desk) == before
    assert by_email(front_desk, 3) == [] and asides(front_desk) == []


def test_a_failed_insert_drops_what_was_written_aside(
    front_desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = guest_import.record_many
    calls = []

    def failing_on_the_second_batch(*args: object) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the disk filled up")
        real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(guest_import, "BATCH", 10)
    monkeypatch.setattr(guest_import, "record_many", failing_on_the_second_batch)
    with pytest.raises(RuntimeError):
        imported(front_desk, guest_file(25))
    assert asides(front_desk) == []
    assert by_email(front_desk, 3) == []


def test_what_other_desks_change_meanwhile_is_applied_with_the_import(front_desk: Desk) -> None:
    ana = front_desk.run(create_guest, GuestDetails(name="Ana Ferreira"))
    front_desk.read(catch_up)
    index = imported(front_desk, guest_file(20))
    # Before this desk publishes, another desk renames a guest on file and an imported one.
    front_desk.run(update_guest, ana.id, GuestDetails(name="Ana Mourato"))
    newest = front_desk.read(lambda s: s.scalar(select(func.max(Guest.id))))
    front_desk.run(update_guest, newest, GuestDetails(name="Evelina Novak19"))
    assert front_desk.read(bulk.publish, index) == 20
    assert found(front_desk, "mourato") == ["Mourato, Ana"] and found(front_desk, "ferreira") == []
    assert found(front_desk, "evelina") == ["Novak19, Evelina"]
    assert by_email(front_desk, 5) == ["Novak5, Eva"]


def test_a_long_file_is_indexed_by_worker_processes_in_segments(
    front_desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(guest_import, "BATCH", 20)
    monkeypatch.setattr(bulk, "SEGMENT_DOCS", 30)
    monkeypatch.setattr(bulk, "IN_PROCESS_DOCS", 5)
    index = imported(front_desk, guest_file(70))
    assert front_desk.read(bulk.publish, index) == 70
    assert by_email(front_desk, 69) == ["Novak69, Eva"]
    assert by_email(front_desk, 0) == ["Novak0, Eva"]
    assert len(found(front_desk, "eva")) == 70
