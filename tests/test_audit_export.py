"""Archiving the audit trail: a supervisor exports every row older than a day to a CSV or JSON
file, oldest first and page by page (more rows than one page here), and the audit log still
holds every one of them afterwards — it is append-only, and an export never deletes."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session
from test_cli import one_line_error, pms
from typer.testing import Result

from db.models import AuditLog
from pms.kernel.audit_trail import EXPORT_PAGE
from pms.kernel.desk import Desk

#: Last year's trail: more rows than an export reads in one page.
OLD_ROWS = EXPORT_PAGE * 2 + 7
CUTOFF = "2026-01-01"


def last_years_trail(desk: Desk) -> None:
    """OLD_ROWS refunds and postings spread over 2025 (UTC), and three rows from this week."""
    start = dt.datetime(2025, 1, 1, 8, tzinfo=dt.UTC)

    def _rows(session: Session) -> None:
        old = [
            {
                "at": start + dt.timedelta(hours=3 * i),
                "username": "sam" if i % 3 else "ana",
                "desk": "tui@front-1",
                "action": "refund" if i % 5 == 0 else "post",
                "entity": "payment",
                "entity_id": i,
                "before": {"refunded": 0},
                "after": {"refunded": 1000 + i, "reason": "cold soup, «again»"},
            }
            for i in range(OLD_ROWS)
        ]
        recent = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)
        new = [
            {"at": recent, "username": "ana", "desk": "cli@front-2", "action": "post",
             "entity": "folio", "entity_id": n, "before": None, "after": {"amount": 100}}
            for n in range(3)
        ]  # fmt: skip
        session.execute(insert(AuditLog), old + new)

    desk.run(_rows)


def trail_size(desk: Desk) -> int:
    return desk.read(lambda session: session.scalar(select(func.count()).select_from(AuditLog)))


def test_last_years_trail_goes_to_csv_and_json_and_stays_in_the_log(
    hotel: Desk, db_url: str, tmp_path: Path
) -> None:
    last_years_trail(hotel)
    kept = trail_size(hotel)
    archive = tmp_path / "audit-2025.csv"

    exported = pms(db_url, "--user", "sam", "audit-log", "export",
                   "--before", CUTOFF, "--output", str(archive))  # fmt: skip

    assert exported.exit_code == 0, exported.output
    assert f"Exported {OLD_ROWS} audit rows written before {CUTOFF}" in exported.stderr
    with archive.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == OLD_ROWS
    assert [int(r["id"]) for r in rows] == sorted(int(r["id"]) for r in rows)  # oldest first
    assert all(r["at"] < CUTOFF for r in rows)
    first = rows[0]
    assert (first["username"], first["desk"], first["action"]) == ("ana", "tui@front-1", "refund")
    assert json.loads(first["after"]) == {"refunded": 1000, "reason": "cold soup, «again»"}
    assert trail_size(hotel) == kept  # nothing deleted

    as_json = tmp_path / "audit-2025.json"
    again = pms(db_url, "--user", "sam", "audit-log", "export", "--before", CUTOFF,
                "--output", str(as_json), "--format", "json")  # fmt: skip
    assert again.exit_code == 0, again.output
    listed = json.loads(as_json.read_text(encoding="utf-8"))
    assert [r["id"] for r in listed] == [int(r["id"]) for r in rows]
    assert listed[-1]["after"]["refunded"] == 1000 + OLD_ROWS - 1
    assert dt.datetime.fromisoformat(listed[-1]["at"]) < dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert trail_size(hotel) == kept


def export(db_url: str, user: str, before: str, output: Path, *more: str) -> Result:
    """`pms --user USER audit-log export --before BEFORE --output OUTPUT …`."""
    args = ["--user", user, "audit-log", "export", "--before", before, "--output", str(output)]
    return pms(db_url, *args, *more)


def test_an_export_of_nothing_is_an_empty_file_and_a_clerk_may_not_export(
    hotel: Desk, db_url: str, tmp_path: Path
) -> None:
    empty = tmp_path / "none.json"
    done = export(db_url, "sam", "2020-01-01", empty, "--format", "json")
    assert done.exit_code == 0, done.output
    assert json.loads(empty.read_text(encoding="utf-8")) == []
    assert "Exported 0 audit rows" in done.stderr

    refused = tmp_path / "clerk.csv"
    assert "needs the supervisor role" in one_line_error(export(db_url, "ana", CUTOFF, refused))
    assert not refused.exists() and not list(tmp_path.glob(".*.part"))  # no half file
    bad_day = export(db_url, "sam", "last year", refused)
    assert "before must be a date" in one_line_error(bad_day)
    nowhere = tmp_path / "no-such-dir" / "audit.csv"
    assert "cannot write" in one_line_error(export(db_url, "sam", CUTOFF, nowhere))


@pytest.mark.parametrize("args", [["--json"], ["--action", "refund", "--json"]])
def test_the_trail_still_reads_as_before_beside_export(
    hotel: Desk, db_url: str, args: list[str]
) -> None:
    last_years_trail(hotel)
    listed = pms(db_url, "--user", "sam", "audit-log", "--limit", "5", *args)
    assert listed.exit_code == 0, listed.output
    assert len(json.loads(listed.stdout)) == 5
