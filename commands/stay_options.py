"""The options of the commands that sell a stay (`pms quote`, `pms reservation create|modify`,
`pms walkin`): its dates, its party and its guest, spelled and explained the same in each.
"""

from __future__ import annotations

from typing import Annotated

import typer

from commands import DATE_FORMS

Arrival = Annotated[str, typer.Option(metavar="DATE", help=f"Arrival date: {DATE_FORMS}.")]
Departure = Annotated[
    str | None,
    typer.Option(metavar="DATE", help=f"Departure date: {DATE_FORMS}; or give --nights."),
]
Nights = Annotated[int | None, typer.Option(help="Nights to stay, instead of a departure date.")]
Adults = Annotated[int, typer.Option(help="Adults in the party.")]
Children = Annotated[int, typer.Option(help="Children in the party.")]
RoomType = Annotated[
    str, typer.Option("--room-type", "-t", metavar="TYPE", help="Room type code, e.g. DBL.")
]
GuestName = Annotated[
    str, typer.Option(metavar="NAME", help="Guest's name: 'Lucía García' or 'García, Lucía'.")
]
Email = Annotated[str, typer.Option(help="Guest's e-mail; finds their profile if known.")]
Phone = Annotated[str, typer.Option(help="Guest's phone number.")]
Company = Annotated[
    str,
    typer.Option(
        metavar="COMPANY", help="The company the stay is for: its corporate rates are offered."
    ),
]


def end_given_once(departure: str | None, nights: int | None) -> None:
    """A stay's end is given one way; both at once would leave the desk guessing which wins."""
    if departure is not None and nights is not None:
        raise typer.BadParameter("give --departure or --nights, not both")
