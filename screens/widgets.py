"""Pieces every front-desk screen shares: the base screen, the header line, the reservation table,
tonight's bars, the "go to a date" bar and the status marks.

Status colours come from component classes styled in `app.tcss` with the theme's variables, so a
dark, a light and a high-contrast theme all work; every status also carries a symbol and a word,
so nothing depends on colour alone (and `NO_COLOR`, which Textual honours, loses nothing).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar, cast

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.geometry import Size
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen, ScreenResultType
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import DataTable, Input, Static

from pms.dates import parse_date
from pms.desk import Desk
from pms.errors import DatabaseUnavailable, InvalidInput, PmsError
from pms.inventory import RoomTypeAvailability
from pms.properties import PropertyView
from pms.reservation_views import ReservationSummary
from screens.messages import DatabaseDown

if TYPE_CHECKING:
    from screens.app import FrontDeskApp

#: How each state of a stay shows in lists: a symbol and a word, styled by `state--<key>`.
STATES: dict[str, tuple[str, str]] = {
    "tentative": ("◌", "tentative"),
    "confirmed": ("●", "confirmed"),
    "in-house": ("▶", "in-house"),
    "due-out": ("◀", "due out"),
    "checked-out": ("✓", "out"),
    "cancelled": ("✗", "cancelled"),
    "no-show": ("∅", "no-show"),
}


def stay_state(status: str, departure: dt.date, business_date: dt.date | None) -> str:
    """The key in STATES for a stay: its status, except that a stay leaving today is 'due out'."""
    if status == "checked_in":
        return "due-out" if departure == business_date else "in-house"
    return status.replace("_", "-")


def short_date(day: dt.date) -> str:
    """`Thu 03 Dec`: how lists and grids show a date (the year is rarely in doubt at a desk)."""
    return f"{day:%a %d %b}"


def long_date(day: dt.date) -> str:
    """`Thu 03 Dec 2026`: how forms and the detail screen spell out a date."""
    return f"{day:%a %d %b %Y}"


def cropped_line(gutter: Strip, cells: Strip, scroll_x: int, width: int, style: Style) -> Strip:
    """A line of a big grid (the rack, the rate calendar): the fixed `gutter`, then the full-width
    `cells` scrolled to `scroll_x`, cut or padded with `style` to `width`."""
    view = max(0, width - gutter.cell_length)
    return Strip.join([gutter, cells.crop(scroll_x, scroll_x + view)]).adjust_cell_length(
        width, style
    )


def follow(offset: float, start: int, size: int, view: int) -> float:
    """The scroll offset along one axis that brings `start`..`start + size` into a `view` wide
    window scrolled to `offset`, moving it as little as needed."""
    if start < offset:
        return start
    if start + size > offset + view:
        return start + size - view
    return offset


class DeskScreen(Screen[ScreenResultType]):
    """A front-desk screen: reaches the desk through the app and reports worker failures the same
    way everywhere (an unreachable database also raises the header banner)."""

    @property
    def front_desk(self) -> FrontDeskApp:
        """The app, typed (screens never import it at run time, to keep imports one-way)."""
        return cast("FrontDeskApp", self.app)

    @property
    def desk(self) -> Desk:
        """The desk every service call goes through."""
        return self.front_desk.desk

    @property
    def property_code(self) -> str | None:
        """The property this desk works for (None: the only one in the database)."""
        return self.front_desk.property_code

    def report_failure(self, error: BaseException | None, *, quiet: bool = False) -> str:
        """Say in one sentence why a worker failed: as a notification unless `quiet` (the
        caller shows it itself, e.g. on a form); returns the sentence."""
        if isinstance(error, DatabaseUnavailable):
            self.post_message(DatabaseDown(str(error)))
        if isinstance(error, PmsError):
            message = str(error)
        else:
            # A bug, not a clerk's mistake: keep the details in the log for whoever fixes it.
            self.log.error(repr(error))
            message = f"something went wrong ({error!r}) — try again, or call support"
        if not quiet:
            self.notify(message, severity="error", timeout=8)
        return message


class DeskHeader(Widget):
    """The line on top of every screen: property, business date, user and database, and a
    banner under it while the database cannot be reached. It watches the app's state."""

    def compose(self) -> ComposeResult:
        yield Static(id="desk-line")
        yield Static(id="desk-banner")

    def on_mount(self) -> None:
        self.watch(self.app, "hotel", self._show_line)
        self.watch(self.app, "offline", self._show_banner)

    def _show_line(self, hotel: PropertyView | None) -> None:
        app = cast("FrontDeskApp", self.app)
        actor = app.desk.actor
        where = (
            f"{hotel.name} ─ business date {hotel.business_date:%a %Y-%m-%d}"
            if hotel
            else "connecting…"
        )
        line = f"{where} ─ {actor.role}: {actor.username} ─ {app.desk.database_tag}"
        self.query_one("#desk-line", Static).update(Text(line, no_wrap=True, overflow="ellipsis"))

    def _show_banner(self, reason: str) -> None:
        banner = self.query_one("#desk-banner", Static)
        banner.update(Text(f"⚠ database unavailable — {reason}") if reason else "")
        banner.display = bool(reason)


class ReservationTable(DataTable[Text]):
    """Reservations, one a row keyed by confirmation number; `compact` is the dashboard's
    narrow version. `enter` posts DataTable.RowSelected, which the screen turns into the detail."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = DataTable.COMPONENT_CLASSES | {
        f"state--{key}" for key in STATES
    }

    def __init__(self, *, compact: bool = False, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.compact = compact
        self._shown: tuple[list[ReservationSummary], dt.date | None] = ([], None)

    def on_mount(self) -> None:
        if self.compact:
            self.add_columns("", "Guest", "Type", "Nts", "Room")
        else:
            self.add_columns("Status", "Guest", "Conf.", "Type", "Room", "Stay", "Nts", "Pax")
        # Cells carry the theme's colours from when they were made: remake them on a new theme.
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.show(*self._shown))

    def show(self, rows: list[ReservationSummary], business_date: dt.date | None) -> None:
        """Replace the rows, keeping the cursor on the same reservation when it is still listed."""
        self._shown = (rows, business_date)
        keep = None
        if self.row_count:
            keep = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        self.clear()
        for row in rows:
            self.add_row(*self._cells(row, business_date), key=row.confirmation)
        if keep is not None and keep in self.rows:
            self.move_cursor(row=self.get_row_index(keep))

    def _cells(self, row: ReservationSummary, business_date: dt.date | None) -> list[Text]:
        state = stay_state(row.status, row.departure, business_date)
        symbol, word = STATES[state]
        style = self.get_component_rich_style(f"state--{state}", partial=True)
        guest = Text(row.guest_name, style=style, overflow="ellipsis", no_wrap=True)
        guest.truncate(18, overflow="ellipsis")
        if self.compact:
            return [Text(symbol, style=style), guest, Text(row.room_type), _nights(row), _room(row)]
        stay = f"{row.arrival:%d.%m}–{row.departure:%d.%m}"
        party = f"{row.adults}+{row.children}" if row.children else str(row.adults)
        return [
            Text(f"{symbol} {word}", style=style),
            guest,
            Text(row.confirmation),
            Text(row.room_type),
            _room(row),
            Text(stay),
            _nights(row),
            Text(party, justify="right"),
        ]


def _nights(row: ReservationSummary) -> Text:
    return Text(f"{row.nights}n", justify="right")


def _room(row: ReservationSummary) -> Text:
    return Text(row.room or "—")


class TonightBars(Widget):
    """Tonight's rooms sold against rooms to sell, one bar per room type; past capacity the
    bar turns to ▓ and says how far over (overbooking is marked by symbol, not only colour)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"bar--sold", "bar--free", "bar--over"}

    tonight: var[list[RoomTypeAvailability]] = var(list, always_update=True)

    def watch_tonight(self) -> None:
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, len(self.tonight))

    def render(self) -> Text:
        lines = Text(no_wrap=True)
        overbooked = any(rt.nights[0].sold > rt.nights[0].capacity for rt in self.tonight)
        width = max(6, self.size.width - 14 - (9 if overbooked else 0))
        for index, room_type in enumerate(self.tonight):
            night = room_type.nights[0]
            if index:
                lines.append("\n")
            lines.append(f"{room_type.code:<4} ")
            lines.append_text(self._bar(night.sold, night.capacity, width))
            lines.append(f" {night.sold:>3}/{night.capacity:<3}")
            if night.sold > night.capacity:
                over = self.get_component_rich_style("bar--over", partial=True)
                lines.append(f" +{night.sold - night.capacity} over", style=over)
        return lines

    def _bar(self, sold: int, capacity: int, width: int) -> Text:
        scale = max(sold, capacity, 1)
        within = round(min(sold, capacity) / scale * width)
        over = round(max(sold - capacity, 0) / scale * width)
        bar = Text()
        bar.append("█" * within, style=self.get_component_rich_style("bar--sold", partial=True))
        bar.append("▓" * over, style=self.get_component_rich_style("bar--over", partial=True))
        free = width - within - over
        bar.append("░" * free, style=self.get_component_rich_style("bar--free", partial=True))
        return bar


class GoToDate(Horizontal):
    """The "go to a date" bar over the footer: hidden until `open()`, it reads a date the way the
    desk types dates (`4.12`, `+10`, `fri`, against `business_date`, which the screen sets), says
    beside the box what is wrong with one it cannot read, and on a good one closes and posts
    `GoToDate.Chosen`. The screen closes it on `escape` (`close()`) while it is `display`ed."""

    DEFAULT_CSS = """
    GoToDate {
        display: none;
        height: 1;
        dock: bottom;
        margin-bottom: 1;
    }
    GoToDate > #goto {
        width: 34;
    }
    GoToDate > #goto-note {
        padding: 0 1;
        color: $text-error;
    }
    """

    class Chosen(Message):
        """The clerk asked for `day`."""

        def __init__(self, day: dt.date) -> None:
            super().__init__()
            self.day = day

    def __init__(self, *, id: str = "goto-bar") -> None:
        super().__init__(id=id)
        self.business_date: dt.date | None = None

    def compose(self) -> ComposeResult:
        yield Input(placeholder="date: 2026-12-04, 4.12, +3, fri", id="goto", compact=True)
        yield Static(id="goto-note")

    def open(self) -> None:
        """Show the bar, clear the note and take the keys."""
        self.display = True
        self.query_one("#goto-note", Static).update("")
        self.query_one("#goto", Input).focus()

    def close(self) -> None:
        """Hide the bar and give the keys back to the screen."""
        self.display = False
        self.screen.set_focus(None)

    @on(Input.Submitted, "#goto")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.business_date is None:
            return
        try:
            day = parse_date(event.value, self.business_date, field="date")
        except InvalidInput as error:
            self.query_one("#goto-note", Static).update(Text(f"✗ {error}"))
            return
        event.input.value = ""
        self.close()
        self.post_message(self.Chosen(day))
