"""Search as you type over guests, rooms and reservations: the services both faces call.

    desk.read(ensure_index, progress=bar)     # open the index; build it if missing or damaged
    desk.read(catch_up)                       # apply what other desks changed (every ~2 s)
    desk.read(search, "garc", kind="guest")   # the best hits, ranked

Ranking: how a hit matched comes first — a whole word, code or number (exact) before the start
of one (prefix), before a piece inside a name or a name a typo or two away (`typo_edits`) —
and within that, guests
in house and stays in house before upcoming ones, before everything else. Every query is a
handful of term lookups (no wildcard expansion of short prefixes), so a keystroke costs a few
milliseconds at 100,000 guests.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice
from typing import Any

import platformdirs
from sqlalchemy.orm import Session
from whoosh.query import And, AndMaybe, ConstantScoreQuery, FuzzyTerm, Or, Prefix, Query, Term

from pms.kernel.config import APP_NAME
from pms.kernel.errors import InvalidInput
from pms.search.bookmark import IndexState, IndexUnusable
from pms.search.build import BuildReport, Progress
from pms.search.documents import IN_HOUSE, UPCOMING
from pms.search.index import SearchIndex, index_root
from pms.search.schema import CODE_START, FOLD, PIECE_LETTERS
from pms.search.typos import swaps, typo_edits

#: The names a typed word may mean with a typo (see `pms.search.typos`).
Typos = Callable[[str], list[str]]

KINDS = ("guest", "room", "reservation", "review")
_KIND_ORDER = {"guest": 0, "reservation": 1, "room": 2, "review": 3}
MAX_LIMIT = 200

# Scores of a query word's match: each kind dominates the ones below whatever the stay adds.
EXACT, PREFIX, PIECE, TYPO = 100.0, 10.0, 1.0, 0.5
STAY_BOOST = {IN_HOUSE: 3.0, UPCOMING: 2.0}

_PHONE_LIKE = re.compile(r"^\+?[\d\s().\-/]+$")
_MIN_PHONE_PREFIX = 6  # fewer leading digits would match every number of a country
_MIN_PHONE_SUFFIX = 4
_MIN_EMAIL_PREFIX = 5  # shorter starts of an address name too many to list; names match them
MAX_EXPANSIONS = 100


@dataclass(frozen=True)
class SearchHit:
    """One result line.

    `ref` is what opens it: a guest's `#id`, a room number or a confirmation number;
    `stay` is `in_house`, `upcoming`, `past` or `` (rooms); `status` only for reservations.
    """

    kind: str
    id: int
    ref: str
    title: str
    detail: str
    stay: str
    vip: int
    do_not_rent: bool
    property_code: str
    status: str
    score: float


# --- the desk's index -----------------------------------------------------------------------

_indexes: dict[tuple[str, str], SearchIndex] = {}
_indexes_lock = threading.Lock()


def index_for(session: Session) -> SearchIndex:
    """The index of the session's database, opened once per process and cache directory."""
    url = session.get_bind().engine.url
    key = (url.render_as_string(hide_password=False), platformdirs.user_cache_dir(APP_NAME))
    with _indexes_lock:
        found = _indexes.get(key)
        if found is None:
            found = _indexes[key] = SearchIndex(url, index_root(url))
        return found


def close_indexes() -> None:
    """Let go of every open index (when the desk closes, and between tests)."""
    with _indexes_lock:
        for opened in _indexes.values():
            opened.close()
        _indexes.clear()


# --- services -------------------------------------------------------------------------------


def ensure_index(session: Session, progress: Progress | None = None) -> bool:
    """Open this desk's index, building it from the tables when it is missing, damaged or was
    built from another database. True when it was built; `progress(done, total)` follows it."""
    return index_for(session).ensure(session, progress)


def reindex(session: Session, progress: Progress | None = None) -> BuildReport:
    """Build the index again from the tables (`pms search reindex`)."""
    return index_for(session).rebuild(session, progress)


def catch_up(session: Session) -> int:
    """Apply the change log since the index's bookmark; returns the changes applied."""
    return index_for(session).catch_up(session)


def index_state(session: Session) -> IndexState:
    """Where the index stands in the change log (opening or building it first)."""
    found = index_for(session)
    found.ensure(session)
    return found.state()


def search(
    session: Session,
    text: str,
    *,
    kind: str | None = None,
    limit: int = 20,
    property_code: str | None = None,
) -> list[SearchHit]:
    """The best hits for what the clerk typed, best first.

    Args:
        text: words, or a piece of one; every word must match something. A phone number
            matches on its digits however it is typed.
        kind: only guests, rooms or reservations.
        limit: at most this many hits (1–200).
        property_code: rooms and reservations of this property only (guests are shared).
    """
    check_options(kind, limit)
    found = index_for(session)
    found.ensure(session)
    found.purge_pending(session)
    query = build_query(text, kind=kind, property_code=property_code, typos=found.typos)
    if query is None:
        return []
    try:
        rows = found.run(query, limit)
    except IndexUnusable:
        found.mark_damaged()
        found.ensure(session)
        rows = found.run(query, limit)
    # Equal scores: the person before their stays (a name was typed), then by name.
    rows.sort(key=lambda row: (-row[0], _KIND_ORDER[row[1]["kind"]], row[1]["title"]))
    return [_hit(score, data) for score, data in rows]


def check_options(kind: str | None, limit: int) -> None:
    """Refuse a search type or limit that cannot be searched for, before any work is done."""
    if kind is not None and kind not in KINDS:
        raise InvalidInput("type", f"search type {kind!r} is not one of {', '.join(KINDS)}")
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput("limit", f"the limit must be between 1 and {MAX_LIMIT}")


def _hit(score: float, data: dict[str, Any]) -> SearchHit:
    return SearchHit(
        kind=data["kind"],
        id=data["id"],
        ref=data["ref"],
        title=data["title"],
        detail=data["detail"],
        stay=data["stay"],
        vip=data["vip"],
        do_not_rent=data["dnr"],
        property_code=data["property"],
        status=data.get("status", ""),
        score=score,
    )


# --- queries --------------------------------------------------------------------------------


def build_query(
    text: str,
    *,
    kind: str | None = None,
    property_code: str | None = None,
    typos: Typos | None = None,
) -> Query | None:
    """The whoosh query for what the clerk typed (None when there is nothing to look for).

    `typos(word)` lists the names a typo of the word may mean (`SearchIndex.typos`); without
    it whoosh's fuzzy query finds them, more slowly.
    """
    pieces = [clause for piece in text.split() if (clause := _piece(piece, typos)) is not None]
    if not pieces:
        return None
    query: Query = pieces[0] if len(pieces) == 1 else And(pieces)
    if len(pieces) > 1 and (phone := _phone(text)) is not None:
        query = Or([query, phone])  # `912 345 678`: the pieces together are one number
    restrictions = [Term("kind", kind, boost=0.0)] if kind else []
    if property_code and kind != "guest":
        restrictions.append(
            Or([Term("kind", "guest", boost=0.0), Term("property", property_code.lower(), 0.0)])
        )
    if restrictions:
        query = And([query, *restrictions])
    stays = [Term("stay", stay, boost=boost) for stay, boost in STAY_BOOST.items()]
    return AndMaybe(query, Or(stays))


def _piece(piece: str, typos: Typos | None = None) -> Query | None:
    """What one space-separated piece of the query may match."""
    raw = piece.lower()
    clauses: list[Query] = [Term("code", raw, boost=EXACT), Term("flags", raw, boost=EXACT)]
    if 2 <= len(raw) <= CODE_START:
        clauses.append(Term("code_start", raw, boost=PREFIX))
    elif len(raw) > CODE_START:
        clauses.append(_expanding(FewPrefix("code", raw), PREFIX))
    if "@" in raw:
        clauses.append(Term("email", raw, boost=EXACT))
    if len(raw) >= _MIN_EMAIL_PREFIX:
        clauses.append(_expanding(FewPrefix("email", raw), PREFIX))
    words = [token.text for token in FOLD(piece)]
    word_clauses = [_word(word, typos) for word in words]
    if word_clauses:
        clauses.append(word_clauses[0] if len(word_clauses) == 1 else And(word_clauses))
    if (phone := _phone(piece)) is not None:
        clauses.append(phone)
    return Or(clauses)


def _word(word: str, typos: Typos | None = None) -> Query:
    """A folded word: whole (name or other words), its start, a piece of a name, or a typo
    (the names `typos` finds for it, else whoosh's fuzzy query)."""
    clauses: list[Query] = [Term("name", word, boost=EXACT), Term("words", word, boost=EXACT)]
    if len(word) <= 4:
        clauses.append(Term("start", word, boost=PREFIX))
    elif len(word) > 4:
        # Past four letters a prefix names few words, so expanding it is cheap.
        clauses += [_expanding(FewPrefix(name, word), PREFIX) for name in ("name", "words")]
    if len(word) == PIECE_LETTERS:
        clauses.append(Term("name_ngram", word, boost=PIECE))
    elif len(word) > PIECE_LETTERS:
        # Threes that cover the word, overlapping only at its end: fewer lists to intersect.
        last = len(word) - PIECE_LETTERS
        starts = sorted({*range(0, last, PIECE_LETTERS), last})
        grams = [Term("name_ngram", word[i : i + PIECE_LETTERS]) for i in starts]
        clauses.append(And(grams, boost=PIECE / len(grams)))
    if typos is not None:
        if names := typos(word):
            clauses.append(_expanding(Or([Term("name", n) for n in names]), TYPO))
    elif typo_edits(word):
        clauses.append(_expanding(_fuzzy(word), TYPO))
    return Or(clauses)


def _fuzzy(word: str) -> Query:
    """Typos found by whoosh itself (no lexicon at hand): its automaton over every segment,
    and each single swap as a term (see `pms.search.typos`)."""
    clauses: list[Query] = [FuzzyTerm("name", word, maxdist=typo_edits(word), prefixlength=1)]
    return Or(clauses + [Term("name", swapped) for swapped in sorted(swaps(word))])


def _phone(text: str) -> Query | None:
    """Digits of a phone number, however typed: `+351 912 345 678`, `0912-345678`, `00351…`,
    or just its last digits."""
    if not _PHONE_LIKE.match(text.strip()):
        return None
    digits = re.sub(r"\D", "", text)
    if digits.startswith("00"):
        digits = digits[2:]  # the international call prefix dialled instead of `+`
    if len(digits) < _MIN_PHONE_SUFFIX:
        return None
    forms = {digits, digits.lstrip("0")}  # the trunk 0 dialled at home is not stored
    clauses: list[Query] = [Term("phone", form, boost=EXACT) for form in forms]
    # The last digits, a national number among them: the end of the number with its country.
    clauses += [_expanding(FewPrefix("phone_rev", form[::-1]), PREFIX) for form in forms]
    if len(digits) >= _MIN_PHONE_PREFIX:
        clauses += [_expanding(FewPrefix("phone", form), PREFIX) for form in forms]
    return Or(clauses)


class FewPrefix(Prefix):
    """A prefix that matches nothing while it is the start of more than MAX_EXPANSIONS words:
    such a start (`LX00` of loyalty numbers that all begin so, a country's mobile prefix) would
    list thousands of documents, slowly, and rank none of them; the clerk types on."""

    def _btexts(self, ixreader: Any) -> list[Any]:
        words = list(islice(super()._btexts(ixreader), MAX_EXPANSIONS + 1))
        return [] if len(words) > MAX_EXPANSIONS else words


def _expanding(query: Query, score: float) -> Query:
    """A prefix or typo query scoring `score` per hit (whoosh drops the boost of one that
    expands to a single word); only used where few documents match, as it lists them all."""
    return ConstantScoreQuery(query, score)
