"""The second step of a new booking: what the hotel can sell for the stay and party asked.

One row per room type × rate plan from `pms.reservations.quotes.quote`, cheapest first: average per
night, taxes, total, rooms left and the cancellation policy; the combinations that cannot be sold
come last, greyed, with the reason in place of the policy (and a ✗, so the reason never rests on
colour). The line under the table spells out the highlighted offer night by night. `enter` picks an
offer and asks for the guest; `r` quotes again; `escape` goes back to change the dates, party or
filters, which are all still there.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState

from pms.kernel.money import format_money
from pms.rates.pricing import CITY_TAX, PER_NIGHT_INCL_VAT, TO_PAY, TOTAL_INCL_VAT
from pms.reservations.quotes import Offer, QuoteRequest, quote
from pms.stays.reservation_views import ReservationView
from screens.booking_steps import MEALS, BookingDraft, nights_text, party_text, steps_line
from screens.dates import long_date, short_date
from screens.desk_footer import DeskFooter
from screens.desk_screen import DeskScreen
from screens.header import DeskHeader
from screens.messages import ConfirmOffer, OffersLoaded


def heading(words: str) -> str:
    """A price heading on the two lines of the table's head: `Per night` over `incl. VAT`."""
    first, _, rest = words.partition(" incl.")
    return first[:1].upper() + first[1:] + (f"\nincl.{rest}" if rest else "")


#: Columns of the offer list; the policy (or why an offer is closed) takes what is left.
COLUMNS = (("Type", 4), ("Plan", 5), ("Meal", 4), (heading(PER_NIGHT_INCL_VAT), 9),
           (heading(TOTAL_INCL_VAT), 9), (heading(CITY_TAX), 8), ("Left", 4))  # fmt: skip


def offer_key(offer: Offer) -> str:
    """The row key of an offer: property, room type and rate plan."""
    return f"{offer.property_code}/{offer.room_type}/{offer.rate_plan}"


class OfferTable(DataTable[Text]):
    """The offers, one a row; `enter` picks the highlighted one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Pick", tooltip="Pick the highlighted offer"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = DataTable.COMPONENT_CLASSES | {"offer--closed"}


class OffersScreen(DeskScreen[ReservationView | None]):
    """Pick a room type and rate; dismissed with the reservation once booked (None: back)."""

    CSS_PATH = "offers.tcss"
    AUTO_FOCUS = "#offers"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to the dates and party"),
        Binding("r", "requote", "Quote again", tooltip="Quote again with fresh figures"),
    ]

    def __init__(
        self, draft: BookingDraft, request: QuoteRequest, offers: list[Offer], currency: str
    ) -> None:
        super().__init__()
        self.draft = draft
        self.currency = currency
        if offers:  # pin the dates: typed "fri" must not move if the business date rolls
            request = dataclasses.replace(
                request, arrival=offers[0].arrival, departure=offers[0].departure, nights=None
            )
        self.request = request
        self.offers: dict[str, Offer] = {}
        self._first = offers
        self._shown_width = 0

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        yield Static(steps_line(1), id="offers-steps")
        yield Static(id="offers-title")
        yield Static(id="offers-message")
        yield OfferTable(id="offers", cursor_type="row", zebra_stripes=True, header_height=2)
        yield Static(id="offer-detail")
        yield DeskFooter()

    @property
    def table(self) -> OfferTable:
        """The offer list."""
        return self.query_one("#offers", OfferTable)

    def on_mount(self) -> None:
        for label, width in COLUMNS:
            self.table.add_column(label, width=width, key=label)
        self.table.add_column("Policy", key="Policy")
        self._message("")
        self._fill(self._first)
        # Cells carry the theme's colours from when they were made: remake them on a new theme.
        self.app.theme_changed_signal.subscribe(
            self, lambda _theme: self._fill(list(self.offers.values()))
        )

    def _title(self, offers: list[Offer]) -> Text:
        request = self.request
        line = Text()
        if offers:
            first = offers[0]
            line.append(f"{long_date(first.arrival)} → {long_date(first.departure)}", style="bold")
            line.append(f" · {nights_text((first.departure - first.arrival).days)}")
        line.append(f" · {party_text(request.adults, request.children)}")
        if request.features:
            line.append(f" · with {', '.join(request.features)}")
        if request.max_total is not None:
            line.append(f" · total ≤ {format_money(request.max_total, self.currency)}")
        if request.max_nightly is not None:
            line.append(f" · night ≤ {format_money(request.max_nightly, self.currency)}")
        return line

    def _fill(self, offers: list[Offer]) -> None:
        table = self.table
        keep = None
        if table.row_count:
            keep = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        table.clear()
        self._shown_width = self._terms_width()
        self.offers = {offer_key(o): o for o in offers}
        for offer in offers:
            table.add_row(*self._cells(offer), key=offer_key(offer))
        if keep in self.offers:
            table.move_cursor(row=table.get_row_index(keep))
        self.query_one("#offers-title", Static).update(self._title(offers))
        bookable = sum(1 for o in offers if not o.closed)
        if not bookable:
            self._message(
                "nothing can be sold for this stay — escape to change the dates, party or filters"
            )
        self._detail()

    def _cells(self, offer: Offer) -> list[Text]:
        money = offer.currency
        table = self.table
        style = (
            table.get_component_rich_style("offer--closed", partial=True) if offer.closed else ""
        )

        def right(text: str) -> Text:
            return Text(text, style=style, justify="right")

        if offer.nights:
            figures = [
                right(format_money(offer.price_per_night, money)),
                right(format_money(offer.price_total, money)),
                right(format_money(offer.city_tax, money)),
            ]
        else:
            figures = [right("—"), right("—"), right("—")]
        left = str(offer.rooms_left)
        terms = Text(f"✗ {offer.closed}" if offer.closed else offer.policy, style=style)
        terms.truncate(self._terms_width(), overflow="ellipsis")
        return [
            Text(offer.room_type, style=style),
            Text(offer.rate_plan, style=style),
            Text(offer.meal_plan, style=style),
            *figures,
            right(left),
            terms,
        ]

    def _terms_width(self) -> int:
        """What the width leaves for the policy column (the line below has it in full)."""
        fixed = sum(width + 2 for _, width in COLUMNS) + 2 + 2  # cell padding, scrollbar
        return max(12, (self.size.width or self.app.size.width) - fixed)

    def on_resize(self) -> None:
        if self.offers and self._terms_width() != self._shown_width:
            self._fill(list(self.offers.values()))

    @on(DataTable.RowHighlighted, "#offers")
    def _highlighted(self) -> None:
        self._detail()

    def _highlighted_offer(self) -> Offer | None:
        table = self.table
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.offers.get(key or "")

    def _detail(self) -> None:
        """The highlighted offer in full: names, night by night, and its terms."""
        offer = self._highlighted_offer()
        detail = Text()
        if offer is not None:
            detail.append(f"{offer.room_type} {offer.room_type_name}", style="bold")
            detail.append(f" · {offer.rate_plan} {offer.rate_plan_name}")
            detail.append(f" · {MEALS.get(offer.meal_plan, offer.meal_plan)}")
            if offer.features:
                detail.append(f" · {', '.join(offer.features)}")
            nightly = " · ".join(
                f"{short_date(n.night)} {format_money(offer.night_price(n), offer.currency)}"
                for n in offer.nights
            )
            if nightly:
                detail.append(f"\n{PER_NIGHT_INCL_VAT}: {nightly}")
                if offer.city_tax:
                    detail.append(
                        f" · {format_money(offer.city_tax, offer.currency)} {CITY_TAX}"
                        f" · {format_money(offer.total, offer.currency)} {TO_PAY}"
                    )
            if offer.closed:
                detail.append(f"\n✗ cannot be sold: {offer.closed}")
            else:
                guarantee = (
                    "" if offer.guarantee == "none" else f" · guarantee by {offer.guarantee}"
                )
                detail.append(f"\n{offer.policy}{guarantee}")
        self.query_one("#offer-detail", Static).update(detail)

    def _message(self, text: str, error: bool = True) -> None:
        message = self.query_one("#offers-message", Static)
        message.update(Text(text))
        message.set_class(bool(text) and error, "error")
        message.display = bool(text)

    @on(DataTable.RowSelected, "#offers")
    def _picked(self, event: DataTable.RowSelected) -> None:
        offer = self.offers.get(event.row_key.value or "")
        if offer is None:
            return
        if offer.closed:
            self._message(
                f"✗ {offer.room_type} on {offer.rate_plan} cannot be sold: {offer.closed}"
            )
            return
        self._message("")

        def _answer(result: ReservationView | str | None) -> None:
            if isinstance(result, ReservationView):
                self.dismiss(result)
            elif result:
                self._message(f"✗ {result}. The offers below are fresh.")
                self.action_requote(keep_message=True)

        self.post_message(ConfirmOffer(self.draft, self.request, offer, _answer))

    def action_requote(self, keep_message: bool = False) -> None:
        """Quote again (prices and rooms left may have moved)."""
        if not keep_message:
            self._message("")
        self.table.loading = True
        self._quote(self.request)

    @work(thread=True, exclusive=True, group="quote", exit_on_error=False)
    def _quote(self, request: QuoteRequest) -> None:
        self.post_message(OffersLoaded(request, self.desk.read(quote, request)))

    @on(OffersLoaded)
    def _quoted(self, message: OffersLoaded) -> None:
        message.stop()
        self.table.loading = False
        self._fill(message.offers)

    @on(Worker.StateChanged)
    def _failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.table.loading = False
            self._message(f"✗ {self.report_failure(event.worker.error, quiet=True)}")

    def action_back(self) -> None:
        """Back to the dates and party, as they were typed."""
        self.dismiss(None)
