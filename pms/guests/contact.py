"""Names and contact details as a clerk types them and as they are stored: names split into
first and last, e-mail checked for form by `email-validator`, phones read by `phonenumbers` and
kept in E.164, countries as two-letter ISO codes. Kept apart from the profile so that every
department showing a guest's name depends on this alone."""

from __future__ import annotations

import functools
import re
import unicodedata

from db.models import Guest
from pms.kernel.errors import InvalidInput
from pms.kernel.validation import hidden_character, shown

#: Longest first or last name (the columns hold 80 on SQLite and PostgreSQL alike).
NAME_LENGTH = 80
#: Punctuation a name may carry besides letters and spaces: O'Brien, Jean-Luc, St. John, Jr.
_NAME_PUNCTUATION = frozenset("'’-.,()\u200c\u200d")  # and the joiners Persian, Hindi use
_DATE_LIKE = re.compile(r"^[\d\s./-]+$")


@functools.cache
def _countries() -> frozenset[str]:
    # Babel's territory names load when a country is first checked, not for every command
    # that shows a guest.
    from babel import Locale

    return frozenset(code for code in Locale("en").territories if code.isalpha())


def split_name(name: str) -> tuple[str, str]:
    """`García, Lucía` or `Lucía García` → ('Lucía', 'García')."""
    name = " ".join(name.split())
    if "," in name:
        last, _, first = name.partition(",")
        return first.strip(), last.strip()
    first, _, last = name.rpartition(" ")
    return first, last


def person_name(text: str, field: str = "name") -> tuple[str, str]:
    """A guest's name as typed, checked and split into (first, last): letters (any script),
    spaces and the usual punctuation; no control characters, escape sequences or bidi
    overrides; not only digits or a date; each part at most `NAME_LENGTH` characters."""
    if hidden_character(text) is not None:
        raise InvalidInput(field, f"{_words(field)} contains a control character")
    value = " ".join(text.split())
    if not value:
        raise InvalidInput(field, "the guest's name is missing")
    if len(value) > 2 * NAME_LENGTH + 2:
        raise InvalidInput(field, f"{_words(field)} may be at most {NAME_LENGTH} characters a part")
    if _DATE_LIKE.match(value):
        raise InvalidInput(field, f"{shown(value)} is not a name")
    for char in value:
        if not (_is_letter(char) or char == " " or char in _NAME_PUNCTUATION or char.isdigit()):
            raise InvalidInput(field, f"{_words(field)} may not contain {char!r}")
    if not any(_is_letter(char) for char in value):
        raise InvalidInput(field, f"{shown(value)} is not a name")
    first, last = split_name(value)
    if not last:
        raise InvalidInput(field, "the guest's name is missing")
    if len(first) > NAME_LENGTH or len(last) > NAME_LENGTH:
        raise InvalidInput(field, f"{_words(field)} may be at most {NAME_LENGTH} characters a part")
    return first, last


def _is_letter(char: str) -> bool:
    return unicodedata.category(char)[0] in {"L", "M"}


def _words(field: str) -> str:
    return field.replace("_", " ")


def display_name(guest: Guest) -> str:
    """`García, Lucía`, the way lists sort and show guests."""
    return full_name(guest.first_name, guest.last_name)


def full_name(first_name: str, last_name: str) -> str:
    """`García, Lucía` from the two names (`display_name` without a loaded profile)."""
    return f"{last_name}, {first_name}" if first_name else last_name


def normalise_email(text: str) -> str:
    """An e-mail address checked for form (not for a mailbox) and in lower case; '' stays ''."""
    text = text.strip()
    if not text:
        return ""
    # Loaded when an address is typed (~30 ms), not for every command that shows a guest.
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise InvalidInput("email", f"{shown(text)} is not an e-mail address") from exc


def normalise_country(text: str) -> str:
    """A two-letter ISO country code (`pt`, `GB`) in capitals; '' stays ''."""
    code = text.strip().upper()
    if code and code not in _countries():
        raise InvalidInput(
            "country", f"{shown(text)} is not a two-letter country code (e.g. PT, GB)"
        )
    return code


def normalise_phone(text: str, country: str = "") -> str:
    """A phone number in E.164 (`+351912345678`), read with the guest's country when it has no
    `+` (or `00`) prefix; '' stays ''."""
    typed = text.strip()
    if not typed:
        return ""
    if len(typed) > 30 or hidden_character(typed) is not None:
        raise InvalidInput("phone", f"{shown(typed)} is not a phone number")
    if not country and not typed.startswith(("+", "00")):
        raise InvalidInput(
            "phone", f"{shown(typed)} needs its country code (e.g. +351 …) or the guest's country"
        )
    import phonenumbers  # loaded where a phone is read, not by every command that names a guest

    # `00` is the international call prefix most of the world dials instead of `+`.
    number_text = "+" + typed[2:] if typed.startswith("00") else typed
    try:
        number = phonenumbers.parse(number_text, country or None)
    except phonenumbers.NumberParseException as exc:
        raise InvalidInput("phone", f"{shown(typed)} is not a phone number") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidInput("phone", f"{shown(typed)} is not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(phone: str) -> str:
    """A stored number as people read it (`+351 912 345 678`); numbers kept as typed before
    validation existed are shown as they are."""
    import phonenumbers

    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return phone
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
