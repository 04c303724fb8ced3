"""What the screens and widgets may use of the app, as a Protocol.

The app imports every screen to open it; were a screen to import the app back, the imports
would go in a circle. So screens type the app through this small surface instead, and ask for
everything else (another screen, a dialog's answer) by posting a message the app handles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from textual.screen import Screen

from pms.hotel.properties import PropertyView
from pms.kernel.desk import Desk


@dataclass(frozen=True)
class KeptAction:
    """A clerk's action that failed because the database went away, kept to be run again with
    one key (ctrl+r) on the screen it was asked on, with what was asked then."""

    #: What the clerk asked for, in a word or two ("check in", "post"), for the banner.
    label: str
    #: The screen it was asked on: the retry is offered there only.
    screen: Screen
    #: Starts the same worker again, with the same arguments.
    again: Callable[[], object]


class DeskApp(Protocol):
    """The front desk app as a screen sees it: the desk every service call goes through, the
    property it works for, and the property as last read (for the business date)."""

    #: The desk every service call goes through.
    desk: Desk
    #: The property this desk works for (None: the only one in the database).
    property_code: str | None
    #: The property as last read; None until the database first answers.
    hotel: PropertyView | None
    #: Why the database cannot be reached, or "" while it answers.
    offline: str
    #: The action the database lost, offered again at ctrl+r (None: nothing to retry).
    kept: KeptAction | None
