"""The footer every screen shows: Textual's footer that folds instead of cutting a key.

At 120 columns every screen's keys fit as declared. On a narrower terminal Textual's footer
lets its keys run off the right edge, under the palette key, where a clerk sees half a key or
none. This footer takes the fullest of its layouts whose keys all fit: as declared; the area
F-keys grouped under "Areas" (the dashboard names them in full when there is room); the areas
as one label "F2–F11 Areas"; then the screen's own keys by their key alone, the last first.
Whatever is folded still works from its key and is in the command palette (ctrl+p).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from itertools import groupby

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalGroup
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel  # Textual 8 exports only Footer

from screens.area_keys import AREA_KEYS, AREAS

#: The area actions as bound: the app's own and a screen's "app." copies.
AREA_ACTIONS = frozenset(a for _k, a, _n, _t in AREA_KEYS) | {
    f"app.{a}" for _k, a, _n, _t in AREA_KEYS
}

Shown = tuple[Binding, bool, str]


class Areas(Enum):
    """How the area F-keys show: as the screen declares them, as one group, as one label."""

    DECLARED = "declared"
    GROUPED = "grouped"
    LABEL = "label"


@dataclass
class Unit:
    """What the footer shows side by side: one key, or a group's keys and its label."""

    keys: list[Shown]
    group: Binding.Group | None = None


class DeskFooter(Footer):
    """A compact footer whose keys are always whole: see the module's docstring."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(compact=True, id=id)
        self._width = 0

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        self._width = self.size.width
        units, bare, areas = self._layout(self.size.width or self.app.size.width)
        for unit in units:
            yield from self._unit(unit, unit in bare)
        if areas is not None:
            yield FooterLabel(areas, classes="-areas")
        yield from self._palette_key()

    def _layout(self, width: int) -> tuple[list[Unit], list[Unit], Text | None]:
        """The fullest layout that fits `width` beside the palette key: the units, those shown
        by their key alone, and the areas' one label when they are folded into it."""
        actions = self._actions()
        room = width - self._palette_width()
        tries: list[tuple[list[Unit], list[Unit], Text | None]] = []
        for areas in Areas:
            units, label = self._units(actions, areas)
            singles = [u for u in units if u.group is None and u.keys[0][0].description]
            strip = range(len(singles) + 1) if areas is Areas.LABEL else range(1)
            tries += [(units, singles[len(singles) - n :] if n else [], label) for n in strip]
        for units, bare, label in tries:
            used = sum(self._width_of(u, u in bare) for u in units)
            if used + (label.cell_len + 1 if label else 0) <= room:
                return units, bare, label
        return tries[-1]

    def _actions(self) -> list[Shown]:
        """The first shown binding of each action, in the footer's order."""
        seen: dict[str, Shown] = {}
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in seen:
                seen[binding.action] = (binding, enabled, tooltip)
        return list(seen.values())

    def _units(self, actions: list[Shown], areas: Areas) -> tuple[list[Unit], Text | None]:
        area_keys = [a for a in actions if a[0].action in AREA_ACTIONS]
        label = None
        if areas is Areas.LABEL and area_keys:
            actions = [a for a in actions if a[0].action not in AREA_ACTIONS]
            first, last = (self.app.get_key_display(a[0]) for a in (area_keys[0], area_keys[-1]))
            label = Text.assemble((f"{first}–{last}", "bold"), f" {AREAS.description}")

        def group_of(shown: Shown) -> Binding.Group | None:
            in_areas = areas is Areas.GROUPED and shown[0].action in AREA_ACTIONS
            return AREAS if in_areas else shown[0].group

        units = []
        for group, members in groupby(actions, group_of):
            keys = list(members)
            if group is None or len(keys) == 1:
                units += [Unit([key]) for key in keys]
            else:
                units.append(Unit(keys, group))
        return units, label

    def _width_of(self, unit: Unit, bare: bool) -> int:
        """Cells the unit takes with its margin (the compact footer's CSS): a key and its name
        and one cell after; a group's keys one cell apart (their margins collapse), its label."""
        displays = [cell_len(self.app.get_key_display(b)) for b, _e, _t in unit.keys]
        if unit.group is not None:
            return sum(displays) + len(displays) + 1 + cell_len(unit.group.description) + 1
        description = unit.keys[0][0].description
        return displays[0] + 1 + (0 if bare or not description else 1 + cell_len(description))

    def _palette_width(self) -> int:
        found = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
        if found is None or not (self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE):
            return 0
        binding = found[1]
        return 2 + cell_len(self.app.get_key_display(binding)) + cell_len(binding.description)

    def _unit(self, unit: Unit, bare: bool) -> Iterator[Widget]:
        if unit.group is None:
            binding, enabled, tooltip = unit.keys[0]
            description = "" if bare else binding.description
            yield self._key(binding, enabled, tooltip or binding.description, description)
            return
        with HorizontalGroup(classes="binding-group"):
            for binding, enabled, tooltip in unit.keys:
                yield self._key(binding, enabled, tooltip or binding.description, "", "-grouped")
        yield FooterLabel(unit.group.description)

    def _key(
        self, binding: Binding, enabled: bool, tooltip: str, description: str, classes: str = ""
    ) -> FooterKey:
        key = FooterKey(
            binding.key,
            self.app.get_key_display(binding),
            description,
            binding.action,
            disabled=not enabled,
            tooltip=tooltip,
            classes=classes,
        )
        return key.data_bind(compact=Footer.compact)

    def _palette_key(self) -> Iterator[FooterKey]:
        found = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
        if found is None or not (self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE):
            return
        _node, binding, enabled, _tooltip = found
        yield FooterKey(
            binding.key,
            self.app.get_key_display(binding),
            binding.description,
            binding.action,
            classes="-command-palette",
            disabled=not enabled,
            tooltip=binding.tooltip or binding.description,
        )

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._width:
            self.call_after_refresh(self.recompose)
