"""The reservation form: F2 books a new stay, `m` on a reservation modifies it.

Fields come in the order a clerk asks the caller — dates, party, room type, guest. Dates are
typed the desk's way (`2026-12-04`, `4.12`, `+3`, `fri`) and sent to the services as typed;
leaving a field checks it and says what it understood ("Fri 04 Dec 2026") or what is wrong,
beside the field, keeping what was typed. `ctrl+s` saves; a form books at most once, however
often it is saved, because its idempotency key is made once, with the form.
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
from textual.widgets import Footer, Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from pms.dates import parse_date
from pms.errors import InvalidInput
from pms.guests import GuestInput
from pms.properties import RoomTypeView, property_view
from pms.reservation_views import ReservationView
from pms.reservations import BookingRequest, StayChanges, book, modify
from screens.dialogs import ConfirmDialog
from screens.messages import PropertyLoaded, ReservationSaved
from screens.widgets import DeskHeader, DeskScreen, long_date

#: The fields in the order the clerk asks for them; the ids the services name in InvalidInput.
FIELDS = (
    "arrival",
    "departure",
    "nights",
    "adults",
    "children",
    "room_type",
    "guest",
    "email",
    "phone",
)
LABELS = {
    "arrival": "Arrival",
    "departure": "Departure",
    "nights": "or nights",
    "adults": "Adults",
    "children": "Children",
    "room_type": "Room type",
    "guest": "Guest name",
    "email": "E-mail",
    "phone": "Phone",
}
PLACEHOLDERS = {
    "arrival": "2026-12-04 · 4.12 · +3 · fri",
    "departure": "a date, or nights below",
    "nights": "instead of departure",
    "guest": "first and last name",
}
#: Where the clerk's next question starts (party, room, guest): a spacer line above each.
GROUP_STARTS = ("adults", "room_type", "guest")
#: The guest is chosen when the stay is booked; a modification changes only the stay.
GUEST_FIELDS = ("guest", "email", "phone")


class ReservationFormScreen(DeskScreen[ReservationView | None]):
    """Book a stay, or change one; dismissed with the saved reservation (None if left)."""

    CSS_PATH = "reservation_form.tcss"
    AUTO_FOCUS = "#arrival"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "leave", "Cancel", tooltip="Leave the form"),
    ]

    def __init__(self, view: ReservationView | None = None) -> None:
        super().__init__()
        self.view = view
        self.idempotency_key = uuid.uuid4().hex
        self.business_date: dt.date | None = None
        self.room_types: dict[str, RoomTypeView] = {}
        self.length_from: str | None = None  # "departure" or "nights": whichever was typed last
        self.filled: dict[str, str] = {}  # what the form itself last put in departure / nights
        self.saving = False
        self.initial = self._initial_values()

    @property
    def creating(self) -> bool:
        """True for a new booking, False when modifying one."""
        return self.view is None

    @property
    def has_input(self) -> bool:
        """True when anything differs from how the form opened (leaving would lose it)."""
        return self.values() != self.initial

    def _initial_values(self) -> dict[str, str]:
        view = self.view
        if view is None:
            return {f: {"adults": "1", "children": "0"}.get(f, "") for f in FIELDS}
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
        title = f"Modify {view.confirmation} · {view.guest_name}" if view else "New reservation"
        yield Static(Text(title), id="form-title")
        with Grid(id="form-grid"):
            for field in FIELDS:
                if field in GROUP_STARTS:
                    yield Static(classes="spacer")
                yield Label(LABELS[field], classes="field-label")
                if field == "room_type":
                    yield Select[str]([], prompt="pick a room type", id=field, compact=True)
                else:
                    yield Input(
                        self.initial[field],
                        id=field,
                        compact=True,
                        placeholder=PLACEHOLDERS.get(field, ""),
                        disabled=view is not None and field in GUEST_FIELDS,
                    )
                yield Static(id=f"{field}-note", classes="note")
        yield Static(id="form-message")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._load()

    def values(self) -> dict[str, str]:
        """What each field holds now, as typed."""
        values = {}
        for field in FIELDS:
            if field == "room_type":
                choice = self.query_one("#room_type", Select).value
                values[field] = choice if isinstance(choice, str) else ""
            else:
                values[field] = self.query_one(f"#{field}", Input).value.strip()
        return values

    @work(thread=True, exclusive=True, group="property", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(PropertyLoaded(self.desk.read(property_view, self.property_code)))

    @on(PropertyLoaded)
    def _property_loaded(self, message: PropertyLoaded) -> None:
        self.business_date = message.property.business_date
        self.room_types = {rt.code: rt for rt in message.property.room_types}
        select = self.query_one("#room_type", Select)
        current = select.value
        select.set_options(
            (f"{rt.code}  {rt.name} (≤{rt.max_occupancy})", rt.code)
            for rt in message.property.room_types
        )
        wanted = current if isinstance(current, str) else self.initial["room_type"]
        if wanted in self.room_types:
            select.value = wanted

    # Checking as the clerk goes -------------------------------------------------------------

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        field = event.input.id
        # The form fills one of these itself (see _sync_length), maybe just as the focus moves
        # into it: that is not the clerk typing.
        typed = event.input.has_focus and event.value != self.filled.get(field or "")
        if field in ("departure", "nights") and typed:
            self.length_from = field

    @on(Input.Blurred)
    def _left_field(self, event: Input.Blurred) -> None:
        if event.input.id in ("arrival", "departure", "nights"):
            self._sync_length()
            for field in ("arrival", "departure", "nights"):
                self._note(field, *self._check(field))
        elif event.input.id in ("adults", "children"):
            self._note("adults", *self._check("adults"))
            self._note("children", *self._check("children"))

    @on(Select.Changed, "#room_type")
    def _room_type_chosen(self) -> None:
        self._note("room_type", "")
        if self.values()["adults"]:
            self._note("adults", *self._check("adults"))

    def _check(self, field: str, *, saving: bool = False) -> tuple[str, bool]:
        """What to say beside `field`: (text, is_error). Blank fields are only an error when
        saving — a clerk moving through the form has not finished typing yet."""
        try:
            return self._hint(field, saving), False
        except InvalidInput as error:
            return str(error), True

    def _hint(self, field: str, saving: bool) -> str:
        value = self.values()[field]
        if field == "arrival":
            arrival = self._date("arrival", required=saving)
            if arrival is None:
                return ""
            if self.creating and self.business_date and arrival < self.business_date:
                raise InvalidInput(
                    field, f"arrival is before the business date {long_date(self.business_date)}"
                )
            return long_date(arrival)
        if field in ("departure", "nights"):
            return self._length_hint(field, saving)
        if field == "children":
            self._whole("children")
            return ""
        if field == "adults":
            self._check_party()
            return ""
        if saving and not value and field == "room_type":
            raise InvalidInput(field, "pick a room type")
        if saving and not value and field == "guest" and self.creating:
            raise InvalidInput(field, "the guest's name is missing")
        return ""

    def _check_party(self) -> None:
        """At least one adult, and no more guests than the room type holds (the occupancy
        message stands beside adults, as the service's does)."""
        adults = self._whole("adults")
        if adults < 1:
            raise InvalidInput("adults", "a stay needs at least one adult")
        room_type = self.room_types.get(self.values()["room_type"])
        try:
            party = adults + self._whole("children")
        except InvalidInput:
            return  # the children field says what is wrong with it
        if room_type and party > room_type.max_occupancy:
            raise InvalidInput(
                "adults",
                f"{room_type.code} holds at most {room_type.max_occupancy} guests; "
                f"this party is {party}",
            )

    def _length_hint(self, field: str, saving: bool) -> str:
        values = self.values()
        longest = self.desk.rules.max_stay_nights
        if field == "nights":
            if values["nights"] and not 1 <= self._whole("nights") <= longest:
                raise InvalidInput("nights", f"a stay lasts from 1 to {longest} nights")
            return ""
        if not values["departure"] and not values["nights"]:
            if saving:
                raise InvalidInput("departure", "departure (or nights) is missing")
            return ""
        departure = self._date("departure", required=False)
        arrival = self._quiet_date("arrival")
        if departure is None or arrival is None:
            return long_date(departure) if departure else ""
        if departure <= arrival:
            raise InvalidInput("departure", "departure must be after arrival")
        if (departure - arrival).days > longest:
            raise InvalidInput("departure", f"a stay may last at most {longest} nights")
        return long_date(departure)

    def _date(self, field: str, *, required: bool) -> dt.date | None:
        text = self.values()[field]
        if not text and not required:
            return None
        if self.business_date is None:
            return None  # not loaded yet: the service checks it on save
        return parse_date(text, self.business_date, field=field)

    def _quiet_date(self, field: str) -> dt.date | None:
        try:
            return self._date(field, required=False)
        except InvalidInput:
            return None

    def _whole(self, field: str) -> int:
        """A count as typed (blank is 0)."""
        text = self.values()[field] or "0"
        if not text.isdigit():
            raise InvalidInput(field, f"{field} must be a whole number, like 2")
        return int(text)

    def _sync_length(self) -> None:
        """Keep departure and nights telling the same story; the one typed last wins."""
        arrival = self._quiet_date("arrival")
        if arrival is None:
            return
        departure = self._quiet_date("departure")
        nights = self.values()["nights"]
        if self.length_from != "departure" and nights.isdigit() and int(nights) > 0:
            self._fill("departure", (arrival + dt.timedelta(days=int(nights))).isoformat())
        elif departure is not None and departure > arrival:
            self._fill("nights", str((departure - arrival).days))

    def _fill(self, field: str, value: str) -> None:
        self.filled[field] = value
        self.query_one(f"#{field}", Input).value = value

    def _note(self, field: str, text: str, error: bool = False) -> None:
        note = self.query_one(f"#{field}-note", Static)
        note.update(Text(f"✗ {text}" if error else text))
        note.set_class(error, "error")
        self.query_one(f"#{field}").set_class(error, "-invalid")

    def _message(self, text: str) -> None:
        message = self.query_one("#form-message", Static)
        message.update(Text(text))
        message.set_class(bool(text), "error")

    # Saving and leaving ---------------------------------------------------------------------

    def action_save(self) -> None:
        """Check every field, then book or modify in a worker."""
        if self.saving or self.business_date is None:
            return
        self._sync_length()
        problems = []
        for field in FIELDS:
            text, error = self._check(field, saving=True)
            self._note(field, text, error)
            if error:
                problems.append(field)
        if problems:
            self._message("check the marked fields")
            self.query_one(f"#{problems[0]}").focus()
            return
        self._message("")
        if self.view is None:
            self.saving = True
            self._book(self._request())
        elif changes := self._changes(self.view):
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

    def _request(self) -> BookingRequest:
        values = self.values()
        departure, nights = self._length()
        return BookingRequest(
            arrival=values["arrival"],
            departure=departure,
            nights=nights,
            room_type=values["room_type"],
            guest=GuestInput(values["guest"], values["email"], values["phone"]),
            adults=int(values["adults"] or 0),
            children=int(values["children"] or 0),
            property_code=self.property_code,
            idempotency_key=self.idempotency_key,
        )

    def _changes(self, view: ReservationView) -> StayChanges | None:
        values, was = self.values(), self.initial
        changed = {f for f in FIELDS if values[f] != was[f]}
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
    def _book(self, request: BookingRequest) -> None:
        self.post_message(ReservationSaved(self.desk.run(book, request), created=True))

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
        """A refused save keeps every typed value: a field's problem stands beside it,
        anything else (sold out, changed by another desk…) above the footer."""
        if event.worker.group == "save" and event.worker.is_finished:
            self.saving = False
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, InvalidInput) and error.field in FIELDS:
            self._note(error.field, str(error), error=True)
            self._message("check the marked field")
            self.query_one(f"#{error.field}").focus()
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
