"""Sub-commands that load when they run: the root command knows each one's name and short help
by heart and imports its module only when that command (or its own --help) is asked for.

`pms --help` and shell completion of command names therefore import no command module, no
SQLAlchemy and no service: a night auditor's script of a hundred commands pays, per command, for
the one module it runs and nothing else (measured by `benchmarks/startup.py`).
"""

from __future__ import annotations

import contextlib
import gc
import importlib
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup
from typer.main import get_command_from_info, get_group
from typer.models import CommandInfo

from commands.plain_options import read_options_plainly


@contextlib.contextmanager
def long_lived_imports() -> Iterator[None]:
    """Import what lives as long as the process (a command's module, the front desk's) without
    the garbage collector: it makes tens of thousands of objects (classes, mappers, statements
    built once) and none of them is garbage, yet the collector's passes over them while they are
    made cost ~10 % of a read command's start and of the desk's imports (callgrind);
    `gc.freeze()` then keeps later passes off them too."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


@dataclass(frozen=True)
class LazyCommand:
    """One sub-command of `pms`: its name, where it lives, and the line `pms --help` shows.

    Args:
        name: what is typed after `pms`.
        target: `"package.module:attribute"` — a `typer.Typer` sub-app or a command function.
        help: the one line the root help shows beside the name (the command's own --help shows
            its full docstring, from the module).
    """

    name: str
    target: str
    help: str

    def load(self, rich_markup_mode: Any) -> Any:
        """Import the module and build the command Typer builds for `add_typer` / `command`."""
        module_name, _, attribute = self.target.partition(":")
        with long_lived_imports():
            found = getattr(importlib.import_module(module_name), attribute)
        if isinstance(found, typer.Typer):
            command: Any = get_group(found)
        else:
            command = get_command_from_info(
                CommandInfo(name=self.name, callback=found),
                pretty_exceptions_short=True,
                rich_markup_mode=rich_markup_mode,
            )
        command.name = self.name
        return command


class _Commands(MutableMapping[str, Any]):
    """A group's commands by name: those added eagerly, and the lazy ones, each imported the
    first time it is looked up. Iterating gives names only, so "did you mean …?" suggestions
    and name completion load nothing."""

    def __init__(self, eager: dict[str, Any], lazy: dict[str, LazyCommand], markup: Any) -> None:
        self._loaded = eager
        self._lazy = lazy
        self._markup = markup

    def __getitem__(self, name: str) -> Any:
        if name not in self._loaded:
            self._loaded[name] = self._lazy[name].load(self._markup)
        return self._loaded[name]

    def __contains__(self, name: object) -> bool:
        return name in self._loaded or name in self._lazy

    def __iter__(self) -> Iterator[str]:
        yield from self._loaded
        yield from (name for name in self._lazy if name not in self._loaded)

    def __len__(self) -> int:
        return len(set(self._loaded) | set(self._lazy))

    def __setitem__(self, name: str, command: Any) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        self._loaded.pop(name, None)
        self._lazy.pop(name, None)

    def placeholder(self, name: str) -> Any:
        """The loaded command, or for a lazy one not loaded yet a stand-in with its help line."""
        if name in self._loaded or name not in self._lazy:
            return self._loaded.get(name)
        return TyperCommand(name=name, help=self._lazy[name].help)


class LazyGroup(TyperGroup):
    """A Typer group whose sub-commands come from `lazy_commands`, each loaded on first use.

    While the group prints its own help it lists stand-ins built from the static help lines,
    so `pms --help` loads no command module.
    """

    lazy_commands: tuple[LazyCommand, ...] = ()

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        read_options_plainly()  # pydantic stays unloaded while the command line is parsed
        lazy = {entry.name: entry for entry in self.lazy_commands}
        self.commands = _Commands(dict(self.commands), lazy, self.rich_markup_mode)
        self._listing = False

    def list_commands(self, ctx: typer.Context) -> list[str]:
        """Every name, eager ones first, then the lazy ones in registry order (none loaded)."""
        return list(self.commands)

    def get_command(self, ctx: typer.Context, cmd_name: str) -> Any:
        """The command, imported on first use; its help-line stand-in while listing."""
        if self._listing:
            assert isinstance(self.commands, _Commands)
            return self.commands.placeholder(cmd_name)
        return self.commands.get(cmd_name)

    def format_help(self, ctx: typer.Context, formatter: Any) -> None:
        """Print the help with stand-ins, so listing the commands imports none of them."""
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False
