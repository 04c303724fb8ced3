"""Asking an administrator at a terminal: only when there is one, and checking each answer
with the same `pms` check the services use, so a wrong answer is asked again with the reason
instead of failing the whole command at the end."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

import typer

from pms.kernel.errors import InvalidInput

T = TypeVar("T")


def stdin_is_terminal() -> bool:
    """True when a person can answer: a script or a pipe is never asked anything."""
    return sys.stdin.isatty()


def ask(
    question: str,
    check: Callable[[str], T],
    *,
    default: str | None = None,
    hide_input: bool = False,
    confirm: bool = False,
) -> T:
    """Ask until `check` takes the answer; its InvalidInput is shown and the question repeated."""

    def checked(text: str) -> T:
        try:
            return check(text)
        except InvalidInput as error:
            raise typer.BadParameter(str(error)) from None

    return typer.prompt(
        question,
        default=default,
        value_proc=checked,
        hide_input=hide_input,
        confirmation_prompt=confirm,
        show_default=default not in (None, ""),
    )


def confirm(question: str) -> bool:
    """A yes-or-no question, no by default."""
    return typer.confirm(question, default=False)
