"""What the search index holds for each guest, room, reservation and review: a document made
from rows already read (`pms.search.reading` reads them).

Making is apart from reading so that a build's worker processes, which are sent rows, make the
documents without a session; and the index is a cache, every document made from the rows as they
are now, so applying a change twice, or late, or out of order gives the same index.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple

import phonenumbers

from db.models import ReservationStatus

#: A document as whoosh takes it: field name → value (text, or anything for the stored `data`).
Doc = dict[str, Any]


class Source(NamedTuple):
    """What one document is made from (`make`): its kind, the maker and the rows it takes, all
    picklable, so that a build's worker process can make it."""

    kind: str
    maker: str
    args: tuple[Any, ...]


#: Where a guest or a stay stands, best first: the ranking puts in-house and upcoming stays
#: before old ones. A status says it without the business date (a stay that never arrived
#: becomes a no-show at the night audit), so the index never goes stale as days pass.
IN_HOUSE, UPCOMING, PAST = "in_house", "upcoming", "past"
#: The groups by the rank a grouped query of a guest's stays computes (`pms.search.reading`).
RANK_STAY = {2: IN_HOUSE, 1: UPCOMING, 0: PAST}


def stay_of(status: str) -> str:
    """The ranking group of a reservation status."""
    if status == ReservationStatus.CHECKED_IN:
        return IN_HOUSE
    if status in (ReservationStatus.CONFIRMED, ReservationStatus.TENTATIVE):
        return UPCOMING
    return PAST


def phone_terms(phone: str) -> tuple[list[str], str, str]:
    """The digit strings a phone number is found by, its digits reversed, and how it is shown.

    `+351 912 345 678` is indexed as `351912345678`, and reversed, so that its last digits find
    it — `912345678` among them (one term a guest fewer than indexing the national number too,
    a sixth of the distinct terms a build writes); the query drops a leading `00` or trunk `0`,
    so `00351…` and `0912…` find it too. Numbers that do not parse (kept as typed before
    validation, imported) are found by their digits and shown as stored. Parsed once: it is
    most of a guest's cost.
    """
    digits = re.sub(r"\D", "", phone)
    if not digits:
        return [], "", phone
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return sorted({digits, digits.lstrip("0")} - {""}), digits[::-1], phone
    national = phonenumbers.national_significant_number(number)
    shown = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return [f"{number.country_code}{national}"], digits[::-1], shown


def _name(first: str, last: str) -> str:
    return f"{last}, {first}" if first else last


def _words(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def _clean(doc: Doc) -> Doc:
    """Drop empty fields: whoosh would index an empty term for them."""
    return {k: v for k, v in doc.items() if v not in ("", None, [])}


def _guest_doc(row: Any, stay: str) -> Doc:
    name = _words(row.first_name, row.last_name)
    phones, reversed_digits, phone = phone_terms(row.phone)
    flags = ["vip", f"vip{row.vip_level}"] if row.vip_level else []
    if row.do_not_rent:
        flags.append("dnr")
    # The member number leads, so the booking form's profile line shows it to the clerk.
    member = f"◆ {row.loyalty_number}" if row.loyalty_number else ""
    detail = " · ".join(p for p in (member, row.email, phone, row.company, row.city) if p)
    return _clean(
        {
            "key": f"guest:{row.id}",
            "kind": "guest",
            "name": name,
            "name_ngram": name,
            "words": _words(row.company, row.city, row.country),
            "start": _words(name, row.company, row.city),
            "email": row.email.lower(),
            "code": (row.loyalty_number or "").lower(),
            "code_start": (row.loyalty_number or "").lower(),
            "phone": " ".join(phones),
            "phone_rev": reversed_digits,
            "flags": " ".join(flags),
            "stay": stay,
            "data": {
                "kind": "guest",
                "id": row.id,
                "ref": f"#{row.id}",
                "title": _name(row.first_name, row.last_name),
                "detail": detail,
                "stay": stay,
                "vip": row.vip_level,
                "dnr": row.do_not_rent,
                "property": "",
            },
        }
    )


def _reservation_doc(row: Any, rooms: list[str]) -> Doc:
    """A stay is found by its guest's whole name, its start or a typo; pieces inside a name
    find the guest only (n-grams are most of an index: a guest's stays would double them)."""
    confirmation = row.confirmation.lower()
    anonymous = row.anonymised_at is not None
    name = "" if anonymous else _words(row.first_name, row.last_name)
    guest = "anonymised guest" if anonymous else _name(row.first_name, row.last_name)
    status = row.status.replace("_", " ")
    stay = stay_of(row.status)
    where = f"room {'/'.join(rooms)}" if rooms else "no room yet"
    detail = (
        f"{row.arrival:%a %d %b} → {row.departure:%a %d %b %Y} · {row.room_type} · {where} · "
        f"{status}"
    )
    return _clean(
        {
            "key": f"reservation:{row.id}",
            "kind": "reservation",
            "property": row.property_code.lower(),
            "name": name,
            "words": _words(status, row.room_type, *rooms),
            "start": _words(name, status),
            "code": _words(
                confirmation,
                confirmation.replace("-", ""),
                row.arrival.isoformat(),
                row.departure.isoformat(),
                # The other system's number of an imported stay finds it too.
                (row.external_ref or "").lower(),
            ),
            "code_start": _words(confirmation, confirmation.replace("-", "")),
            "stay": stay,
            "data": {
                "kind": "reservation",
                "id": row.id,
                "ref": row.confirmation,
                "title": f"{row.confirmation} {guest}",
                "detail": detail,
                "stay": stay,
                "vip": 0,
                "dnr": False,
                "property": row.property_code,
                "status": row.status,
                "arrival": row.arrival.isoformat(),
                "departure": row.departure.isoformat(),
            },
        }
    )


def room_doc(room: Any, room_type: Any, property_code: str) -> Doc:
    """A room is found by its number, type, features (the room's and its type's) and
    housekeeping status."""
    features = sorted({*room.features, *room_type.features})
    text = _words(room_type.code, room_type.name, *features, room.housekeeping)
    kind = f"{room_type.code} {room_type.name}"
    detail = " · ".join([kind, f"floor {room.floor}", *features, room.housekeeping])
    return _clean(
        {
            "key": f"room:{room.id}",
            "kind": "room",
            "property": property_code.lower(),
            "code": room.number.lower(),
            "code_start": room.number.lower(),
            "words": text,
            "start": text,
            "data": {
                "kind": "room",
                "id": room.id,
                "ref": room.number,
                "title": f"Room {room.number}",
                "detail": detail,
                "stay": "",
                "vip": 0,
                "dnr": False,
                "property": property_code,
            },
        }
    )


def review_doc(review: Any, confirmation: str, room_type: str, property_code: str) -> Doc:
    """A published review is found by the words of its title and text; it opens the stay
    reviewed."""
    stars = "★" * review.overall + "☆" * (5 - review.overall)
    return _clean(
        {
            "key": f"review:{review.id}",
            "kind": "review",
            "property": property_code.lower(),
            "words": _words(review.title, review.text),
            "start": review.title,
            "data": {
                "kind": "review",
                "id": review.id,
                "ref": confirmation,
                "title": f"{stars} {review.title or 'Review'} · {confirmation}",
                "detail": f"{review.review_date:%d %b %Y} · {room_type} · {review.text[:120]}",
                "stay": "",
                "vip": 0,
                "dnr": False,
                "property": property_code,
            },
        }
    )


_MAKERS: dict[str, Callable[..., Doc]] = {
    "guest": _guest_doc,
    "reservation": _reservation_doc,
    "made": lambda doc: doc,
}


def make(source: Source) -> Doc:
    """The document `source` describes."""
    return _MAKERS[source.maker](*source.args)
