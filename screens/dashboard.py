"""The home screen: the business date's arrivals, in-house, departures and tonight's occupancy,
and a line on the guests' reviews (this month's average against last month's, the latest one).

The figures come from `pms.frontdesk.dashboard.dashboard` and `pms.reviews.views.review_pulse`,
read again whenever the clerk comes back to this screen (a booking made meanwhile shows at once)
or presses `r`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState

from pms.frontdesk.dashboard import Dashboard, dashboard
from pms.hotel.properties import property_view
from pms.reviews.views import ReviewPulse, review_pulse
from screens.area_keys import area_bindings
from screens.desk_footer import DeskFooter
from screens.desk_screen import DeskScreen
from screens.header import DeskHeader
from screens.messages import DashboardLoaded, OpenReservation, PropertyLoaded
from screens.reservation_table import ReservationTable
from screens.tonight_bars import TonightBars


@dataclass
class PulseLoaded(Message):
    """The reviews line's figures: the month's average, last month's, the latest reviews."""

    pulse: ReviewPulse


class DashboardScreen(DeskScreen[None]):
    """What the desk sees first; the only screen `q` quits from."""

    CSS_PATH = "dashboard.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        # q quits here too, shown as the app's ctrl+q beside the areas named in full: the
        # dashboard is where a clerk learns which F-key opens what.
        Binding("q", "app.quit", "Quit", show=False),
        *area_bindings("app.", grouped=False),
        # Off the footer, left to the named F-keys; the dashboard also reads itself again
        # whenever the clerk comes back to it.
        Binding("r", "refresh", "Refresh", tooltip="Read the dashboard again", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        yield Static(id="stats")
        yield Static(id="reviews-line")
        with Horizontal(id="panels"):
            with Vertical(id="arrivals-panel") as panel:
                panel.border_title = "Arrivals"
                yield ReservationTable(compact=True, id="arrivals")
            with Vertical(id="tonight-panel") as panel:
                panel.border_title = "Tonight by room type"
                yield TonightBars(id="tonight")
        yield DeskFooter()

    @property
    def arrivals(self) -> ReservationTable:
        """Today's arrivals, one a row."""
        return self.query_one("#arrivals", ReservationTable)

    def on_screen_resume(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        """Read the dashboard again."""
        if not self.arrivals.row_count:
            self.arrivals.loading = True
        self._load()

    @work(thread=True, exclusive=True, group="dashboard", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(PropertyLoaded(self.desk.read(property_view, self.property_code)))
        self.post_message(DashboardLoaded(self.desk.read(dashboard, self.property_code)))
        self.post_message(PulseLoaded(self.desk.read(review_pulse, self.property_code)))

    @on(PulseLoaded)
    def _show_pulse(self, message: PulseLoaded) -> None:
        self.query_one("#reviews-line", Static).update(_pulse(message.pulse))

    @on(DashboardLoaded)
    def _show(self, message: DashboardLoaded) -> None:
        board = message.dashboard
        self.query_one("#stats", Static).update(_stats(board))
        self.arrivals.loading = False
        self.arrivals.show(board.arrivals, board.business_date)
        self.query_one("#arrivals-panel").border_title = f"Arrivals {board.business_date:%a %d %b}"
        self.query_one("#tonight", TonightBars).tonight = board.tonight

    @on(DataTable.RowSelected, "#arrivals")
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.post_message(OpenReservation(event.row_key.value))

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.arrivals.loading = False
            self.report_failure(event.worker.error)


def _stats(board: Dashboard) -> Text:
    """The counts line: `Arrivals 18 (6 in)  In-house 74  Departures 21 (9 out)  Occupancy …`."""
    line = Text(no_wrap=True, overflow="ellipsis")
    figures = [
        ("Arrivals", f"{len(board.arrivals)}", f" ({board.arrivals_in} in)"),
        ("In-house", f"{board.in_house}", ""),
        ("Departures", f"{len(board.departures)}", f" ({board.departures_out} out)"),
        ("Occupancy tonight", f"{board.occupancy_tonight:.0%}".replace("%", " %"), ""),
    ]
    for index, (label, figure, detail) in enumerate(figures):
        if index:
            line.append("  ")
        line.append(f"{label} ")
        line.append(figure, style="bold")
        line.append(detail)
    return line


def _pulse(pulse: ReviewPulse) -> Text:
    """`Reviews ★ 4.3 in Dec (12) · 4.1 in Nov · latest ★★★★★ Great stay`."""
    line = Text("Reviews ", no_wrap=True, overflow="ellipsis")
    now, before = pulse.this_month, pulse.last_month
    last_month = pulse.month.replace(day=1) - dt.timedelta(days=1)
    if now.count:
        line.append(f"★ {now.average}", style="bold")
        line.append(f" in {pulse.month:%b} ({now.count})")
    else:
        line.append(f"none yet in {pulse.month:%b}")
    line.append(f" · {before.average} in {last_month:%b}" if before.count else "")
    if pulse.latest:
        latest = pulse.latest[0]
        line.append(f" · latest {latest.stars} {latest.title or latest.text}")
    return line
