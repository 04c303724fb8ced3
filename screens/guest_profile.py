"""A guest at a glance: contact, preferences, flags, what they stayed and what is to come,
their loyalty standing and the reviews they wrote.

`e` edits the profile, `m` merges a duplicate into it (picked through the same search as F3),
`l` enrols the guest in the loyalty programme, `enter` on a stay opens it. The profile is read in
a worker and read again after every change, so it shows what the database holds, not what the
screen last sent. The loyalty panel shows the tier, the points to spend, the progress towards
the next tier as a bar, and the latest ledger lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Label, ProgressBar, Static
from textual.worker import Worker, WorkerState

from pms.guests.contact import display_phone
from pms.guests.merge import merge_guests
from pms.guests.profiles import GuestProfile, StayLine, show_guest
from pms.kernel.money import format_money
from pms.loyalty.members import enrol
from pms.loyalty.views import LoyaltyView, loyalty_panel
from pms.reviews.views import ReviewView, reviews_of_guest
from pms.search.service import SearchHit
from screens.desk_footer import DeskFooter
from screens.desk_screen import DeskScreen
from screens.dialogs import ConfirmDialog
from screens.header import DeskHeader
from screens.messages import EditGuest, OpenReservation, PickGuest
from screens.status_marks import STATES

#: The facts down the left, in the order a clerk reads them back.
FACTS = ("e-mail", "phone", "company", "city", "loyalty", "prefers", "notes", "stayed")


@dataclass
class GuestLoaded(Message):
    """A guest's profile, after reading it or after a change; `done` says what just happened."""

    profile: GuestProfile
    done: str = ""


@dataclass
class GuestStandingLoaded(Message):
    """The guest's loyalty standing (None when not a member) and the reviews they wrote."""

    loyalty: LoyaltyView | None
    reviews: list[ReviewView]


def measure_text(view: LoyaltyView, value: int) -> str:
    """A tier measure in its unit: `4,200 points`, `14 nights`, `€3,400.00`."""
    if view.qualify_on == "revenue":
        return format_money(value, view.currency or "EUR")
    return f"{value:,} {view.qualify_on}"


class StayTable(DataTable[Text]):
    """A guest's stays, one a row keyed by confirmation number, in the state colours of lists."""

    COMPONENT_CLASSES: ClassVar[set[str]] = DataTable.COMPONENT_CLASSES | {
        f"state--{key}" for key in STATES
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.add_columns("State", "Conf.", "Hotel", "Type", "Room", "Stay", "Nts", "Revenue")

    def show(self, stays: list[StayLine]) -> None:
        """Replace the rows."""
        self.clear()
        for stay in stays:
            state = "in-house" if stay.status == "checked_in" else stay.status.replace("_", "-")
            symbol, word = STATES.get(state, ("", stay.status))
            style = self.get_component_rich_style(f"state--{state}", partial=True)
            self.add_row(
                Text(f"{symbol} {word}", style=style),
                Text(stay.confirmation),
                Text(stay.property_code),
                Text(stay.room_type),
                Text("/".join(stay.rooms) or "—"),
                Text(f"{stay.arrival:%d.%m.%y}–{stay.departure:%d.%m}"),
                Text(f"{stay.nights}n", justify="right"),
                Text(format_money(stay.revenue, stay.currency), justify="right"),
                key=stay.confirmation,
            )


class GuestProfileScreen(DeskScreen[None]):
    """One guest's profile, with edit and merge."""

    CSS_PATH = "guest_profile.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("e", "edit", "Edit", tooltip="Edit the profile"),
        Binding("m", "merge", "Merge", tooltip="Merge a duplicate profile into this one"),
        Binding("l", "enrol", "Enrol", tooltip="Enrol the guest in the loyalty programme"),
        Binding("r", "refresh", "Refresh", tooltip="Read the profile again"),
    ]

    def __init__(self, guest_id: int) -> None:
        super().__init__()
        self.guest_id = guest_id
        self.profile: GuestProfile | None = None
        self.loyalty: LoyaltyView | None = None

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        with Horizontal(id="heading"):
            yield Static(Text(f"Guest #{self.guest_id}"), id="title")
            yield Static(id="flags")
        with Horizontal(id="top"):
            with Grid(id="facts"):
                for fact in FACTS:
                    yield Label(fact.capitalize(), classes="fact-name")
                    yield Static(id=f"fact-{fact.replace('-', '')}", classes="fact")
            with Vertical(id="loyalty-panel", classes="panel") as loyalty:
                loyalty.border_title = "Loyalty"
                yield Static(id="loyalty-standing")
                yield ProgressBar(id="loyalty-progress", show_eta=False)
                yield DataTable(id="loyalty-ledger", cursor_type="none", show_header=False)
        with Vertical(id="upcoming-panel", classes="panel") as upcoming:
            upcoming.border_title = "Upcoming"
            yield StayTable(id="upcoming")
        with Horizontal(id="bottom"):
            with Vertical(id="history-panel", classes="panel") as history:
                history.border_title = "History"
                yield StayTable(id="history")
            with Vertical(id="reviews-panel", classes="panel") as reviews:
                reviews.border_title = "Reviews"
                yield DataTable(id="reviews", cursor_type="row", show_header=False)
        yield DeskFooter()

    def on_mount(self) -> None:
        self.loading = True
        self.query_one("#loyalty-ledger", DataTable).add_columns("Date", "What", "Points")
        self.query_one("#reviews", DataTable).add_columns("Date", "Score", "Stay", "Title")
        self._read()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """An anonymised profile is kept for its stays only: nothing to edit or merge; a
        member has nothing to enrol in."""
        if action in {"edit", "merge"}:
            return (self.profile is not None and not self.profile.anonymised) or None
        if action == "enrol":
            live = self.profile is not None and not self.profile.anonymised
            return (live and self.loyalty is None) or None
        return True

    def action_back(self) -> None:
        """Back to where the clerk came from."""
        self.dismiss()

    def action_refresh(self) -> None:
        """Read the profile again."""
        self._read()

    def action_edit(self) -> None:
        """Open the profile in the form; the form saves it and hands the result back."""
        if self.profile is None:
            return

        def _saved(profile: GuestProfile | None) -> None:
            if profile is not None:
                self.post_message(GuestLoaded(profile, done="saved"))

        self.post_message(EditGuest(self.profile, _saved))

    def action_merge(self) -> None:
        """Pick the duplicate through the search, ask, then merge it into this profile."""
        profile = self.profile
        if profile is None:
            return

        def _picked(hit: SearchHit | None) -> None:
            if hit is None:
                return
            if hit.id == profile.id:
                self.notify("that is this profile — pick the duplicate", severity="warning")
                return
            question = (
                f"Merge {hit.title} (#{hit.id}) into {profile.name} (#{profile.id})? "
                "Its stays move to this profile."
            )
            self.app.push_screen(
                ConfirmDialog(question, "Merge", "Keep both"),
                lambda yes: self._merge(hit.id) if yes else None,
            )

        self.post_message(PickGuest(profile.last_name, _picked))

    def action_enrol(self) -> None:
        """Make the guest a loyalty member (the property's programme, its first tier)."""
        if self.profile is not None:
            self._enrol()

    @work(thread=True, exclusive=True, group="guest", exit_on_error=False)
    def _read(self, done: str = "") -> None:
        self.post_message(GuestLoaded(self.desk.read(show_guest, self.guest_id), done))
        self.post_message(
            GuestStandingLoaded(
                self.desk.read(loyalty_panel, self.guest_id),
                self.desk.read(reviews_of_guest, self.guest_id),
            )
        )

    @work(thread=True, exclusive=True, group="guest", exit_on_error=False)
    def _enrol(self) -> None:
        member = self.desk.run(enrol, self.guest_id)
        self._read(f"enrolled, member number {member.member_number}")

    @on(GuestStandingLoaded)
    def _standing(self, message: GuestStandingLoaded) -> None:
        self.loyalty = message.loyalty
        self.refresh_bindings()
        self._fill_loyalty(message.loyalty)
        table = self.query_one("#reviews", DataTable)
        table.clear()
        for review in message.reviews:
            title = Text(review.title or review.text or "—", no_wrap=True, overflow="ellipsis")
            if review.status == "hidden":
                title.append(" (hidden)", style="dim")
            table.add_row(Text(f"{review.review_date:%d.%m.%y}"), Text(review.stars),
                          Text(review.confirmation), title, key=review.confirmation)  # fmt: skip

    def _fill_loyalty(self, view: LoyaltyView | None) -> None:
        standing = self.query_one("#loyalty-standing", Static)
        bar = self.query_one("#loyalty-progress", ProgressBar)
        ledger = self.query_one("#loyalty-ledger", DataTable)
        ledger.clear()
        bar.display = ledger.display = view is not None
        if view is None:
            standing.update(Text("Not a member — l enrols", style="dim"))
            return
        line = Text.assemble((view.tier_name, "bold"), f" · {view.redeemable:,} points")
        if view.next_tier and view.next_threshold and not view.to_next_tier:
            line.append(f" · {view.next_tier} at the next review")
            bar.update(total=view.next_threshold, progress=view.next_threshold)
        elif view.next_tier and view.next_threshold:
            line.append(f" · {measure_text(view, view.to_next_tier)} to {view.next_tier}")
            bar.update(total=view.next_threshold, progress=min(view.measure, view.next_threshold))
        else:
            line.append(" · top tier")
            bar.update(total=1, progress=1)
        standing.update(line)
        for entry in reversed(view.lines[-3:]):
            ledger.add_row(Text(f"{entry.business_date:%d.%m}"),
                           Text(entry.description, no_wrap=True, overflow="ellipsis"),
                           Text(f"{entry.redeemable:+,}", justify="right"))  # fmt: skip

    @work(thread=True, exclusive=True, group="guest", exit_on_error=False)
    def _merge(self, duplicate: int) -> None:
        merged = self.desk.run(merge_guests, self.guest_id, duplicate)
        self.post_message(GuestLoaded(merged, done=f"merged #{duplicate} into this profile"))

    @on(GuestLoaded)
    def _loaded(self, message: GuestLoaded) -> None:
        self.loading = False
        self.profile = message.profile
        self._fill(message.profile)
        self.refresh_bindings()
        if message.done:
            self.notify(f"{message.profile.name}: {message.done}")

    def _fill(self, profile: GuestProfile) -> None:
        title = Text(profile.name, style="bold")
        title.append(f"  #{profile.id}", style="dim")
        self.query_one("#title", Static).update(title)
        flags = Text()
        if profile.vip_level:
            flags.append(f" VIP {profile.vip_level} ", style="bold reverse")
            flags.append(" ")
        if profile.do_not_rent:
            flags.append(" DO NOT RENT ", style="bold reverse")
            flags.append(f" {profile.do_not_rent_reason}")
        if profile.anonymised:
            flags.append("anonymised: stays and revenue kept, personal data erased", style="dim")
        self.query_one("#flags", Static).update(flags)
        revenue = ", ".join(format_money(v, c) for c, v in sorted(profile.revenue.items()))
        where = ", ".join(p for p in (profile.city, profile.country) if p)
        facts = {
            "email": profile.email,
            "phone": display_phone(profile.phone),
            "company": profile.company,
            "city": where,
            "loyalty": f"◆ {profile.loyalty_number}" if profile.loyalty_number else "",
            "prefers": ", ".join(f"{k}: {v}" for k, v in sorted(profile.preferences.items())),
            "notes": profile.notes,
            "stayed": f"{profile.nights_stayed} nights · {revenue or 'no revenue yet'}",
        }
        for fact, value in facts.items():
            self.query_one(f"#fact-{fact}", Static).update(Text(value or "—", no_wrap=True))
        self.query_one("#upcoming", StayTable).show(profile.upcoming)
        self.query_one("#history", StayTable).show(profile.history)

    @on(DataTable.RowSelected, "StayTable, #reviews")
    def _open_stay(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.post_message(OpenReservation(event.row_key.value))

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.loading = False
            self.report_failure(event.worker.error)
