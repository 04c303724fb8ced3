"""`pms audit-log`: the audit trail of money, override and admin actions (supervisors).

(`pms audit` is the night audit; this is the trail.)
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer
from rich.markup import escape

from commands import JsonOption, desk_for
from commands.output import Column, print_rows
from pms.kernel.audit_trail import DEFAULT_LIMIT, AuditFilter, AuditRow, audit_trail
from pms.kernel.errors import InvalidInput


def _day(value: str | None, field: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(field, f"{field} must be a date like 2026-12-04") from None


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
    """Who did what, when, at which desk, before and after: newest first."""
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
