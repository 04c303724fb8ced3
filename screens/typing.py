"""Keys act in the order they were typed, however fast they come.

A terminal hands over every key typed since its last read at once: a fast clerk, a password
manager typing `user⇥password⏎`, a barcode reader, or any typing while the machine is busy.
Textual puts a character into the focused field at once but runs a key's binding only once the
key has bubbled up to the app, after the characters typed behind it (textual#6605). So
`ana⇥demo` put "anademo" into the user field, and `⌫4` in the adults field lost the 4.

Two mends. Tab and shift+Tab move between fields as the app's priority keys (`FIELD_KEYS`),
which the app runs as it reads each key, before it hands the next one to the field in focus;
elsewhere (the rack's tab) they stay the screen's. And `DeskInput` runs its own editing keys
(backspace, arrows, home, enter …) as it meets them, between the characters.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.widgets import Input

#: The app's field moves, enabled only while a field has the focus (`moves_between_fields`).
FIELD_KEYS = [
    Binding("tab", "next_field", "Next field", show=False, priority=True),
    Binding("shift+tab", "previous_field", "Previous field", show=False, priority=True),
]
FIELD_MOVES = frozenset({"next_field", "previous_field"})


def moves_between_fields(focused: object) -> bool:
    """Tab is the app's field move while a field is typed in; otherwise the screen's key."""
    return isinstance(focused, Input)


class DeskInput(Input):
    """A field whose editing keys act between the characters typed around them."""

    async def _on_key(self, event: events.Key) -> None:
        if not event.is_printable:
            # The field's own bindings, run here rather than after the bubble: the same ones
            # Textual would run first (the focused widget leads the binding chain).
            for binding in self._bindings.key_to_bindings.get(event.key, ()):
                if not binding.priority and await self.app.run_action(binding.action, self):
                    event.stop()
                    event.prevent_default()
                    return
        await super()._on_key(event)
