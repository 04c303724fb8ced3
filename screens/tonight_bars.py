"""Tonight's rooms sold against rooms to sell, per room type, as the dashboard draws them."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.geometry import Size
from textual.reactive import var
from textual.widget import Widget

from pms.inventory.nights import RoomTypeAvailability


class TonightBars(Widget):
    """Tonight's rooms sold against rooms to sell, one bar per room type; past capacity the
    bar turns to ▓ and says how far over (overbooking is marked by symbol, not only colour)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"bar--sold", "bar--free", "bar--over"}

    tonight: var[list[RoomTypeAvailability]] = var(list, always_update=True)

    def watch_tonight(self) -> None:
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, len(self.tonight))

    def render(self) -> Text:
        lines = Text(no_wrap=True)
        overbooked = any(rt.nights[0].sold > rt.nights[0].capacity for rt in self.tonight)
        width = max(6, self.size.width - 14 - (9 if overbooked else 0))
        for index, room_type in enumerate(self.tonight):
            night = room_type.nights[0]
            if index:
                lines.append("\n")
            lines.append(f"{room_type.code:<4} ")
            lines.append_text(self._bar(night.sold, night.capacity, width))
            lines.append(f" {night.sold:>3}/{night.capacity:<3}")
            if night.sold > night.capacity:
                over = self.get_component_rich_style("bar--over", partial=True)
                lines.append(f" +{night.sold - night.capacity} over", style=over)
        return lines

    def _bar(self, sold: int, capacity: int, width: int) -> Text:
        scale = max(sold, capacity, 1)
        within = round(min(sold, capacity) / scale * width)
        over = round(max(sold - capacity, 0) / scale * width)
        bar = Text()
        bar.append("█" * within, style=self.get_component_rich_style("bar--sold", partial=True))
        bar.append("▓" * over, style=self.get_component_rich_style("bar--over", partial=True))
        free = width - within - over
        bar.append("░" * free, style=self.get_component_rich_style("bar--free", partial=True))
        return bar
