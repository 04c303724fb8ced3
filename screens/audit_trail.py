"""The audit trail for supervisors (`F10`, or "Audit trail" in the command palette): the
newest money, override and admin actions — who, when, at which desk, on which record, and what
changed — filtered as the supervisor types (a user, an action, a record) or by a reservation's
confirmation number (its folios and payments too)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Input, Static
from textual.worker import Worker, WorkerState

from pms.kernel.audit_trail import AuditFilter, AuditRow, audit_trail
from screens.desk_footer import DeskFooter
from screens.desk_screen import DeskScreen
from screens.header import DeskHeader
from screens.typing import DeskInput

#: How many of the newest rows the screen holds; older ones are for `pms audit-log --from`.
ROWS = 500
_CONFIRMATION = re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}$", re.IGNORECASE)


@dataclass
class TrailLoaded(Message):
    """The rows for what the filter box held when they were asked for."""

    text: str
    rows: list[AuditRow]


class AuditTrailScreen(DeskScreen[None]):
    """The newest audit rows with an as-you-type filter."""

    CSS_PATH = "audit_trail.tcss"
    AUTO_FOCUS = "#trail"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("slash", "filter", "Filter", tooltip="Filter by user, action or confirmation"),
        Binding("r", "refresh", "Refresh", tooltip="Read the audit trail again"),
    ]

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        yield Static(Text("Audit trail", style="bold"), id="trail-title")
        yield DeskInput(placeholder="/ user, action, record or confirmation number", id="filter")
        yield DataTable(id="trail", cursor_type="row", zebra_stripes=True)
        yield DeskFooter()

    def on_mount(self) -> None:
        self.query_one("#trail", DataTable).add_columns(
            "When", "User", "Desk", "Action", "Record", "Before → after"
        )
        self.action_refresh()

    def action_back(self) -> None:
        """Leave the filter for the table; from the table, go back."""
        if self.focused is self.query_one("#filter", Input):
            self.query_one("#trail", DataTable).focus()
        else:
            self.dismiss()

    def action_filter(self) -> None:
        """Put the cursor in the filter box."""
        self.query_one("#filter", Input).focus()

    def action_refresh(self) -> None:
        """Read the trail again for what the filter holds."""
        self._load(self.query_one("#filter", Input).value.strip())

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self.action_refresh()

    @work(thread=True, exclusive=True, group="trail", exit_on_error=False)
    def _load(self, text: str) -> None:
        by_stay = AuditFilter(confirmation=text, limit=ROWS) if _CONFIRMATION.match(text) else None
        rows = self.desk.read(audit_trail, by_stay or AuditFilter(limit=ROWS))
        if by_stay is None and text:
            rows = [row for row in rows if _matches(row, text.lower())]
        self.post_message(TrailLoaded(text, rows))

    @on(TrailLoaded)
    def _show(self, message: TrailLoaded) -> None:
        if message.text != self.query_one("#filter", Input).value.strip():
            return  # typed on since; a newer answer is coming
        table = self.query_one("#trail", DataTable)
        table.clear()
        for row in message.rows:
            table.add_row(
                f"{row.at:%Y-%m-%d %H:%M}", row.username, row.desk, row.action,
                f"{row.entity} #{row.entity_id}", _change(row), key=str(row.id),
            )  # fmt: skip

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "trail" and event.state == WorkerState.ERROR:
            self.query_one("#trail-title", Static).update(
                Text(self.report_failure(event.worker.error, quiet=True), style="bold")
            )


def _matches(row: AuditRow, text: str) -> bool:
    return any(
        text in part.lower()
        for part in (row.username, row.action, row.desk, f"{row.entity} #{row.entity_id}")
    )


def _change(row: AuditRow) -> Text:
    """Before and after, short enough for one line."""
    parts = [json.dumps(v, ensure_ascii=False) for v in (row.before, row.after) if v is not None]
    text = " → ".join(parts)
    return Text(text if len(text) <= 70 else text[:69] + "…", no_wrap=True)
