"""Messages the front desk's workers post when a service call comes back.

A worker runs one `pms` service in its own unit of work and reports with one of these; a separate
handler on the screen fills the widgets. They carry plain data only (the `pms` view dataclasses,
dates, strings), never ORM objects, so nothing here can touch the database from the UI thread.
Every message bubbles: what a screen does not handle reaches the app (that is how the header
learns the business date and the banner learns the database went away).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from textual.message import Message

from pms.dashboard import Dashboard
from pms.folios import FolioView
from pms.frontdesk import CheckInView, CheckOutView, RoomSuggestion
from pms.inventory import RoomTypeAvailability
from pms.payment_views import PaymentView
from pms.properties import PropertyView, RoomTypeView
from pms.quotes import Offer, QuoteRequest
from pms.rates import RatePlanView, RateRow
from pms.reservation_views import ReservationSummary, ReservationView
from pms.rooms import RoomChoice

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
    """The folios of a stay with their postings and balances, after a read or a change.

    `done` is what just happened ("" after a plain read), for the clerk's notification;
    `posting_id` the posting it made, for the cursor. `status` is the stay's.
    """

    confirmation: str
    guest_name: str
    currency: str
    status: str
    folios: list[FolioView]
    done: str = ""
    posting_id: int | None = None


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
