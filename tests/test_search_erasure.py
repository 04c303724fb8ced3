"""Anonymising a guest takes their name and contact details out of the search index files of
every desk — each desk purges before it answers its next query — and rewrites only the
segments that held them (read from the files themselves, on a real whoosh index)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import MANAGER
from sqlalchemy import insert

from db.models import Guest
from pms.guests.lookup import GuestInput
from pms.guests.merge import anonymise_guest
from pms.kernel.desk import Desk
from pms.reservations.booking import BookingRequest, book
from pms.search import segments
from pms.search.service import close_indexes, ensure_index, index_for, search

PERSONAL = (b"wislawa.s@example.com", b"szymborska")


@pytest.fixture(autouse=True)
def _small_segments(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Segments of ten documents, so that a small hotel's index has many (and a build of more
    # than two segments' worth writes them in worker processes, as at 100,000 guests).
    monkeypatch.setattr(segments, "SEGMENT_DOCS", 10)
    yield
    close_indexes()


def _files(desk: Desk) -> dict[str, bytes]:
    path = desk.read(lambda session: index_for(session).path)
    return {f.name: f.read_bytes() for f in Path(path).iterdir() if f.is_file()}


def _segment_files(files: dict[str, bytes]) -> set[str]:
    return {name for name in files if name.endswith(".seg")}


def _personal_data_in(files: dict[str, bytes]) -> list[str]:
    return [name for name, data in files.items() if any(p in data for p in PERSONAL)]


def _switch_desk(monkeypatch: pytest.MonkeyPatch, cache: Path) -> None:
    """Act as a desk on another computer: its own index in its own cache directory."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))


def test_anonymising_purges_every_desks_index_files_rewriting_only_their_segments(
    hotel: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def _others(session) -> None:  # type: ignore[no-untyped-def]
        session.execute(
            insert(Guest),
            [{"first_name": "Ann", "last_name": f"Lee{n}", "email": f"ann{n}@example.com"}
             for n in range(60)],
        )  # fmt: skip

    hotel.run(_others)
    view = hotel.run(
        book,
        BookingRequest(
            arrival=dt.date(2026, 12, 3),
            nights=2,
            room_type="DBL",
            guest=GuestInput("Wisława Szymborska", "wislawa.s@example.com"),
        ),
    )
    desks = {name: tmp_path / f"cache-{name}" for name in ("front", "back")}
    before = {}
    for name, cache in desks.items():
        _switch_desk(monkeypatch, cache)
        assert hotel.read(ensure_index) is True
        before[name] = _files(hotel)
        assert len(_segment_files(before[name])) > 5
        assert _personal_data_in(before[name])

    _switch_desk(monkeypatch, desks["front"])
    hotel.actor = MANAGER
    hotel.run(anonymise_guest, "wislawa.s@example.com")

    for name, cache in desks.items():  # neither desk ran its catch-up loop: a query purges
        _switch_desk(monkeypatch, cache)
        assert hotel.read(search, "szymborska") == []
        after = _files(hotel)
        assert _personal_data_in(after) == [], name
        rewritten = _segment_files(before[name]) - _segment_files(after)
        # the guest's segment and their stay's (rooms and stays come after the guests)
        assert 1 <= len(rewritten) <= 2, name
        [stay] = hotel.read(search, view.confirmation)
        assert stay.title == f"{view.confirmation} anonymised guest"
        assert hotel.read(search, "lee42")[0].title == "Lee42, Ann"  # the others still found
