"""What the room rack shows beside its grid: the stays still without a room, in a panel on the
right, and the line under the grid about the room and night under the cursor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from rich.style import Style
from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from pms.frontdesk.rack import RackRoom, UnassignedStay
from pms.frontdesk.rack_bars import rack_state
from screens.dates import short_date
from screens.status_marks import BAR_SYMBOLS, HOUSEKEEPING_MARKS, STATES

#: What the line under the rack says while a stay is picked up to move.
MOVING = "Moving a stay: put the cursor on its new room and press m · esc drops it"


class UnassignedPanel(OptionList):
    """The stays without a room in the rack's window, each led by its state's symbol in the
    rack's colour for that state; a fresh read keeps the same stay highlighted."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, compact=True)
        self.stays: list[UnassignedStay] = []

    @property
    def stay(self) -> UnassignedStay | None:
        """The stay highlighted."""
        index = self.highlighted
        return self.stays[index] if index is not None and index < len(self.stays) else None

    def show(
        self,
        stays: list[UnassignedStay],
        business_date: dt.date | None,
        bar_style: Callable[[str], Style],
    ) -> None:
        """List `stays` (their state as of `business_date`), coloured with `bar_style`."""

        def state(stay: UnassignedStay) -> str:
            today = business_date or stay.arrival
            return rack_state(stay.status, stay.arrival, stay.departure, today)

        keep = self.stay
        self.stays = stays
        self.clear_options()
        self.add_options(
            Option(
                Text.assemble(
                    (f"{BAR_SYMBOLS.get(state(s), '?')} ", bar_style(state(s))),
                    Text(s.guest_name, no_wrap=True, overflow="ellipsis"),
                    f"\n  {s.room_type} {s.arrival:%d.%m} {s.nights}n",
                ),
                id=s.confirmation,
            )
            for s in stays
        )
        if stays:
            confirmations = [s.confirmation for s in stays]
            self.highlighted = confirmations.index(keep.confirmation) if keep in stays else 0


def cell_info(room: RackRoom, night: dt.date) -> Text:
    """The line under the rack: the room and the night under the cursor, and the stay (or the
    out-of-order window) on it."""
    mark = HOUSEKEEPING_MARKS.get(room.housekeeping, "?")
    parts = [f"{room.number} {room.room_type} {mark} {room.housekeeping}", short_date(night)]
    if room.out_of_service:
        parts.append(f"out of service: {room.out_of_service}")
    window = room.window_on(night)
    bar = room.bar_on(night)
    if window is not None:
        parts.append(f"out of order until {short_date(window.end)}: {window.reason}")
    elif bar is not None:
        symbol = BAR_SYMBOLS.get(bar.state, "?")
        word = STATES.get(bar.state, ("", bar.state))[1]
        parts.append(
            f"{symbol} {bar.guest_name}, {word}, {bar.arrival:%d.%m}–{bar.departure:%d.%m}"
        )
    return Text(" · ".join(parts), no_wrap=True, overflow="ellipsis")
