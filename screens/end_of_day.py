"""End of day (ctrl+e): the night auditor's screen. Tonight's pre-checks in colours, each with
what to do about it; then the audit run (`a`) with each step's progress; then the flash of the
day just closed.

`a` runs the audit as `pms audit run --yes` does: yellow items take their default resolution
(the screen lists them first, and asks once); red ones stop it until they are fixed, or until a
supervisor overrides the one under the cursor with `v` and a reason (audit-logged; the service
refuses anyone else). The run is a worker: the
desk stays usable, and every other desk keeps working while it goes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState

from pms.hotel.properties import property_view
from pms.kernel.money import format_money
from pms.night_audit.prechecks import Finding
from pms.night_audit.run import STEP_TITLES, STEPS, run_night_audit
from pms.night_audit.status import tonight_prechecks
from pms.reports.flash import FlashReport, flash_report
from screens.desk_footer import DeskFooter
from screens.desk_screen import DeskScreen
from screens.dialogs import ConfirmDialog
from screens.header import DeskHeader
from screens.messages import PropertyLoaded
from screens.rack_dialogs import ReasonDialog

_LEVEL = {"red": ("● red", "bold red"), "yellow": ("● yellow", "yellow")}


@dataclass
class PrechecksLoaded(Message):
    """Tonight's pre-checks as the audit would find them now."""

    findings: list[Finding]


@dataclass
class StepMoved(Message):
    """A step of the running audit moved: `done` of `total`."""

    step: str
    done: int
    total: int


@dataclass
class DayClosed(Message):
    """The audit finished; the flash of the day it closed."""

    flash: FlashReport


class EndOfDayScreen(DeskScreen[None]):
    """The night audit: pre-checks, the run step by step, the flash."""

    CSS_PATH = "end_of_day.tcss"
    AUTO_FOCUS = "#prechecks"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("a", "run_audit", "Run audit", tooltip="Close the business date (night audit)"),
        Binding("v", "override", "Override", tooltip="Let the red item through (supervisor)"),
        Binding("r", "refresh", "Refresh", tooltip="Check again"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.findings: list[Finding] = []
        self.overrides: dict[str, str] = {}
        self.running = False

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        yield Static(Text("End of day", style="bold"), id="eod-title")
        yield DataTable(id="prechecks", cursor_type="row", zebra_stripes=True)
        yield DataTable(id="steps", cursor_type="none")
        yield Static(id="flash")
        yield DeskFooter()

    @property
    def prechecks(self) -> DataTable[Text]:
        """The pre-checks, one a line."""
        return self.query_one("#prechecks", DataTable)

    @property
    def steps(self) -> DataTable[Text]:
        """The audit's steps and how far each went."""
        return self.query_one("#steps", DataTable)

    def on_mount(self) -> None:
        self.prechecks.add_columns("Level", "What", "Stays or rooms", "Fix", "With --yes")
        self.steps.add_column("Step", key="step")
        self.steps.add_column("Progress", key="progress")
        for step in STEPS:
            self.steps.add_row(STEP_TITLES[step], "", key=step)
        self.action_refresh()

    def action_back(self) -> None:
        """Go back (the audit, if running, goes on)."""
        self.dismiss()

    def action_refresh(self) -> None:
        """Read tonight's pre-checks again."""
        self.prechecks.loading = True
        self._load()

    @work(thread=True, exclusive=True, group="prechecks", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(PrechecksLoaded(self.desk.read(tonight_prechecks, self.property_code)))

    @on(PrechecksLoaded)
    def _loaded(self, message: PrechecksLoaded) -> None:
        self.findings = message.findings
        table = self.prechecks
        table.loading = False
        table.clear()
        for finding in message.findings:
            label, style = _LEVEL[finding.level]
            items = ", ".join(finding.items[:4]) + (" …" if len(finding.items) > 4 else "")
            table.add_row(Text(label, style=style), Text(finding.title), Text(items),
                          Text(finding.fix), Text(finding.default))  # fmt: skip
        if not message.findings:
            table.add_row(Text("● ok", style="green"), Text("nothing left undone"), *[Text("")] * 3)
        red = sum(f.level == "red" for f in message.findings)
        note = f"{red} red item(s) stop the audit — fix them first" if red else "a runs the audit"
        self.query_one("#eod-title", Static).update(
            Text.assemble(("End of day", "bold"), f"  ·  {note}")
        )

    def action_override(self) -> None:
        """Ask a reason to let the red item under the cursor through (a supervisor's)."""
        table = self.prechecks
        if not table.row_count or table.cursor_row >= len(self.findings):
            return
        finding = self.findings[table.cursor_row]
        if finding.level != "red":
            self.notify("Only a red item needs an override; yellow ones take their default.")
            return

        def _answer(reason: str | None) -> None:
            if reason:
                self.overrides[finding.name] = reason
                self.notify(f"{finding.title}: overridden for this run ({reason})")

        self.app.push_screen(
            ReasonDialog(f"Override “{finding.title}” — why?", "reason (audit-logged)"), _answer
        )

    def action_run_audit(self) -> None:
        """Run the night audit, after one question when yellow items will take their default."""
        if self.running:
            return
        yellow = [f for f in self.findings if f.level == "yellow"]
        if not yellow:
            self._start()
            return

        def _answer(go: bool | None) -> None:
            if go:
                self._start()

        titles = "; ".join(f.title for f in yellow)
        self.app.push_screen(
            ConfirmDialog(f"Apply the defaults of: {titles}?", "Run the audit", "Not yet"), _answer
        )

    def _start(self) -> None:
        self.running = True
        for step in STEPS:
            self.steps.update_cell(step, "progress", "")
        self._run()

    @work(thread=True, exclusive=True, group="audit", exit_on_error=False)
    def _run(self) -> None:
        def moved(step: str, done: int, total: int) -> None:
            self.post_message(StepMoved(step, done, total))

        run_night_audit(
            self.desk, self.property_code, yes=True, overrides=self.overrides, progress=moved
        )
        # The header (the app's) shows the new business date at once, not at the next beat.
        self.post_message(PropertyLoaded(self.desk.read(property_view, self.property_code)))
        self.post_message(DayClosed(self.desk.read(flash_report, self.property_code)))

    @on(StepMoved)
    def _moved(self, message: StepMoved) -> None:
        width = 20
        filled = width * message.done // max(1, message.total)
        bar = "█" * filled + "░" * (width - filled)
        text = "done" if message.done >= message.total else f"{message.done}/{message.total}"
        self.steps.update_cell(message.step, "progress", f"{bar} {text}")

    @on(DayClosed)
    def _closed(self, message: DayClosed) -> None:
        self.running = False
        flash = message.flash
        money = lambda minor: format_money(minor, flash.currency)  # noqa: E731
        day = flash.columns[0]
        self.query_one("#flash", Static).update(
            Text.assemble(
                (f"Flash of {flash.business_date:%a %d %b %Y}", "bold"),
                f"  occupancy {flash.occupancy} % · ADR {money(flash.adr)} · RevPAR "
                f"{money(flash.revpar)} · TRevPAR {money(flash.trevpar)} · room revenue "
                f"{money(day.room_revenue)} · arrivals {day.arrivals} · departures "
                f"{day.departures} · no-shows {day.no_shows}",
            )
        )
        self.notify(f"Closed {flash.business_date:%a %d %b}; the business date moved on.")
        self.action_refresh()

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        self.prechecks.loading = False
        if event.worker.group == "audit":
            self.running = False
            self.action_refresh()
        self.report_failure(event.worker.error)
