"""What the screens and widgets may use of the app, as a Protocol.

The app imports every screen to open it; were a screen to import the app back, the imports
would go in a circle. So screens type the app through this small surface instead, and ask for
everything else (another screen, a dialog's answer) by posting a message the app handles.
"""

from __future__ import annotations

from typing import Protocol

from pms.hotel.properties import PropertyView
from pms.kernel.desk import Desk


class DeskApp(Protocol):
    """The front desk app as a screen sees it: the desk every service call goes through, the
    property it works for, and the property as last read (for the business date)."""

    #: The desk every service call goes through.
    desk: Desk
    #: The property this desk works for (None: the only one in the database).
    property_code: str | None
    #: The property as last read; None until the database first answers.
    hotel: PropertyView | None
