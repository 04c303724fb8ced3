"""What the folio commands share: how a posting, a reason and a folio's version are given,
and how a typed amount is read in the stay's currency."""

from __future__ import annotations

from typing import Annotated

import typer

from pms.kernel.desk import Desk
from pms.kernel.money import to_minor
from pms.stays.reservation_views import get_reservation

PostingId = Annotated[int, typer.Argument(metavar="POSTING", help="Posting id (folio show).")]
Reason = Annotated[str, typer.Option(help="Why, for the record.")]
FolioVersion = Annotated[
    int | None,
    typer.Option(
        "--version",
        help="Refuse the change if the folio is no longer at this version "
        "(someone else changed it since you looked).",
    ),
]


def stay_amount(desk: Desk, confirmation: str, text: str) -> tuple[str, int]:
    """The stay's confirmation as stored and the typed amount in its currency's minor units."""
    stay = desk.read(get_reservation, confirmation)
    return stay.confirmation, to_minor(text, stay.currency)
