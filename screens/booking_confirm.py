"""The last step of a new booking: who the guest is, then `ctrl+s` books the offer picked.

The booking goes out with the offer's rate plan and, as `expected_total`, the total the caller
was quoted: if the price or the inventory moved meanwhile (another desk, a manager's new rate),
the service refuses, and this step goes back to the offers — read again, with the reason on top —
instead of booking at a figure nobody agreed to. What was typed about the guest is kept in the
booking's draft, so picking an offer again brings it back. The draft's idempotency key is made
once per booking, so a double `ctrl+s` (or a retry after a lost answer) books one stay.

`ctrl+f` finds the guest's existing profile through the search screen, so a returning guest's
stays and history stay on one profile; editing the name afterwards books a new profile again.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid
from textual.widgets import Input, Label, Static
from textual.worker import Worker, WorkerState

from pms.guests.lookup import GuestInput
from pms.kernel.errors import DatabaseUnavailable, InvalidInput, PmsError
from pms.rates.pricing import price_summary
from pms.reservations.booking import BookingRequest, book
from pms.reservations.quotes import Offer, QuoteRequest
from pms.search.service import SearchHit
from pms.stays.reservation_views import ReservationView
from screens.booking_steps import (
    GUEST_FIELDS,
    MEALS,
    BookingDraft,
    nights_text,
    party_text,
    steps_line,
)
from screens.dates import long_date
from screens.desk_footer import DeskFooter
from screens.desk_screen import DeskScreen
from screens.header import DeskHeader
from screens.messages import PickGuest, ReservationSaved
from screens.typing import DeskInput

#: What the guest's fields say while nothing is typed.
GUEST_PLACEHOLDERS = {"guest": "first and last name", "email": "optional", "phone": "optional"}


def _offer_moved(error: BaseException | None) -> bool:
    """Whether a refusal means the offer itself is gone or changed (sold out, new price, new
    restriction): then the clerk goes back to fresh offers."""
    if isinstance(error, InvalidInput):
        return error.field not in GUEST_FIELDS
    return isinstance(error, PmsError) and not isinstance(error, DatabaseUnavailable)


class ConfirmBookingScreen(DeskScreen[ReservationView | str | None]):
    """Guest details for the offer picked, and the booking itself.

    Dismissed with the new reservation; with a sentence when the offer moved (sold out, new
    price, new restriction), so the offers are read again; with None when the clerk goes back.
    """

    CSS_PATH = "reservation_form.tcss"
    AUTO_FOCUS = "#guest"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "book", "Book", priority=True, tooltip="Book this offer"),
        Binding("ctrl+f", "find_guest", "Find guest", tooltip="Pick an existing guest profile"),
        Binding("escape", "back", "Back", tooltip="Back to the offers"),
    ]

    def __init__(self, draft: BookingDraft, request: QuoteRequest, offer: Offer) -> None:
        super().__init__()
        self.draft = draft
        self.request = request
        self.offer = offer
        self.saving = False

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        yield Static(steps_line(2), id="form-title")
        yield Static(self._summary(), id="offer-summary")
        with Grid(id="form-grid"):
            for name, label in GUEST_FIELDS.items():
                yield Label(label, classes="field-label")
                yield DeskInput(
                    self.draft.guest[name],
                    id=name,
                    compact=True,
                    placeholder=GUEST_PLACEHOLDERS[name],
                )
                yield Static(id=f"{name}-note", classes="note")
        yield Static(id="form-message")
        yield DeskFooter()

    def _summary(self) -> Text:
        offer, request = self.offer, self.request
        money = offer.currency
        meal = MEALS.get(offer.meal_plan, offer.meal_plan)
        lines = Text()
        lines.append(f"{offer.room_type} {offer.room_type_name}", style="bold")
        lines.append(f" · {offer.rate_plan} {offer.rate_plan_name} · {meal}\n")
        lines.append(
            f"{long_date(offer.arrival)} → {long_date(offer.departure)} · "
            f"{nights_text(len(offer.nights))} · {party_text(request.adults, request.children)}\n"
        )
        summary = price_summary(offer.price_per_night, offer.price_total, offer.city_tax, money)
        lines.append(summary, style="bold")
        if offer.guarantee != "none":
            lines.append(f" · guarantee by {offer.guarantee}")
        lines.append(f"\n{offer.policy}")
        return lines

    def values(self) -> dict[str, str]:
        """The guest's fields as typed."""
        return {name: self.query_one(f"#{name}", Input).value.strip() for name in GUEST_FIELDS}

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        if event.input.id in GUEST_FIELDS:
            self.draft.guest[event.input.id] = event.value
        profile = self.draft.profile
        if event.input.id == "guest" and profile and event.value != profile.title:
            self.draft.profile = None  # a different name: a new profile after all
            self._note("guest")

    def on_mount(self) -> None:
        if self.draft.profile:
            self._show_profile(self.draft.profile)

    def action_find_guest(self) -> None:
        """Pick the guest's existing profile, searching for what is typed so far."""

        def _picked(hit: SearchHit | None) -> None:
            if hit is not None:
                self.draft.profile = hit
                self.query_one("#guest", Input).value = hit.title
                self._show_profile(hit)

        typed = self.query_one("#guest", Input).value
        self.post_message(PickGuest(typed, _picked))

    def _show_profile(self, hit: SearchHit) -> None:
        note = self.query_one("#guest-note", Static)
        note.update(Text(f"✓ profile {hit.ref} · {hit.detail}"))
        note.set_class(False, "error")

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_book()

    def _note(self, name: str, text: str = "") -> None:
        note = self.query_one(f"#{name}-note", Static)
        note.update(Text(f"✗ {text}" if text else ""))
        note.set_class(bool(text), "error")
        self.query_one(f"#{name}").set_class(bool(text), "-invalid")

    def _message(self, text: str) -> None:
        message = self.query_one("#form-message", Static)
        message.update(Text(text))
        message.set_class(bool(text), "error")

    def action_book(self) -> None:
        """Book the offer for the guest (in a worker), at the total quoted."""
        if self.saving:
            return
        for name in GUEST_FIELDS:
            self._note(name)
        values = self.values()
        if not values["guest"]:
            self._note("guest", "the guest's name is missing")
            self._message("check the marked field")
            self.query_one("#guest").focus()
            return
        self._message("")
        offer, request = self.offer, self.request
        self.saving = True
        self._book(
            BookingRequest(
                arrival=offer.arrival,
                departure=offer.departure,
                room_type=offer.room_type,
                guest=self.draft.profile.id
                if self.draft.profile
                else GuestInput(values["guest"], values["email"], values["phone"]),
                adults=request.adults,
                children=request.children,
                rate_plan=offer.rate_plan,
                property_code=offer.property_code,
                idempotency_key=self.draft.idempotency_key,
                expected_total=offer.total,
                company=request.company,
            )
        )

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _book(self, request: BookingRequest) -> None:
        self.post_message(ReservationSaved(self.desk.run(book, request), created=True))

    @on(ReservationSaved)
    def _booked(self, message: ReservationSaved) -> None:
        message.stop()
        view = message.view
        self.notify(f"{view.confirmation} booked for {view.guest_name}")
        self.dismiss(view)

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        """A guest field the service refused stands beside it; an offer that moved goes back
        to fresh offers with the reason; anything else (the database away) stays here to retry."""
        if event.worker.group == "save" and event.worker.is_finished:
            self.saving = False
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, InvalidInput) and error.field in GUEST_FIELDS:
            self._note(error.field, str(error))
            self._message("check the marked field")
            self.query_one(f"#{error.field}").focus()
        elif _offer_moved(error):
            self.dismiss(str(error))
        else:
            self._message(f"✗ {self.report_failure(error, quiet=True)}")

    def action_back(self) -> None:
        """Back to the offers; what was typed stays in the draft."""
        self.dismiss(None)
