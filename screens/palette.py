"""The command palette's list: Textual's own commands, then every key of the app and of the
screen shown, by name, so that whatever a key does can also be found by typing its name."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen


def binding_commands(
    app: App, screen: Screen, stock: Iterable[SystemCommand]
) -> Iterator[SystemCommand]:
    """The `stock` commands, then the enabled key bindings declared by the app and by `screen`
    (not those Textual gives every screen, like tab), each once, under its tooltip or its
    description and with its key."""
    commands = list(stock)
    yield from commands
    named = {command.title for command in commands}
    ours = {
        node: {b.action for b in Binding.make_bindings(type(node).BINDINGS)}
        for node in (app, screen)
    }
    for active in screen.active_bindings.values():
        node, binding = active.node, active.binding
        name = _name(binding)
        if not active.enabled or binding.action not in ours.get(node, ()) or name in named:
            continue
        named.add(name)
        yield SystemCommand(
            name,
            f"{app.get_key_display(binding)} — {name}",
            partial(node.run_action, binding.action),
        )


def _name(binding: Binding) -> str:
    """What the palette calls a key's action: its short name and its tooltip together
    ("Rates: Rate calendar"), so typing either finds it."""
    short, long = binding.description, binding.tooltip
    if short and long and short.lower() not in long.lower():
        return f"{short}: {long}"
    return long or short
