"""Reports (F12): the manager's flash of the last day closed, the next 30 days on the books and
the room revenue of the last 30 closed days, drawn with textual-plotext.

All three are read in one worker (the flash and history from the statistics the audit stored,
the forecast from the books), so the screen opens at once and fills when they arrive.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker, WorkerState
from textual_plotext import PlotextPlot

from pms.kernel.errors import NotFound
from pms.kernel.money import format_money, from_minor
from pms.reports.flash import FlashReport, flash_report
from pms.reports.history import ALL, DayLine, forecast, history
from screens.desk_footer import DeskFooter
from screens.desk_screen import DeskScreen
from screens.header import DeskHeader

DAYS = 30


@dataclass
class ReportsLoaded(Message):
    """The figures of the screen; `flash` is None (and `history` empty) before any day closed."""

    flash: FlashReport | None
    forecast: list[DayLine]
    history: list[DayLine]
    currency: str


class ReportsScreen(DeskScreen[None]):
    """The flash, the 30-day forecast and the revenue of the last 30 days."""

    CSS_PATH = "reports.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("r", "refresh", "Refresh", tooltip="Read the reports again"),
    ]

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        yield Static(Text("Reports", style="bold"), id="flash")
        with Horizontal(id="charts"):
            yield PlotextPlot(id="forecast")
            yield PlotextPlot(id="revenue")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.action_refresh()

    def action_back(self) -> None:
        """Go back."""
        self.dismiss()

    def action_refresh(self) -> None:
        """Read the figures again."""
        self.query_one("#flash", Static).loading = True
        self._load()

    @work(thread=True, exclusive=True, group="reports", exit_on_error=False)
    def _load(self) -> None:
        code = self.property_code
        ahead = self.desk.read(forecast, code, DAYS)
        try:
            flash = self.desk.read(flash_report, code)
            past = self.desk.read(history, code, DAYS)
        except NotFound:  # no day closed yet: the forecast alone
            flash, past = None, []
        currency = flash.currency if flash else (self.front_desk.hotel.currency
                                                 if self.front_desk.hotel else "EUR")  # fmt: skip
        self.post_message(ReportsLoaded(flash, ahead, past, currency))

    @on(ReportsLoaded)
    def _loaded(self, message: ReportsLoaded) -> None:
        box = self.query_one("#flash", Static)
        box.loading = False
        box.update(_flash_text(message.flash))
        ahead = [line for line in message.forecast if line.room_type == ALL]
        plot = self.query_one("#forecast", PlotextPlot).plt
        plot.clear_figure()
        plot.title(f"Next {DAYS} days on the books: occupancy %")
        plot.bar(
            [f"{line.date:%d.%m}" for line in ahead], [float(line.occupancy) for line in ahead]
        )
        past = [line for line in message.history if line.room_type == ALL]
        revenue = self.query_one("#revenue", PlotextPlot).plt
        revenue.clear_figure()
        revenue.title(f"Room revenue of the last {DAYS} days ({message.currency})")
        revenue.bar(
            [f"{line.date:%d.%m}" for line in past],
            [float(from_minor(line.room_revenue, message.currency)) for line in past],
        )
        self.query_one("#forecast", PlotextPlot).refresh()
        self.query_one("#revenue", PlotextPlot).refresh()

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.query_one("#flash", Static).loading = False
            self.report_failure(event.worker.error)


def _flash_text(flash: FlashReport | None) -> Text:
    if flash is None:
        return Text("No day has been closed yet: the flash appears after the first night audit.")
    money = lambda minor: format_money(minor, flash.currency)  # noqa: E731
    text = Text.assemble((f"Flash of {flash.business_date:%a %d %b %Y}", "bold"), "\n")
    for column in flash.columns[:3]:
        text.append(
            f"{column.period:<14} occupancy {column.occupancy:>6} % · ADR {money(column.adr):>10}"
            f" · RevPAR {money(column.revpar):>10} · room revenue {money(column.room_revenue)}"
            f" · arrivals {column.arrivals} · no-shows {column.no_shows}\n"
        )
    return text
