"""One reservation in full, and what a clerk can do to it: modify, cancel, assign a room, and
at the desk check in (`c`), check out (`o`) and open the folios (`f`) when those apply, and
enter the guest's review (`v`) once the stay is checked out.

Every change goes back with the version the clerk saw, so a stay changed meanwhile at another
desk fails with "changed by someone else — reload" instead of being overwritten.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import DataTable, Label, Static
from textual.worker import Worker, WorkerState

from pms.kernel.money import format_money
from pms.rates.pricing import CITY_TAX, PER_NIGHT_INCL_VAT, price_summary
from pms.reservations.changes import cancel
from pms.reviews.entry import review_categories
from pms.stays.reservation_views import CHANGEABLE, ReservationView, get_reservation
from pms.stays.rooms import assign_room, free_rooms
from screens.dates import long_date, short_date
from screens.desk_footer import DeskFooter
from screens.desk_screen import DeskScreen
from screens.dialogs import CancelDialog, RoomPicker
from screens.header import DeskHeader
from screens.messages import (
    FreeRoomsLoaded,
    ModifyReservation,
    OpenCheckIn,
    OpenCheckOut,
    OpenFolio,
    ReservationLoaded,
)
from screens.review_dialog import ReviewDialog
from screens.status_marks import STATES, stay_state
from screens.stay_actions import STAY_KEYS, stay_actions

#: The facts shown down the left, in the order a clerk reads them back to a caller.
FACTS = ("guest", "contact", "stay", "room", "party", "rate", "total", "version")


class ReservationDetailScreen(DeskScreen[None]):
    """A reservation: who, when, which room, what it costs night by night."""

    CSS_PATH = "reservation_detail.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("m", "modify", "Modify", tooltip="Modify the stay"),
        Binding("x", "cancel_stay", "Cancel", tooltip="Cancel the stay"),
        Binding("a", "assign_room", "Assign room", tooltip="Assign a room"),
        Binding("r", "refresh", "Refresh", show=False, tooltip="Read the reservation again"),
        Binding("v", "review", "Review", tooltip="Enter the guest's review of the stay"),
        *(
            Binding(key, action, description, tooltip=tooltip)
            for action, (key, description, tooltip) in STAY_KEYS.items()
        ),
    ]

    def __init__(self, confirmation: str, view: ReservationView | None = None) -> None:
        super().__init__()
        self.confirmation = confirmation
        self.view = view

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        with Horizontal(id="heading"):
            yield Static(Text(f"Reservation {self.confirmation}"), id="title")
            yield Static(id="status")
        with Grid(id="facts"):
            for fact in FACTS:
                yield Label(fact.capitalize(), classes="fact-name")
                yield Static(id=f"fact-{fact}", classes="fact")
        with Vertical(id="nightly-panel") as panel:
            panel.border_title = "Nightly prices"
            yield DataTable(id="nightly", cursor_type="none", zebra_stripes=True)
        yield DeskFooter()

    def on_mount(self) -> None:
        headings = (PER_NIGHT_INCL_VAT, CITY_TAX)  # sentence case, VAT kept in capitals
        self.query_one("#nightly", DataTable).add_columns(
            "Night", *(words[:1].upper() + words[1:] for words in headings)
        )
        if self.view is not None:
            self._fill(self.view)
        else:
            self.query_one("#facts").loading = True
            self._read()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Changes are offered only while the stay has not arrived; shown greyed out otherwise."""
        if action in {"modify", "cancel_stay", "assign_room"}:
            return (self.view is not None and self.view.status in CHANGEABLE) or None
        if action == "review":
            return self.view is not None and self.view.status == "checked_out"
        if action in STAY_KEYS:
            return action in self.stay_actions  # shown only when it applies
        return True

    @property
    def stay_actions(self) -> set[str]:
        """Which of check in, check out and folio apply to the stay on the business date."""
        view, hotel = self.view, self.front_desk.hotel
        if view is None:
            return set()
        business_date = hotel.business_date if hotel else None
        return stay_actions(view.status, view.arrival, view.departure, business_date)

    def action_check_in(self) -> None:
        """Pick a room and check the guest in; the stay is read again afterwards."""
        self.post_message(OpenCheckIn(self.confirmation, closed=lambda _: self._read()))

    def action_check_out(self) -> None:
        """Settle the folios and check the guest out; the stay is read again afterwards."""
        self.post_message(OpenCheckOut(self.confirmation, closed=lambda _: self._read()))

    def action_folio(self) -> None:
        """The stay's folios: post, pay, reverse, transfer."""
        self.post_message(OpenFolio(self.confirmation, closed=lambda _: self._read()))

    def action_review(self) -> None:
        """Enter what the guest said of the stay (the categories are the property's own)."""
        self._read_categories()

    @work(thread=True, exclusive=True, group="reservation", exit_on_error=False)
    def _read_categories(self) -> None:
        categories = self.desk.read(review_categories, self.property_code)
        self.app.call_from_thread(self._ask_review, categories)

    def _ask_review(self, categories: list[tuple[str, str]]) -> None:
        view = self.view
        if view is None:
            return

        def _saved(review_id: int | None) -> None:
            if review_id is not None:
                self.notify(f"Review {review_id} of {view.confirmation} saved")

        dialog = ReviewDialog(view.confirmation, view.guest_name, categories)
        self.app.push_screen(dialog, _saved)

    def action_back(self) -> None:
        """Back to where the clerk came from."""
        self.dismiss()

    def action_refresh(self) -> None:
        """Read the reservation again (after a change at another desk)."""
        self._read()

    def action_modify(self) -> None:
        """Open the stay in the form; the saved result comes back here."""
        if self.view is None:
            return

        def _saved(view: ReservationView | None) -> None:
            if view is not None:
                self.post_message(ReservationLoaded(view))  # the form has said it is saved

        self.post_message(ModifyReservation(self.view, _saved))

    def action_cancel_stay(self) -> None:
        """Ask why, then cancel."""
        view = self.view
        if view is None:
            return

        def _answer(reason: str | None) -> None:
            if reason:
                self._cancel(view, reason)

        self.app.push_screen(CancelDialog(view), _answer)

    def action_assign_room(self) -> None:
        """Find the free rooms, then let the clerk pick one."""
        if self.view is not None:
            self._find_rooms(self.view.confirmation)

    @work(thread=True, exclusive=True, group="reservation", exit_on_error=False)
    def _read(self) -> None:
        self.post_message(ReservationLoaded(self.desk.read(get_reservation, self.confirmation)))

    @work(thread=True, exclusive=True, group="reservation", exit_on_error=False)
    def _cancel(self, view: ReservationView, reason: str) -> None:
        done = self.desk.run(
            cancel, view.confirmation, reason=reason, expected_version=view.version
        )
        self.post_message(ReservationLoaded(done, done="cancelled"))

    @work(thread=True, exclusive=True, group="reservation", exit_on_error=False)
    def _find_rooms(self, confirmation: str) -> None:
        self.post_message(FreeRoomsLoaded(confirmation, self.desk.read(free_rooms, confirmation)))

    @work(thread=True, exclusive=True, group="reservation", exit_on_error=False)
    def _assign(self, view: ReservationView, number: str) -> None:
        done = self.desk.run(assign_room, view.confirmation, number, expected_version=view.version)
        self.post_message(ReservationLoaded(done, done=f"given room {number}"))

    @on(ReservationLoaded)
    def _loaded(self, message: ReservationLoaded) -> None:
        self.query_one("#facts").loading = False
        self._fill(message.view)
        if message.done:
            self.notify(f"{message.view.confirmation} {message.done}")

    @on(FreeRoomsLoaded)
    def _rooms_found(self, message: FreeRoomsLoaded) -> None:
        view = self.view
        if view is None or message.confirmation != view.confirmation:
            return
        if not message.rooms:
            self.notify(
                f"no {view.room_type} room is free for all these nights", severity="warning"
            )
            return

        def _picked(number: str | None) -> None:
            if number:
                self._assign(view, number)

        self.app.push_screen(RoomPicker(view, message.rooms), _picked)

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.query_one("#facts").loading = False
            self.report_failure(event.worker.error)

    def _fill(self, view: ReservationView) -> None:
        self.view = view
        self.refresh_bindings()
        hotel = self.front_desk.hotel
        state = stay_state(view.status, view.departure, hotel.business_date if hotel else None)
        symbol, word = STATES[state]
        status = self.query_one("#status", Static)
        status.update(f"{symbol} {word}" + ("  ▲ overbooked" if view.overbooked else ""))
        status.set_classes(f"state--{state}")
        facts = {
            "guest": f"{view.guest_name} ◆ {view.member_number}"
            if view.member_number
            else view.guest_name,
            "contact": " · ".join(c for c in (view.email, view.phone) if c) or "—",
            "stay": f"{long_date(view.arrival)} → {long_date(view.departure)}, "
            f"{view.nights} night{'s' if view.nights != 1 else ''}",
            "room": f"{view.room_type}, " + (f"room {view.room}" if view.rooms else "no room yet"),
            "party": f"{view.adults} adult{'s' if view.adults != 1 else ''}, "
            f"{view.children} child{'ren' if view.children != 1 else ''}",
            "rate": f"{view.rate_plan} · "
            + (f"for {view.company} · " if view.company else "")
            + f"booked via {view.source}",
            "total": price_summary(
                view.price_per_night, view.price_total, view.city_tax, view.currency
            ),
            "version": f"{view.version} · {view.property_code}",
        }
        for fact, value in facts.items():
            self.query_one(f"#fact-{fact}", Static).update(Text(value))
        nightly = self.query_one("#nightly", DataTable)
        nightly.clear()
        for night in view.nightly:
            price = Text(format_money(view.night_price(night), view.currency), justify="right")
            city = Text(format_money(view.night_city_tax(night), view.currency), justify="right")
            nightly.add_row(Text(short_date(night.night)), price, city)
