"""The stay fields of the reservation form and their checks: what each field holds, what to
say beside it as the clerk goes (or on save), and departure and nights kept in step.

The form (`screens.reservation_form`) lays the fields out, quotes and saves; this base holds
the fields, what it checks them with and what it says beside them, so that a field's rules read
in one place.
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import on
from textual.widgets import Input, Select, Static

from pms.hotel.properties import RoomTypeView
from pms.kernel.dates import parse_date
from pms.kernel.errors import InvalidInput
from pms.kernel.money import format_money, to_minor
from pms.stays.reservation_views import ReservationView
from screens.dates import long_date
from screens.desk_screen import DeskScreen

#: The fields in the order the clerk asks for them; the ids the services name in InvalidInput.
STAY_FIELDS = ("arrival", "departure", "nights", "adults", "children")
#: A new booking asks for the stay, the party and what the caller wants; the offers follow.
NEW_FIELDS = (*STAY_FIELDS, "features", "max_total", "max_nightly", "company")
#: A modification changes the stay, the party or the room type; the guest is shown, fixed.
MODIFY_FIELDS = (*STAY_FIELDS, "room_type", "guest", "email", "phone")
#: What the quote service calls a field, where the form calls it otherwise.
SERVICE_FIELDS = {"max_price": "max_total"}
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
    "features": "Features",
    "max_total": "Max total",
    "max_nightly": "or per night",
    "company": "Company",
}
PLACEHOLDERS = {
    "arrival": "2026-12-04 · 4.12 · +3 · fri",
    "departure": "a date, or nights below",
    "nights": "instead of departure",
    "guest": "first and last name",
    "features": "e.g. sea view, accessible",
    "max_total": "any",
    "max_nightly": "any",
    "company": "for its corporate rates",
}
#: Where the clerk's next question starts (party, room, guest, wishes): a spacer line above each.
GROUP_STARTS = ("adults", "room_type", "guest", "features", "company")
#: The guest is chosen when the stay is booked; a modification changes only the stay.
GUEST_FIELDS = ("guest", "email", "phone")


class StayFieldsScreen(DeskScreen[ReservationView | None]):
    """A screen with the stay fields (dates or nights, party, budget, room type) and their checks;
    the reservation form sets what they read in its `__init__` and on loading the property."""

    #: The reservation being modified; None for a new booking.
    view: ReservationView | None
    #: The fields the form shows, in order.
    fields: tuple[str, ...]
    business_date: dt.date | None
    currency: str
    room_types: dict[str, RoomTypeView]
    length_from: str | None  # "departure" or "nights": whichever was typed last
    filled: dict[str, str]  # what the form itself last put in departure / nights
    saving: bool  # a quote or a save is on its way

    @property
    def creating(self) -> bool:
        """True for a new booking, False when modifying one."""
        return self.view is None

    def values(self) -> dict[str, str]:
        """What each field holds now, as typed."""
        values = {}
        for field in self.fields:
            if field == "room_type":
                choice = self.query_one("#room_type", Select).value
                values[field] = choice if isinstance(choice, str) else ""
            else:
                values[field] = self.query_one(f"#{field}", Input).value.strip()
        return values

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
        if field in ("max_total", "max_nightly"):
            budget = self._money(field)
            return "" if budget is None else format_money(budget, self.currency)
        if saving and not value and field == "room_type":
            raise InvalidInput(field, "pick a room type")
        return ""

    def _check_party(self) -> None:
        """At least one adult, and no more guests than the room type holds (the occupancy
        message stands beside adults, as the service's does)."""
        adults = self._whole("adults")
        if adults < 1:
            raise InvalidInput("adults", "a stay needs at least one adult")
        room_type = self.room_types.get(self.values().get("room_type", ""))
        try:
            party = adults + self._whole("children")
        except InvalidInput:
            return  # the children field says what is wrong with it
        largest = max((rt.max_occupancy for rt in self.room_types.values()), default=party)
        if self.creating and party > largest:
            raise InvalidInput("adults", f"no room type holds {party} guests (at most {largest})")
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

    def _money(self, field: str) -> int | None:
        """A budget as typed (`400`, `150.50`), in minor units; blank is no limit."""
        text = self.values()[field]
        if not text:
            return None
        amount = to_minor(text, self.currency, field=field)
        if amount < 0:
            raise InvalidInput(field, "a maximum price cannot be negative")
        return amount

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
        elif event.input.id in ("max_total", "max_nightly"):
            self._note(event.input.id, *self._check(event.input.id))

    @on(Select.Changed, "#room_type")
    def _room_type_chosen(self) -> None:
        self._note("room_type", "")
        if self.values()["adults"]:
            self._note("adults", *self._check("adults"))

    def _note(self, field: str, text: str, error: bool = False) -> None:
        note = self.query_one(f"#{field}-note", Static)
        note.update(Text(f"✗ {text}" if error else text))
        note.set_class(error, "error")
        self.query_one(f"#{field}").set_class(error, "-invalid")

    def _message(self, text: str) -> None:
        message = self.query_one("#form-message", Static)
        message.update(Text(text))
        message.set_class(bool(text), "error")

    def _all_fine(self) -> bool:
        """Check every field as on save; say what is wrong beside each and go to the first."""
        if self.saving or self.business_date is None:
            return False
        self._sync_length()
        problems = []
        for field in self.fields:
            text, error = self._check(field, saving=True)
            self._note(field, text, error)
            if error:
                problems.append(field)
        if problems:
            self._message("check the marked fields")
            self.query_one(f"#{problems[0]}").focus()
            return False
        self._message("")
        return True
