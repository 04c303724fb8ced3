"""Each desk's index follows the database: changes made at other desks are applied from the change
log; an index that is missing, damaged or built from another database is built again; desks on
one machine never corrupt each other's index.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import MANAGER
from sqlalchemy import text

from db.engine import make_engine
from pms.guests.profile_edits import GuestDetails, create_guest, update_guest
from pms.hotel.properties import add_room
from pms.kernel.audit import record
from pms.kernel.desk import Desk
from pms.search.index import SearchIndex
from pms.search.service import (
    catch_up,
    close_indexes,
    ensure_index,
    index_for,
    index_state,
    reindex,
    search,
)


@pytest.fixture(autouse=True)
def _close_indexes() -> Iterator[None]:
    yield
    close_indexes()


@pytest.fixture
def other_desk(db_url: str) -> Iterator[Desk]:
    """Another desk on the same database: its own engine and connections."""
    desk = Desk.open(db_url)
    desk.actor = MANAGER
    yield desk
    desk.close()


def names(desk: Desk, typed: str) -> list[str]:
    return [hit.title for hit in desk.read(search, typed, kind="guest")]


def index_dir(desk: Desk) -> Path:
    return desk.read(lambda session: index_for(session).path)


def test_a_guest_added_at_another_desk_is_found_after_catching_up(
    hotel: Desk, other_desk: Desk
) -> None:
    hotel.read(ensure_index)
    assert names(hotel, "okafor") == []

    other_desk.run(create_guest, GuestDetails(name="Chidi Okafor"))
    assert hotel.read(catch_up) == 1
    assert names(hotel, "okafor") == ["Okafor, Chidi"]

    guest_id = other_desk.read(search, "okafor")[0].id
    other_desk.run(update_guest, guest_id, GuestDetails(name="Chidi Okonkwo"))
    other_desk.run(add_room, "TST", "302", "SUI")
    assert hotel.read(catch_up) == 2
    assert names(hotel, "okafor") == []
    assert names(hotel, "okon") == ["Okonkwo, Chidi"]
    assert [h.ref for h in hotel.read(search, "302", kind="room")] == ["302"]
    assert hotel.read(catch_up) == 0  # nothing new: nothing written


def test_progress_is_reported_while_the_index_is_built(hotel: Desk) -> None:
    seen: list[tuple[int, int]] = []
    report = hotel.read(reindex, progress=lambda done, total: seen.append((done, total)))
    assert (report.guests, report.rooms, report.reservations) == (0, 6, 0)
    assert seen[-1] == (6, 6)
    assert report.last_change == hotel.read(index_state).last_seen > 0


@pytest.mark.parametrize("damage", ["deleted", "garbage", "emptied"])
def test_a_missing_or_damaged_index_is_built_again(hotel: Desk, damage: str) -> None:
    hotel.run(create_guest, GuestDetails(name="Lucía García"))
    hotel.read(ensure_index)
    path = index_dir(hotel)
    close_indexes()  # the desk restarts
    if damage == "deleted":
        shutil.rmtree(path)
    for file in path.glob("*") if damage != "deleted" else []:
        file.write_bytes(b"\x00garbage" * 64 if damage == "garbage" else b"")

    assert hotel.read(ensure_index) is True
    assert names(hotel, "garc") == ["García, Lucía"]
    assert hotel.read(ensure_index) is False  # and is then simply opened


def test_a_file_damaged_under_a_running_desk_is_rebuilt_on_the_next_search(hotel: Desk) -> None:
    hotel.run(create_guest, GuestDetails(name="Lucía García"))
    hotel.read(ensure_index)
    found = hotel.read(index_for)
    found.mark_damaged()  # what a failed read of the files does
    assert names(hotel, "garc") == ["García, Lucía"]


def test_an_index_of_another_database_at_the_same_url_is_rebuilt(
    hotel: Desk, db_url: str, tmp_path: Path, sqlite_template: Path
) -> None:
    hotel.run(create_guest, GuestDetails(name="Lucía García"))
    hotel.read(ensure_index)
    # The database is made again at the same URL with other guests in it.
    hotel.close()
    if db_url.startswith("sqlite"):
        shutil.copy(sqlite_template, db_url.removeprefix("sqlite:///"))
    else:
        engine = make_engine(db_url)
        with engine.begin() as conn:
            conn.execute(text("TRUNCATE guests, change_log, audit_log RESTART IDENTITY CASCADE"))
        engine.dispose()
    fresh = Desk.open(db_url)
    fresh.actor = MANAGER
    fresh.run(create_guest, GuestDetails(name="Ana Garrido"))  # its history starts otherwise
    fresh.read(catch_up)  # the running desk notices on its next round
    assert names(fresh, "gar") == ["Garrido, Ana"]
    fresh.close()


def test_each_database_has_its_own_index(
    hotel: Desk, tmp_path: Path, sqlite_template: Path
) -> None:
    path = tmp_path / "second.sqlite3"
    shutil.copy(sqlite_template, path)
    second = Desk.open(f"sqlite:///{path}")
    second.actor = MANAGER
    second.run(create_guest, GuestDetails(name="Ana Garrido"))
    hotel.run(create_guest, GuestDetails(name="Lucía García"))

    assert names(hotel, "gar") == ["García, Lucía"]
    assert names(second, "gar") == ["Garrido, Ana"]
    assert index_dir(hotel) != index_dir(second)
    second.close()


def test_two_desks_on_one_machine_share_one_index_without_harm(
    hotel: Desk, other_desk: Desk
) -> None:
    hotel.read(ensure_index)
    root = index_dir(hotel).parent
    # A second process on this machine: its own handle on the same directory.
    neighbour = SearchIndex(hotel.engine.url, root)
    other_desk.read(neighbour.ensure)
    for number in range(8):
        other_desk.run(create_guest, GuestDetails(name=f"Guest{number} Parallel"))

    errors: list[BaseException] = []

    def follow(desk: Desk, index: SearchIndex) -> None:
        try:
            for _ in range(5):
                desk.read(index.catch_up)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [
        threading.Thread(target=follow, args=(hotel, hotel.read(index_for))),
        threading.Thread(target=follow, args=(other_desk, neighbour)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    hotel.read(catch_up)
    assert len(names(hotel, "parallel")) == 8
    other_desk.read(neighbour.catch_up)
    with neighbour._machine_lock(0):  # while one desk writes, the other skips its round
        other_desk.run(create_guest, GuestDetails(name="Late Parallel"))
        assert hotel.read(catch_up) == 0
    assert hotel.read(catch_up) == 1
    neighbour.close()


def test_a_change_committed_late_below_the_bookmark_is_still_applied(
    hotel: Desk, other_desk: Desk, db_url: str
) -> None:
    if db_url.startswith("sqlite"):
        pytest.skip("SQLite commits one writer at a time: change ids always commit in order")
    hotel.read(ensure_index)
    slow = other_desk._writer()  # a transaction that takes its change id, then dawdles
    slow.begin()
    slow.info["actor"] = MANAGER
    create_guest(slow, GuestDetails(name="Slow Starter"))
    slow.flush()

    hotel.run(create_guest, GuestDetails(name="Quick Finisher"))
    hotel.read(catch_up)
    assert names(hotel, "finisher") == ["Finisher, Quick"]
    assert hotel.read(index_state).gaps  # the slow one's ids are watched

    slow.commit()
    slow.close()
    hotel.read(catch_up)
    assert names(hotel, "starter") == ["Starter, Slow"]
    assert not hotel.read(index_state).gaps


def test_a_stay_changed_at_another_desk_shows_its_new_status(hotel: Desk, other_desk: Desk) -> None:
    guest = hotel.run(create_guest, GuestDetails(name="Lucía García"))
    hotel.read(ensure_index)

    def _rename_type(session) -> None:  # type: ignore[no-untyped-def]
        session.execute(text("UPDATE room_types SET name = 'Grand Suite' WHERE code = 'SUI'"))
        type_id = session.execute(text("SELECT id FROM room_types WHERE code = 'SUI'")).scalar()
        record(session, "update", "room_type", type_id)

    other_desk.run(_rename_type)
    hotel.read(catch_up)
    assert [h.ref for h in hotel.read(search, "grand", kind="room")] == ["301"]
    assert hotel.read(search, "garcia")[0].id == guest.id
