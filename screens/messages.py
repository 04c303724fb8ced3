"""Messages of the front desk: workers reporting a service call, and screens asking for another.

A worker runs one `pms` service in its own unit of work and reports with one of these; a separate
handler on the screen fills the widgets. They carry plain data only (the `pms` view dataclasses,
dates, strings), never ORM objects, so nothing here can touch the database from the UI thread.
Every message bubbles: what a screen does not handle reaches the app (that is how the header
learns the business date and the banner learns the database went away).

A screen never opens another screen itself: it posts one of the `Open…` messages at the end and
the app, the one module that knows every screen, opens it. Where the asking screen wants the
answer (a guest picked, a stay saved), a callback goes along and the app hands it to the screen
it opens, as its dismiss callback.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from textual.message import Message
from textual.screen import Screen

# The views are only named in the fields' annotations: importing them here would load every
# service (search, quotes, check-in …) with the first screen, and the desk starts slower.
if TYPE_CHECKING:
    from pms.billing.ledger_views import StayFolios
    from pms.frontdesk.check_in import CheckInView
    from pms.frontdesk.check_out import CheckOutView
    from pms.frontdesk.dashboard import Dashboard
    from pms.frontdesk.room_suggestions import RoomSuggestion
    from pms.guests.profiles import GuestProfile
    from pms.hotel.properties import PropertyView, RoomTypeView
    from pms.inventory.nights import RoomTypeAvailability
    from pms.payments.views import PaymentView
    from pms.rates.calendar_view import RateRow
    from pms.rates.plans import RatePlanView
    from pms.reservations.quotes import Offer, QuoteRequest
    from pms.search.service import SearchHit
    from pms.stays.reservation_lists import ReservationSummary
    from pms.stays.reservation_views import ReservationView
    from pms.stays.rooms import RoomChoice
    from screens.booking_steps import BookingDraft
    from screens.desk_app import KeptAction

#: The reservation lists a clerk can open: F4, F5, F6 and the list of every reservation.
ListKind = Literal["arrivals", "in_house", "departures", "all"]


@dataclass
class PropertyLoaded(Message):
    """The property was read: its name, business date and room types.

    Screens that need the room types handle it; it then bubbles to the app, which refreshes the
    header line and, since the database just answered, clears the "unreachable" banner.
    """

    property: PropertyView


@dataclass
class DatabaseDown(Message):
    """A worker found the database unreachable; the app shows `reason` in the header banner."""

    reason: str


@dataclass
class ActionKept(Message):
    """An action failed because the database went away: the app keeps it for ctrl+r. With
    `kept` None, the action `label` of `screen` went through after all (the clerk did it again),
    so nothing of it is left to retry."""

    kept: KeptAction | None
    screen: Screen
    label: str


@dataclass
class CardsSettled(Message):
    """The start settled card attempts a stopped desk left pending: `line` says which."""

    line: str


@dataclass
class HouseChanged(Message):
    """Where the change log stands (read every LIVE_SECONDS): when it moved, some desk changed
    something, and the lists and the dashboard read their data again."""

    version: tuple[int, int]


@dataclass
class DashboardLoaded(Message):
    """The business date's arrivals, departures, in-house count and tonight's sales."""

    dashboard: Dashboard


@dataclass
class AvailabilityLoaded(Message):
    """Rooms left per room type for the nights from `start`.

    `start` says which window was asked for: the grid ignores an answer for a window the clerk
    has already scrolled away from.
    """

    start: dt.date
    business_date: dt.date
    grid: list[RoomTypeAvailability]


@dataclass
class ReservationsLoaded(Message):
    """One reservation list as asked for: `kind` and filter `text` let the list drop an answer
    to a question the clerk has since retyped."""

    kind: ListKind
    text: str
    business_date: dt.date
    rows: list[ReservationSummary]


@dataclass
class ReservationLoaded(Message):
    """A reservation in full, after reading it or after a change made from its detail screen.

    `done` is what just happened to it ("" after a plain read), for the clerk's notification.
    """

    view: ReservationView
    done: str = ""


@dataclass
class FreeRoomsLoaded(Message):
    """Rooms that could take the stay for all its nights, best first, for the room picker."""

    confirmation: str
    rooms: list[RoomChoice]


@dataclass
class ReservationSaved(Message):
    """The form's booking or modification was stored; `created` is True for a new booking."""

    view: ReservationView
    created: bool


@dataclass
class RatesLoaded(Message):
    """The rate calendar of one plan for the nights from `start`, with what the grid needs to
    label it (the room types, the currency) and every plan for the selector.

    `plan` and `start` say which window was asked for: the screen ignores an answer for a plan or
    window the clerk has already moved away from.
    """

    plan: str
    start: dt.date
    business_date: dt.date
    currency: str
    room_types: dict[str, RoomTypeView]
    plans: list[RatePlanView]
    rows: list[RateRow]


@dataclass
class OffersLoaded(Message):
    """What the hotel can sell for the stay and party asked: open offers cheapest first, then the
    closed ones with their reason."""

    request: QuoteRequest
    offers: list[Offer]


@dataclass
class RoomsSuggested(Message):
    """Rooms that could take an arriving stay now, best first (ready rooms, the guest's
    preferences), for the check-in room picker."""

    confirmation: str
    guest_name: str
    room_type: str
    rooms: list[RoomSuggestion]


@dataclass
class GuaranteeRead(Message):
    """What the stay's rate plan still asks before check-in: `card_due` when it needs a card
    guarantee and no card is held yet; `total` (minor units) is the amount offered to hold."""

    confirmation: str
    currency: str
    total: int
    card_due: bool


@dataclass
class CardHeld(Message):
    """A card guarantee was authorised on the stay's folio (nothing charged until capture)."""

    payment: PaymentView


@dataclass
class CheckedIn(Message):
    """The stay is in-house: its room and folio, and whether a guarantee is still due."""

    view: CheckInView


@dataclass
class FoliosLoaded(Message):
    """The folios of a stay with their postings and balances, after a read or a change;
    `account` holds them with what the stay owes on them together.

    `done` is what just happened ("" after a plain read), for the clerk's notification;
    `posting_id` the posting it made, for the cursor. `status` is the stay's.
    """

    confirmation: str
    guest_name: str
    currency: str
    status: str
    account: StayFolios
    done: str = ""
    posting_id: int | None = None
    #: The guest's loyalty member number ("" for a guest who is not a member).
    member_number: str = ""


@dataclass
class CheckedOut(Message):
    """The stay has left: its invoices, each with its text as printed."""

    view: CheckOutView
    invoice_texts: list[str]


@dataclass
class InvoiceTextLoaded(Message):
    """An issued invoice as printed, to read on the screen."""

    number: str
    text: str


# Asking for another screen ----------------------------------------------------------------------


@dataclass
class OpenReservation(Message):
    """Open a reservation's detail (enter on a list row, a search hit, a stay on the rack)."""

    confirmation: str


@dataclass
class OpenGuest(Message):
    """Open a guest's profile (enter on a guest the search found)."""

    guest_id: int


@dataclass
class PickGuest(Message):
    """Find an existing guest profile through the search, starting from `text`; `picked` gets
    the guest chosen, or None when the clerk backs out."""

    text: str
    picked: Callable[[SearchHit | None], None]


@dataclass
class EditGuest(Message):
    """Open a profile in the guest form; `saved` gets it as stored, or None if the clerk left."""

    profile: GuestProfile
    saved: Callable[[GuestProfile | None], None]


@dataclass
class ModifyReservation(Message):
    """Open a reservation in the form to change it; `saved` gets it as stored, or None."""

    view: ReservationView
    saved: Callable[[ReservationView | None], None]


@dataclass
class OpenStayScreen(Message):
    """Open one of a stay's desk screens; `closed`, when given, is called as it closes (the
    asking screen reads the stay again)."""

    confirmation: str
    closed: Callable[[object], None] | None = None


class OpenCheckIn(OpenStayScreen):
    """Open the check-in of an arriving stay (`c`)."""


class OpenCheckOut(OpenStayScreen):
    """Open the check-out of an in-house stay (`o`)."""


class OpenFolio(OpenStayScreen):
    """Open a stay's folios (`f`)."""


@dataclass
class ShowOffers(Message):
    """The booking's second step: the offers quoted for `request`; `done` gets the reservation
    once booked, or None when the clerk goes back to the dates and party."""

    draft: BookingDraft
    request: QuoteRequest
    offers: list[Offer]
    currency: str
    done: Callable[[ReservationView | None], None]


@dataclass
class ConfirmOffer(Message):
    """The booking's last step: the guest for the `offer` picked; `answered` gets the new
    reservation, a sentence when the offer moved (sold out, a new price), or None (back)."""

    draft: BookingDraft
    request: QuoteRequest
    offer: Offer
    answered: Callable[[ReservationView | str | None], None]
