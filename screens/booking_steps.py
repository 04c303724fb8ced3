"""What the three steps of a new booking share: the draft they fill in and the words they use.

A new booking goes dates and party (`screens.reservation_form`) → offer (`screens.offers`) →
guest (`screens.booking_confirm`); each step is a screen of its own, and the app opens the next
one when a step asks. The draft goes along, so the booking keeps one idempotency key and what
was typed about the guest however often the clerk goes back and forth.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from rich.text import Text

from pms.search.service import SearchHit

#: The guest's fields, in the order a clerk asks; the ids the services name in InvalidInput.
GUEST_FIELDS = {"guest": "Guest name", "email": "E-mail", "phone": "Phone"}
#: The steps of a new booking, for the line under the header.
STEPS = ("dates and party", "offer", "guest")
MEALS = {
    "RO": "room only",
    "BB": "breakfast",
    "HB": "half board",
    "FB": "full board",
    "AI": "all inclusive",
}


def steps_line(current: int) -> Text:
    """`New reservation · dates and party › offer › guest`, the current step in bold."""
    line = Text.assemble(("New reservation", "bold"), " · ")
    for index, name in enumerate(STEPS):
        if index:
            line.append(" › ", style="dim")
        line.append(name, style="bold reverse" if index == current else "dim")
    return line


def party_text(adults: int, children: int) -> str:
    """`2 adults, 1 child`."""
    text = f"{adults} adult{'s' if adults != 1 else ''}"
    if children:
        text += f", {children} child{'ren' if children != 1 else ''}"
    return text


def nights_text(count: int) -> str:
    """`1 night`, `3 nights`."""
    return f"{count} night{'s' if count != 1 else ''}"


@dataclass
class BookingDraft:
    """What a new booking has gathered, shared by its steps: the idempotency key (made once, so
    the booking happens at most once however often it is confirmed) and the guest as typed."""

    idempotency_key: str = field(default_factory=lambda: uuid.uuid4().hex)
    guest: dict[str, str] = field(default_factory=lambda: dict.fromkeys(GUEST_FIELDS, ""))
    #: The existing profile picked through search, and the name it was picked under.
    profile: SearchHit | None = None

    @property
    def has_guest(self) -> bool:
        """True when anything about the guest was typed."""
        return any(value.strip() for value in self.guest.values())
