"""Room numbers the way an administrator types them for bulk work: `101-120`, `101, 103,
105-107`, `B01-B12` — a range keeps the letters in front and the zero padding of its first
number."""

from __future__ import annotations

import re
from collections import Counter

from pms.hotel.properties import room_number
from pms.kernel.errors import InvalidInput

#: The most rooms one command or one line of a hotel file may name.
MAX_ROOMS = 1000

_RANGE = re.compile(r"^([A-Za-z]*)(\d+)\s*-\s*([A-Za-z]*)(\d+)$")


def room_numbers(text: str, field: str = "number") -> list[str]:
    """The room numbers `text` names, in the order typed, each once."""
    numbers: list[str] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        match = _RANGE.match(part)
        if match is None:
            numbers.append(_one(part, field))
        else:
            numbers.extend(_range(part, match, field))
        if len(numbers) > MAX_ROOMS:
            raise InvalidInput(field, f"name at most {MAX_ROOMS} rooms at a time")
    if not numbers:
        raise InvalidInput(field, "name the rooms, like 101 or 101-120")
    repeated = sorted(n for n, times in Counter(numbers).items() if times > 1)
    if repeated:
        raise InvalidInput(field, f"room {repeated[0]} is named twice")
    return numbers


def _one(text: str, field: str) -> str:
    try:
        return room_number(text)
    except InvalidInput as error:
        raise InvalidInput(field, str(error)) from None


def _range(text: str, match: re.Match[str], field: str) -> list[str]:
    prefix, first, other_prefix, last = match.groups()
    if other_prefix and other_prefix != prefix:
        raise InvalidInput(field, f"{text!r}: a range keeps one prefix, like B01-B12")
    start, end = int(first), int(last)
    if end < start:
        raise InvalidInput(field, f"{text!r}: the range ends before it starts")
    if end - start >= MAX_ROOMS:
        raise InvalidInput(field, f"name at most {MAX_ROOMS} rooms at a time")
    width = len(first)
    return [_one(f"{prefix}{n:0{width}d}", field) for n in range(start, end + 1)]
