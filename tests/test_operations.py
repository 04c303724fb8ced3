"""Looking after an installation: the doctor's lines and exit code, a backup and restore round
trip on each database, and the structured log that keeps what the screen shows in one line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from test_cli import data, one_line_error, pms

from pms.guests.lookup import GuestInput
from pms.kernel.desk import Desk
from pms.operations.journal import log_file
from pms.reservations.booking import BookingRequest, book
from pms.reservations.changes import cancel
from pms.stays.reservation_lists import list_reservations


def _stay(name: str) -> BookingRequest:
    return BookingRequest(arrival=dt.date(2026, 12, 3), nights=2, room_type="DBL",
                          guest=GuestInput(name))  # fmt: skip


def test_the_doctor_fails_an_unmigrated_database_and_passes_a_hotel(
    hotel: Desk, db_url: str, tmp_path: Path
) -> None:
    empty = pms(f"sqlite:///{tmp_path / 'empty.sqlite3'}", "doctor")
    assert empty.exit_code == 1 and "fail migrations" in empty.stdout
    assert "pms db upgrade" in empty.stdout
    checks = {c["name"]: c for c in data(pms(db_url, "doctor", "--json"))}
    assert checks["database"]["status"] == checks["migrations"]["status"] == "ok"
    assert checks["card payments"]["status"] == "ok"
    assert checks["search index"]["status"] == "warn" and "reindex" in checks["search index"]["fix"]
    behind = checks["night audit TST"]  # the test hotel's business date is 1 December 2026
    assert behind["status"] in {"ok", "warn"} and "business date 2026-12-01" in behind["detail"]
    assert checks["disk"]["status"] == "ok" and checks["config"]["status"] == "ok"


def test_a_server_that_does_not_answer_is_a_fail_with_its_fix() -> None:
    result = pms("postgresql+psycopg://postgres@127.0.0.1:1/nope", "doctor", "--json")
    assert result.exit_code == 1
    checks = {c["name"]: c for c in json.loads(result.stdout)}
    assert checks["database"]["status"] == "fail" and "migrations" not in checks


def test_a_backup_restores_the_hotel_as_it_was(hotel: Desk, db_url: str, tmp_path: Path) -> None:
    kept = hotel.run(book, _stay("Ada Lee"))
    copy = data(pms(db_url, "backup", "--output", str(tmp_path / "hotel.backup"), "--json"))
    assert copy["bytes"] > 0
    hotel.run(cancel, kept.confirmation)
    hotel.run(book, _stay("Bo Chen"))
    assert "--yes" in one_line_error(pms(db_url, "restore", copy["file"]))
    data(pms(db_url, "restore", copy["file"], "--yes", "--json"))
    stays = hotel.read(list_reservations)
    assert [(s.confirmation, s.status) for s in stays] == [(kept.confirmation, "confirmed")]
    assert "no backup file" in one_line_error(pms(db_url, "restore", "nope.dump", "--yes"))


def test_an_error_is_one_line_on_screen_and_a_traceback_in_the_log(
    hotel: Desk, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def lost_connection(*_: object) -> None:
        raise OSError("server closed the connection unexpectedly")

    monkeypatch.setattr("commands.properties.property_view", lost_connection)
    assert one_line_error(pms(db_url, "--user", "ana", "property", "show")).startswith(
        "unexpected OSError"
    )
    data(pms(db_url, "room-type", "list", "--json"))
    lines = [json.loads(line) for line in log_file().read_text().splitlines()]
    failed, done = lines[-2], lines[-1]
    assert failed["level"] == "error" and failed["action"] == "property"
    assert failed["user"] == "ana" and "Traceback" in failed["traceback"]
    assert "OSError: server closed" in failed["traceback"]
    assert done["action"] == "room-type" and done["duration_ms"] >= 0 and done["desk"]
