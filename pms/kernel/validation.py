"""The checks every face runs on what a person types: free text, keys, counts, amounts.

The CLI, the screens, and the coming imports and HTTP API call these same functions (through
the services, or directly to check a field as it is left), so a value is refused the same way
everywhere, with one line naming the field. Each returns the value as it is stored or raises
`InvalidInput`; a message never repeats more than a few dozen characters of what was typed.

The last line of defence is `guard_lengths`, run before every flush: no text longer than its
column, and no control character, reaches either database, so SQLite (which ignores lengths)
and PostgreSQL (which fails with a DataError) refuse the same values with the same words.
Names of guests are checked in `pms.guests.contact.person_name`, phones in
`pms.guests.contact.normalise_phone`, amounts in `pms.kernel.money.to_minor`, dates in
`pms.kernel.dates.parse_date`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from sqlalchemy import String, event, inspect
from sqlalchemy.orm import Mapper, Session

from pms.kernel.errors import InvalidInput

#: Longest part of a typed value repeated in an error message.
SHOWN_LENGTH = 40
#: Longest idempotency key a caller may send (the reservation and payment columns hold 80).
KEY_LENGTH = 80
#: Longest description or reason of a posting, a status change or an out-of-order window.
DESCRIPTION_LENGTH = 200
#: The most rooms, guests or nights any single request may name.
MAX_COUNT = 999

_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$")
#: Characters that reorder or hide text on a terminal: bidi embeddings, overrides and isolates.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
#: Format characters that belong to how some scripts are written (Persian, Hindi): allowed.
_JOINERS = frozenset("\u200c\u200d")


def shown(text: object) -> str:
    """What a message repeats of a typed value: its first few dozen characters, quoted."""
    value = str(text)
    if len(value) > SHOWN_LENGTH:
        value = value[:SHOWN_LENGTH] + "…"
    return repr(value)


def hidden_character(text: str, *, multiline: bool = False) -> str | None:
    """The first control, format or bidi character of `text` (an escape sequence starts with
    one), or None; newlines and tabs are allowed in `multiline` text such as notes."""
    for char in text:
        if (multiline and char in "\n\t") or char in _JOINERS:
            continue
        if char in _BIDI or unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co", "Cn"}:
            return char
    return None


def plain_text(
    text: str, field: str, *, length: int = DESCRIPTION_LENGTH, required: bool = False
) -> str:
    """Free text on one line (a description, a reason, a city) with single spaces: refused,
    never cut, when longer than `length`; refused when it hides control characters."""
    if hidden_character(text) is not None:
        raise InvalidInput(field, f"{_words(field)} contains a control character")
    value = " ".join(text.split())
    if required and not value:
        raise InvalidInput(field, f"{_words(field)} is missing")
    if len(value) > length:
        raise InvalidInput(field, f"{_words(field)} may be at most {length} characters")
    return value


def idempotency_key(text: str | None, field: str = "idempotency_key") -> str | None:
    """A caller's key for a request that may be sent twice: up to 80 letters, digits and
    `. _ : / -`; None or '' means the request has none."""
    if text is None or not text.strip():
        return None
    value = text.strip()
    if len(value) > KEY_LENGTH or not _KEY.match(value):
        raise InvalidInput(
            field, f"an idempotency key is 1–{KEY_LENGTH} letters, digits or . _ : / -"
        )
    return value


def count(value: int, field: str, *, low: int = 0, high: int = MAX_COUNT) -> int:
    """A whole number of guests, rooms or nights within `low`…`high`."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(field, f"{_words(field)} must be a whole number from {low} to {high}")
    return value


def _words(field: str) -> str:
    return field.replace("_", " ")


@event.listens_for(Session, "before_flush")
def guard_lengths(session: Session, _context: Any, _instances: Any) -> None:
    """Refuse, before it reaches the database, any new or changed text that is longer than its
    column or holds a control character: the same refusal on SQLite and PostgreSQL."""
    for obj in (*session.new, *session.dirty):
        state = inspect(obj)
        guard_row(state.mapper, state.dict)


def guard_row(mapper: Mapper[Any], values: Mapping[str, Any]) -> None:
    """`guard_lengths` for one row's values, for the hot paths that INSERT without a flush."""
    for attr in mapper.column_attrs:
        value = values.get(attr.key)
        if not isinstance(value, str) or not value:
            continue
        column_type = attr.columns[0].type
        if not isinstance(column_type, String):
            continue
        length = column_type.length
        if length is not None and len(value) > length:
            raise InvalidInput(attr.key, f"{_words(attr.key)} may be at most {length} characters")
        if hidden_character(value, multiline=length is None) is not None:
            raise InvalidInput(attr.key, f"{_words(attr.key)} contains a control character")
