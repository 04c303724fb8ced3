"""The reservation form: F2 starts a new booking here, `m` on a reservation modifies it.

A new booking is three steps, all on the keyboard: here the dates and party (and what the caller
wants: features, a budget), then `enter` or `ctrl+s` shows the offers (`screens.offers`), then
the guest and `ctrl+s` books (`screens.booking_confirm`). `escape` goes back a step with
everything still typed; here it asks before throwing the booking away. A modification keeps
the one form: dates, party and room type, and `ctrl+s` saves.

Fields come in the order a clerk asks the caller. Dates are typed the desk's way (`2026-12-04`,
`4.12`, `+3`, `fri`) and sent to the services as typed; leaving a field checks it and says what
it understood ("Fri 04 Dec 2026") or what is wrong, beside the field, keeping what was typed.
A booking happens at most once, however often it is confirmed: its idempotency key is made once,
with the form, and goes along through the steps. The fields' checks are in
`screens.stay_fields`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid
from textual.widgets import Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from pms.hotel.properties import RoomTypeView, property_view
from pms.kernel.errors import InvalidInput
from pms.reservations.changes import StayChanges, modify
from pms.reservations.quotes import QuoteRequest, quote
from pms.stays.reservation_views import ReservationView
from screens.booking_steps import BookingDraft, steps_line
from screens.desk_footer import DeskFooter
from screens.dialogs import ConfirmDialog
from screens.header import DeskHeader
from screens.messages import OffersLoaded, PropertyLoaded, ReservationSaved, ShowOffers
from screens.stay_fields import (
    GROUP_STARTS,
    GUEST_FIELDS,
    LABELS,
    MODIFY_FIELDS,
    NEW_FIELDS,
    PLACEHOLDERS,
    SERVICE_FIELDS,
    StayFieldsScreen,
)
from screens.typing import DeskInput


class ReservationFormScreen(StayFieldsScreen):
    """Start a booking (dates and party, then the offers), or change a stay; dismissed with the
    booked or saved reservation (None if left)."""

    CSS_PATH = "reservation_form.tcss"
    AUTO_FOCUS = "#arrival"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("ctrl+s", "offers", "Offers", priority=True, tooltip="See the offers"),
        Binding("escape", "leave", "Cancel", tooltip="Leave the form"),
    ]

    def __init__(self, view: ReservationView | None = None, *, walk_in: bool = False) -> None:
        super().__init__()
        self.view = view
        self.walk_in = walk_in  # a guest at the desk: arriving today, one night to start with
        self.fields = MODIFY_FIELDS if view else NEW_FIELDS
        self.draft = BookingDraft(idempotency_key=uuid.uuid4().hex)
        self.business_date: dt.date | None = None
        self.hotel_code: str | None = None
        self.currency = "EUR"
        self.room_types: dict[str, RoomTypeView] = {}
        self.length_from: str | None = None  # "departure" or "nights": whichever was typed last
        self.filled: dict[str, str] = {}  # what the form itself last put in departure / nights
        self.saving = False
        self.initial = self._initial_values()

    @property
    def idempotency_key(self) -> str:
        """The booking's key, made once with the form."""
        return self.draft.idempotency_key

    @property
    def has_input(self) -> bool:
        """True when anything differs from how the form opened, here or in a later step of the
        booking (leaving would lose it)."""
        return self.values() != self.initial or self.draft.has_guest

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`ctrl+s` shows the offers for a new booking and saves a modification."""
        if action == "save":
            return not self.creating
        if action == "offers":
            return self.creating
        return True

    def _initial_values(self) -> dict[str, str]:
        view = self.view
        if view is None:
            start = {"adults": "1", "children": "0"}
            if self.walk_in:
                start |= {"arrival": "today", "nights": "1"}
            return {f: start.get(f, "") for f in self.fields}
        return {
            "arrival": view.arrival.isoformat(),
            "departure": view.departure.isoformat(),
            "nights": str(view.nights),
            "adults": str(view.adults),
            "children": str(view.children),
            "room_type": view.room_type,
            "guest": view.guest_name,
            "email": view.email,
            "phone": view.phone,
        }

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        view = self.view
        title = (
            Text(
                f"Modify {view.confirmation} · {view.guest_name}"
                + (f" ◆ {view.member_number}" if view.member_number else ""),
                style="bold",
            )
            if view
            else steps_line(0)
        )
        yield Static(title, id="form-title")
        with Grid(id="form-grid"):
            for field in self.fields:
                if field in GROUP_STARTS:
                    yield Static(classes="spacer")
                yield Label(LABELS[field], classes="field-label")
                if field == "room_type":
                    yield Select[str]([], prompt="pick a room type", id=field, compact=True)
                else:
                    yield DeskInput(
                        self.initial[field],
                        id=field,
                        compact=True,
                        placeholder=PLACEHOLDERS.get(field, ""),
                        disabled=view is not None and field in GUEST_FIELDS,
                    )
                yield Static(id=f"{field}-note", classes="note")
        yield Static(id="form-message")
        yield DeskFooter()

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="property", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(PropertyLoaded(self.desk.read(property_view, self.property_code)))

    @on(PropertyLoaded)
    def _property_loaded(self, message: PropertyLoaded) -> None:
        self.business_date = message.property.business_date
        self.hotel_code, self.currency = message.property.code, message.property.currency
        self.room_types = {rt.code: rt for rt in message.property.room_types}
        if self.creating:
            return  # the offers list the room types
        select = self.query_one("#room_type", Select)
        current = select.value
        select.set_options(
            (f"{rt.code}  {rt.name} (≤{rt.max_occupancy})", rt.code)
            for rt in message.property.room_types
        )
        wanted = current if isinstance(current, str) else self.initial["room_type"]
        if wanted in self.room_types:
            select.value = wanted

    @on(Input.Submitted)
    def _submitted(self) -> None:
        if self.creating:
            self.action_offers()  # enter anywhere in the booking's first step: the offers

    # Offers, saving and leaving -------------------------------------------------------------

    def action_offers(self) -> None:
        """Check the stay and party, then quote it (in a worker) and show the offers."""
        if self.creating and self._all_fine():
            self.saving = True
            self._quote(self._quote_request())

    def _quote_request(self) -> QuoteRequest:
        values = self.values()
        departure, nights = self._length()
        return QuoteRequest(
            arrival=values["arrival"],
            departure=departure,
            nights=nights,
            adults=int(values["adults"] or 0),
            children=int(values["children"] or 0),
            property_code=self.hotel_code or self.property_code,
            features=tuple(f.strip() for f in values["features"].split(",") if f.strip()),
            max_total=self._money("max_total"),
            max_nightly=self._money("max_nightly"),
            company=values["company"],
            include_closed=True,
        )

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _quote(self, request: QuoteRequest) -> None:
        self.post_message(OffersLoaded(request, self.desk.read(quote, request)))

    @on(OffersLoaded)
    def _quoted(self, message: OffersLoaded) -> None:
        message.stop()
        self.saving = False
        if not self.is_current:
            return  # the clerk left (or opened something else) while the quote was running

        def _done(view: ReservationView | None) -> None:
            if view is not None:
                self.dismiss(view)

        self.post_message(
            ShowOffers(self.draft, message.request, message.offers, self.currency, _done)
        )

    def action_save(self) -> None:
        """Check every field, then save the modification in a worker."""
        if self.view is None or not self._all_fine():
            return
        if changes := self._changes(self.view):
            self.saving = True
            self._modify(self.view, changes)
        else:
            self._message("nothing has changed")

    def _length(self) -> tuple[str | None, int | None]:
        """The departure or the nights to send, whichever the clerk typed (departure first)."""
        values = self.values()
        if self.length_from == "nights" or (self.length_from is None and not values["departure"]):
            return None, int(values["nights"])
        return values["departure"], None

    def _changes(self, view: ReservationView) -> StayChanges | None:
        values, was = self.values(), self.initial
        changed = {f for f in self.fields if values[f] != was[f]}
        if not changed:
            return None
        departure, nights = self._length() if changed & {"departure", "nights"} else (None, None)
        return StayChanges(
            arrival=values["arrival"] if "arrival" in changed else None,
            departure=departure,
            nights=nights,
            room_type=values["room_type"] if "room_type" in changed else None,
            adults=int(values["adults"]) if "adults" in changed else None,
            children=int(values["children"]) if "children" in changed else None,
        )

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _modify(self, view: ReservationView, changes: StayChanges) -> None:
        saved = self.desk.run(modify, view.confirmation, changes, expected_version=view.version)
        self.post_message(ReservationSaved(saved, created=False))

    @on(ReservationSaved)
    def _saved(self, message: ReservationSaved) -> None:
        view = message.view
        done = "booked" if message.created else "modified"
        self.notify(f"{view.confirmation} {done} for {view.guest_name}")
        self.dismiss(view)

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        """A refused quote or save keeps every typed value: a field's problem stands beside
        it, anything else (sold out, changed by another desk…) above the footer."""
        if event.worker.group == "save" and event.worker.is_finished:
            self.saving = False
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        field = (
            SERVICE_FIELDS.get(error.field, error.field) if isinstance(error, InvalidInput) else ""
        )
        if field in self.fields:
            self._note(field, str(error), error=True)
            self._message("check the marked field")
            self.query_one(f"#{field}").focus()
        else:
            self._message(f"✗ {self.report_failure(error, quiet=True)}")

    def action_leave(self) -> None:
        """Leave the form, asking first when something was typed."""
        if not self.has_input:
            self.dismiss(None)
            return

        def _answer(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        what = "booking" if self.creating else "change"
        self.app.push_screen(
            ConfirmDialog(
                f"Discard this {what}? What was typed will be lost.", "Discard", "Keep editing"
            ),
            _answer,
        )
