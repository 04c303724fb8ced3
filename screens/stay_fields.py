"""The stay fields of the reservation form and their checks: what each field holds, what to
say beside it as the clerk goes (or on save), and departure and nights kept in step.

The form (`screens.reservation_form`) lays the fields out, reacts to the clerk and saves; this
base holds what it checks with, so that a field's rules read in one place.
"""

from __future__ import annotations

import datetime as dt

from textual.widgets import Input, Select

from pms.dates import parse_date
from pms.errors import InvalidInput
from pms.money import format_money, to_minor
from pms.properties import RoomTypeView
from pms.reservation_views import ReservationView
from screens.widgets import DeskScreen, long_date


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
