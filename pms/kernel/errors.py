"""Domain errors. Each carries one sentence a clerk can read and act on; never UI formatting."""

from __future__ import annotations

import datetime as dt
import re

#: Longest message an error carries, and longest unbroken run of characters in it: a message
#: that quotes what was typed never hands a 100,000-character input back to the screen.
MESSAGE_LENGTH = 300
_LONG_RUN = re.compile(r"\S{61,}")


def bounded(message: str) -> str:
    """The message with any run of more than 60 characters, and its whole, cut short."""
    message = _LONG_RUN.sub(lambda run: run.group()[:40] + "…", message)
    return message if len(message) <= MESSAGE_LENGTH else message[: MESSAGE_LENGTH - 1] + "…"


class PmsError(Exception):
    """Base of every error the services raise on purpose; `str()` is the clerk's message,
    bounded whatever it quotes."""

    def __init__(self, *args: object) -> None:
        if args and isinstance(args[0], str):
            args = (bounded(args[0]), *args[1:])
        super().__init__(*args)


class ConfigError(PmsError):
    """The configuration (file, environment or option) is not usable."""


class DatabaseUnavailable(PmsError):
    """The database cannot be reached, or it is not at the schema this code needs."""


class InvalidInput(PmsError):
    """A value a person typed is wrong; `field` names the field so a form can show it beside it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class NotFound(PmsError):
    """A property, room type, room, guest or reservation that does not exist."""


class PermissionDenied(PmsError):
    """The signed-in user's role does not allow the action."""


class NotSignedIn(PermissionDenied):
    """Nobody is signed in (or the session ended): the message says how to sign in."""


class InvalidTransition(PmsError):
    """The reservation is not in a state that allows the action (e.g. already cancelled)."""


class SoldOut(PmsError):
    """No room of the type is left to sell on a night of the stay."""

    def __init__(self, room_type: str, night: dt.date) -> None:
        super().__init__(f"{room_type} is sold out on {night:%a %Y-%m-%d}")
        self.room_type = room_type
        self.night = night


class RoomUnavailable(PmsError):
    """The room cannot be given to the stay: taken, out of order or of another type."""


class ConcurrentChange(PmsError):
    """Someone else changed the record since it was read; reload and try again."""


class RetryableConflict(PmsError):
    """A race the unit of work resolves by running the action again (not shown to users)."""


class Restricted(PmsError):
    """The rate plan is closed for the stay: a restriction, sale window or members-only rule."""


class StaleQuote(PmsError):
    """The price changed since the guest was quoted; the message carries the new figures."""


class WouldOverbook(PmsError):
    """Taking a room out of sale would leave fewer rooms than are already sold on a night."""


class CapacityRefused(WouldOverbook):
    """A change of rooms or allowance that would leave nights sold beyond what is left; it is
    refused whole, and `nights` lists every such night."""

    def __init__(self, message: str, nights: list[dt.date]) -> None:
        super().__init__(message)
        self.nights = nights


class RoomHoldsStays(RoomUnavailable):
    """A room cannot leave (retired, or given another type) while stays still hold it on the
    nights concerned; `stays` are their confirmation numbers, so a face can offer to move them."""

    def __init__(self, message: str, stays: list[str]) -> None:
        super().__init__(message)
        self.stays = stays
