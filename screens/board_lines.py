"""A room's line on the housekeeping board, and the filter that reads it: what the clerk sees
is what the filter words are matched against, so `dirty`, `vacant` or `ooo` find what they say.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.style import Style
from rich.text import Text

from pms.housekeeping.board import RoomStatusView
from screens.status_marks import HOUSEKEEPING_MARKS


def room_line(room: RoomStatusView, style: Callable[[str], Style] | None = None) -> list[Text]:
    """A room's cells on the board: the housekeeping state as a shaped, coloured dot and a word.
    `style` gives the colour of a component (`hk--dirty`, `hk--note` …); none without it."""
    style = style or (lambda _name: Style())
    mark = HOUSEKEEPING_MARKS.get(room.housekeeping, "?")
    note = []
    if room.out_of_order:
        until = f" to {room.out_of_order_until:%d.%m}" if room.out_of_order_until else ""
        note.append(f"▓ OOO{until}: {room.out_of_order}")
    if room.out_of_service:
        note.append(f"╱ OOS: {room.out_of_service}")
    occupancy = room.occupancy + (
        " + arriving" if room.arriving and room.occupancy == "due out" else ""
    )
    return [
        Text(room.number, style="bold"),
        Text(room.room_type),
        Text(f"{mark} {room.housekeeping}", style=style(f"hk--{room.housekeeping}")),
        Text(occupancy),
        Text(room.guest, no_wrap=True, overflow="ellipsis"),
        Text(" · ".join(note), style=style("hk--note")),
    ]


def matches(room: RoomStatusView, words: list[str]) -> bool:
    """Whether every filter word appears on the room's line."""
    line = " ".join(
        [
            f"floor {room.floor}",
            *(cell.plain for cell in room_line(room)),
            "ooo" if room.out_of_order else "",
            "oos" if room.out_of_service else "",
            "ready" if room.ready else "",
        ]
    ).lower()
    return all(word in line for word in words)
