"""Which front-desk actions apply to a stay: `c` check in, `o` check out, `f` folio.

The detail screen and the arrivals, in-house and departures lists offer the same keys under the
same rules, so the rules live here once. The services check again; this only keeps the footer
from offering what would be refused.
"""

from __future__ import annotations

import datetime as dt

#: The keys as the footer shows them: action name → (key, description, tooltip).
STAY_KEYS = {
    "check_in": ("c", "Check in", "Check the guest in"),
    "check_out": ("o", "Check out", "Settle and check the guest out"),
    "folio": ("f", "Folio", "Open the stay's folios"),
}


def stay_actions(
    status: str, arrival: dt.date, departure: dt.date, business_date: dt.date | None
) -> set[str]:
    """The actions of STAY_KEYS that apply to a stay in this state on the business date."""
    actions = set()
    if status == "confirmed" and business_date is not None and arrival <= business_date < departure:
        actions.add("check_in")
    if status == "checked_in":
        actions.add("check_out")
    if status in ("confirmed", "checked_in", "checked_out", "no_show", "cancelled"):
        actions.add("folio")
    return actions
