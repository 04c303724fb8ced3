"""Whatever is typed after `pms`, a clerk never sees a traceback: hypothesis throws arguments at
every command (its own options among random words, numbers, dates and confirmation numbers) and
each answer is a result, one line of error (exit 1) or a usage message (exit 2)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cli import pms

from cli import app
from pms.kernel.desk import Desk

#: Left out: `demo` builds a 120-room hotel per example, `api serve` serves until stopped
#: (a run that drew it once never ended), `restore` replaces the database under the test.
SKIPPED = {("demo",), ("api", "serve"), ("restore",)}


def _commands() -> list[tuple[tuple[str, ...], list[str]]]:
    """Every command's path and its option names, walking the lazily loaded groups."""
    root = typer.main.get_command(app)
    found: list[tuple[tuple[str, ...], list[str]]] = []

    def walk(command: Any, path: tuple[str, ...], ctx: Any) -> None:
        if hasattr(command, "list_commands"):  # a group (Typer bundles its own click)
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                if sub is not None:
                    walk(sub, (*path, name), type(ctx)(sub, parent=ctx, info_name=name))
        elif path not in SKIPPED:
            options = [o for p in command.params for o in p.opts if o.startswith("--")]
            found.append((path, options))

    walk(root, (), typer.Context(root, info_name="pms"))
    return found


COMMANDS = _commands()
WORDS = st.one_of(
    st.text(max_size=8),
    st.integers(-5, 10**6).map(str),
    st.sampled_from(["2026-12-01", "4.12", "+3", "fri", "-1", "0", "12.50", "DBL", "101",
                     "AB12-CD34", "ana", "--json", "--help", "x" * 300]),
)  # fmt: skip


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    path, options = draw(st.sampled_from(COMMANDS))
    pool = st.one_of(WORDS, st.sampled_from(options)) if options else WORDS
    return [*path, *draw(st.lists(pool, max_size=5))]


@pytest.mark.slow
@settings(
    max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(line=command_lines())
def test_no_arguments_make_a_traceback(
    hotel: Desk, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line: list[str]
) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("the arguments are parsed the same on either database")
    monkeypatch.chdir(tmp_path)  # files a command writes (invoices) land here
    result = pms(db_url, "--user", "admin", *line, input="")
    assert result.exit_code in (0, 1, 2), (line, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), (line, result)
    assert "Traceback" not in result.output and "error: unexpected" not in result.output, (
        line,
        result.output,
    )


def test_every_command_is_fuzzed() -> None:
    assert len(COMMANDS) > 60 and ("login",) in [path for path, _ in COMMANDS]
