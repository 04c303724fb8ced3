"""F3: find a guest, room or reservation as you type; arrows move, enter opens.

Each keystroke waits a moment for the next one (debounce), then searches in a worker; an answer
for a query the clerk has since retyped is dropped, so the list always matches the box. While
the screen is open the desk's index follows the change log every two seconds, so a guest added at
another desk shows up without a refresh key. In pick mode (a booking choosing its guest, a merge
choosing the duplicate) enter hands the hit back to the screen that asked instead of opening it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import var
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static
from textual.worker import Worker, WorkerState

from pms.kernel.errors import DatabaseUnavailable
from pms.search.service import SearchHit, catch_up, ensure_index, search
from screens.desk_footer import DeskFooter
from screens.desk_screen import DeskScreen
from screens.header import DeskHeader
from screens.messages import OpenGuest, OpenReservation
from screens.status_marks import STATES
from screens.typing import DeskInput

#: Seconds to wait after a keystroke before searching (typing on cancels the search).
DEBOUNCE_SECONDS = 0.15
#: Seconds between two catch-ups of the index with the change log.
CATCH_UP_SECONDS = 2.0
#: Hits shown (a clerk types another letter rather than scroll further).
LIMIT = 30
#: What ctrl+t cycles through; None is everything.
KINDS: tuple[str | None, ...] = (None, "guest", "reservation", "room", "review")
#: Columns of the hit list that keep their width (the details take the rest).
TYPE_WIDTH, NAME_WIDTH, STATE_WIDTH = 5, 26, 11
KIND_NAMES = {None: "everything", "guest": "guests", "reservation": "reservations", "room": "rooms",
              "review": "reviews"}  # fmt: skip


@dataclass
class SearchAnswered(Message):
    """The hits for `text` among `kind` (None: all kinds)."""

    text: str
    kind: str | None
    hits: list[SearchHit]


@dataclass
class IndexBuilding(Message):
    """The desk's index is being built from the tables: `done` of `total` documents."""

    done: int
    total: int


@dataclass
class IndexReady(Message):
    """The index is open; `changes` were applied since it was last used (0: none)."""

    changes: int


class HitTable(DataTable[Text]):
    """Hits, one a row keyed `kind:id`; stays carry the state colours and symbols of lists."""

    COMPONENT_CLASSES: ClassVar[set[str]] = DataTable.COMPONENT_CLASSES | {
        f"state--{key}" for key in STATES
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.add_columns("Type", "Name", "Details", "State")

    def show(self, hits: list[SearchHit]) -> None:
        """Replace the rows with `hits`, best first, the cursor on the first."""
        self.clear()
        # Type, name and state keep their width; the details get what is left of the screen.
        detail_width = max(12, self.size.width - TYPE_WIDTH - NAME_WIDTH - STATE_WIDTH - 9)
        for hit in hits:
            self.add_row(*self._cells(hit, detail_width), key=f"{hit.kind}:{hit.id}")
        if hits:
            self.move_cursor(row=0)

    def _cells(self, hit: SearchHit, detail_width: int) -> list[Text]:
        title = Text(hit.title, no_wrap=True, overflow="ellipsis")
        if hit.vip:
            title.append(f" VIP{hit.vip}", style="bold")
        if hit.do_not_rent:
            title.append(" DNR", style="bold reverse")
        title.truncate(NAME_WIDTH, overflow="ellipsis")
        detail = Text(hit.detail, no_wrap=True, overflow="ellipsis")
        detail.truncate(detail_width, overflow="ellipsis")
        kind = {"reservation": "stay", "review": "rev."}.get(hit.kind, hit.kind)
        return [Text(kind), title, detail, self._state(hit)]

    def _state(self, hit: SearchHit) -> Text:
        state = _state_key(hit)
        if state is None:
            return Text("")
        symbol, word = STATES[state]
        style = self.get_component_rich_style(f"state--{state}", partial=True)
        return Text(f"{symbol} {word}", style=style)


def _state_key(hit: SearchHit) -> str | None:
    """The list state a hit shows: a stay's own status, a guest's best stay (none if past)."""
    if hit.status == "checked_in" or hit.stay == "in_house":
        return "in-house"
    if hit.status:
        return hit.status.replace("_", "-")
    return "confirmed" if hit.stay == "upcoming" else None


class SearchScreen(DeskScreen[SearchHit | None]):
    """Search guests, rooms and reservations; dismissed with the hit picked in pick mode."""

    CSS_PATH = "search.tcss"
    AUTO_FOCUS = "#query"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
        Binding("ctrl+t", "next_kind", "Type", tooltip="Search guests, stays, rooms or all"),
    ]

    #: What is searched: one kind, or None for all of them.
    kind: var[str | None] = var(None)

    def __init__(self, *, kind: str | None = None, pick: bool = False, text: str = "") -> None:
        super().__init__()
        self.set_reactive(SearchScreen.kind, kind)
        self.pick = pick
        self.initial_text = text
        self.hits: dict[str, SearchHit] = {}
        self._typing: Timer | None = None

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        yield Static(id="search-title")
        yield DeskInput(
            self.initial_text,
            placeholder="name, e-mail, phone, confirmation, loyalty or room number",
            id="query",
            compact=True,
        )
        yield Static(id="search-status")
        yield HitTable(id="hits")
        yield DeskFooter()

    @property
    def table(self) -> HitTable:
        """The hits shown."""
        return self.query_one("#hits", HitTable)

    @property
    def text(self) -> str:
        """What the clerk typed."""
        return self.query_one("#query", Input).value.strip()

    def on_mount(self) -> None:
        self.watch_kind(self.kind)
        self._open_index()
        self.set_interval(CATCH_UP_SECONDS, self._follow)

    def watch_kind(self, kind: str | None) -> None:
        title = "Pick a guest" if self.pick else "Search"
        self.query_one("#search-title", Static).update(
            Text.assemble((title, "bold"), f" · {KIND_NAMES[kind]} · ctrl+t changes")
        )
        if self.is_mounted:
            self._search_now()

    def action_next_kind(self) -> None:
        """Search the next kind: everything → guests → stays → rooms."""
        self.kind = KINDS[(KINDS.index(self.kind) + 1) % len(KINDS)]

    def action_move(self, step: int) -> None:
        """Arrows move through the hits while the cursor stays in the search box."""
        if step > 0:
            self.table.action_cursor_down()
        else:
            self.table.action_cursor_up()

    def action_back(self) -> None:
        """Back to where the clerk came from (nothing picked)."""
        self.dismiss(None)

    @on(Input.Changed, "#query")
    def _typed(self) -> None:
        if self._typing is not None:
            self._typing.stop()
        self._typing = self.set_timer(DEBOUNCE_SECONDS, self._search_now)

    def _search_now(self) -> None:
        if not self.text:
            self.hits = {}
            self.table.show([])
            self._status("")
            return
        self._search(self.text, self.kind)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, text: str, kind: str | None) -> None:
        hits = self.desk.read(
            search, text, kind=kind, limit=LIMIT, property_code=self.property_code
        )
        self.post_message(SearchAnswered(text, kind, hits))

    @on(SearchAnswered)
    def _answered(self, message: SearchAnswered) -> None:
        if (message.text, message.kind) != (self.text, self.kind):
            return  # the clerk typed on; a newer answer is on its way
        self.hits = {f"{hit.kind}:{hit.id}": hit for hit in message.hits}
        self.table.show(message.hits)
        count = len(message.hits)
        self._status("nothing matches" if not count else f"{count} hit{'s' * (count != 1)}")

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def _open_index(self) -> None:
        def building(done: int, total: int) -> None:
            self.post_message(IndexBuilding(done, total))

        self.desk.read(ensure_index, progress=building)
        self.post_message(IndexReady(self.desk.read(catch_up)))

    def _follow(self) -> None:
        """Catch up, once the index is open and the last round is over (a round that purges an
        anonymised guest from a large index can take a while; searches go on meanwhile)."""
        busy = any(
            worker.node is self and worker.group in ("index", "catch-up") and not worker.is_finished
            for worker in self.app.workers
        )
        if not busy:
            self._catch_up()

    @work(thread=True, exclusive=True, group="catch-up", exit_on_error=False)
    def _catch_up(self) -> None:
        if changes := self.desk.read(catch_up):
            self.post_message(IndexReady(changes))

    @on(IndexBuilding)
    def _building(self, message: IndexBuilding) -> None:
        self._status(f"building the search index… {message.done:,} of {message.total:,}")

    @on(IndexReady)
    def _ready(self, message: IndexReady) -> None:
        if self.text:
            self._search_now()  # what the clerk sees may have changed at another desk
        else:
            self._status("")

    def _status(self, text: str) -> None:
        self.query_one("#search-status", Static).update(text)

    @on(Input.Submitted, "#query")
    def _enter_in_box(self) -> None:
        if self.table.row_count:
            self._open(self.table.cursor_row)

    @on(DataTable.RowSelected, "#hits")
    def _enter_on_row(self, event: DataTable.RowSelected) -> None:
        self._open(event.cursor_row)

    def _open(self, row: int) -> None:
        key = self.table.coordinate_to_cell_key((row, 0)).row_key.value
        hit = self.hits.get(key or "")
        if hit is None:
            return
        if self.pick:
            self.dismiss(hit)
        elif hit.kind == "guest":
            self.post_message(OpenGuest(hit.id))
        elif hit.kind in ("reservation", "review"):  # a review opens the stay it is about
            self.post_message(OpenReservation(hit.ref))
        else:  # rooms have no screen of their own yet: say what the desk knows
            self.notify(f"{hit.title}: {hit.detail}", title="Room")

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        self._status("")
        error = event.worker.error
        # The catch-up runs every two seconds: while the database is away the header's banner
        # says so, rather than a notification every round.
        quiet = event.worker.group == "catch-up" and isinstance(error, DatabaseUnavailable)
        self.report_failure(error, quiet=quiet)
