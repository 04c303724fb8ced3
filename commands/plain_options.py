"""Option values read without pydantic: Typer 0.29 coerces every parameter it parses through a
pydantic `TypeAdapter` (even `--help` and an option left out), so a read command paid for
importing pydantic, ~15 % of its start, to learn that the text typed after `--from` is text.

The parameters of `pms` are mostly plain text, whole numbers, flags and lists of text, and for
those the value the command line gives is, or reads at once as, what the adapter would return.
`read_options_plainly` gives such parameters a coercion that returns it; any other value (a
number with a fraction, a default of another type) goes on to Typer's own coercion, built when
first needed, so its checks and error messages stay Typer's. Parameters of other types (paths,
enums, bounded numbers, custom parsers) keep Typer's coercion from the start.

Typer keeps the coercion in a private hook (`get_runtime_param`), so this wraps that one method;
a Typer without it (before 0.29 Typer used Click's types, without pydantic) is left as it is.
"""

from __future__ import annotations

import re
from typing import Any

#: A whole number as pydantic reads one from text: spaces and a sign around ASCII digits.
_WHOLE = re.compile(r"\s*[+-]?[0-9]+\s*")

#: The parameter types read here, as Typer's type descriptor names them (`str | None` is `str`).
_PLAIN = (str, int, bool, list[str])


def read_options_plainly() -> None:
    """Make every Typer parameter of a plain type coerce without pydantic (once per process)."""
    try:
        from typer._coercion import RuntimeParam, build_runtime_param
        from typer.core import _TyperParameter
    except ImportError:  # a Typer that does not coerce through pydantic
        return
    if getattr(_TyperParameter.get_runtime_param, "reads_plainly", False):
        return

    class PlainParam(RuntimeParam):
        """Text, a whole number, a flag or a list of text, read as Typer's adapter would."""

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            kind = self.annotation
            if kind is str and isinstance(value, str):
                return value
            if kind is int and isinstance(value, str) and _WHOLE.fullmatch(value):
                return int(value)
            if kind in (int, bool) and type(value) is kind:
                return value
            if kind == list[str] and all(isinstance(item, str) for item in value):
                return list(value)
            typer_coercion = build_runtime_param(param.type_descriptor)  # rare: not cached
            return typer_coercion._coerce_value(value, param=param, ctx=ctx)

    def get_runtime_param(param: Any) -> RuntimeParam:
        if param._runtime_param is None and _is_plain(param.type_descriptor):
            descriptor = param.type_descriptor
            param._runtime_param = PlainParam(descriptor.parameter_info, descriptor.annotation)
        return typer_runtime_param(param)

    typer_runtime_param = _TyperParameter.get_runtime_param
    get_runtime_param.reads_plainly = True  # type: ignore[attr-defined]
    _TyperParameter.get_runtime_param = get_runtime_param  # type: ignore[method-assign]


def _is_plain(descriptor: Any) -> bool:
    info = descriptor.parameter_info
    if info.parser is not None or descriptor.file_annotation is not None or descriptor.is_ranged:
        return False
    return any(descriptor.annotation == kind for kind in _PLAIN)
