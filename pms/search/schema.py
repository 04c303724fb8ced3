"""The search index's schema: its fields, how each analyses text, and the flat scoring that
ranks hits by how they matched rather than by word statistics.

`SCHEMA_VERSION` names this layout: an index on disk built with another one is rebuilt on open
(`pms.search.index`), so a change here must bump it."""

from __future__ import annotations

from typing import Any

from whoosh import scoring
from whoosh.analysis import (
    CharsetFilter,
    IDTokenizer,
    KeywordAnalyzer,
    LowercaseFilter,
    NgramFilter,
    RegexTokenizer,
)
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import STORED, FieldType, Schema
from whoosh.formats import Existence
from whoosh.searching import Searcher
from whoosh.support.charset import accent_map

#: Bump when the schema or the documents change: older indexes are then rebuilt on open.
SCHEMA_VERSION = 3

#: Words as the index compares them: lower case, accents folded (`García` → `garcia`).
FOLD = RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)
#: Codes and digits as they are, split at spaces, in lower case.
SPACED = KeywordAnalyzer(lowercase=True)
#: A whole value as one term (keys, kinds, property codes, e-mail addresses).
WHOLE = IDTokenizer()

#: The letters of a piece inside a name that the index keeps (`arc` of García).
PIECE_LETTERS = 3

#: How many first characters of a code are indexed: a longer start is looked up as a prefix of
#: the code itself, which few codes share. (Every start up to 10 characters was a fifth of the
#: index's distinct terms, each a cost to the build, at 20,000 stays.)
CODE_START = 4


def _terms(analyzer: Any, *, unique: bool = False, stored: bool = False) -> FieldType:
    """A field that records only which documents hold each term: FlatWeighting reads neither
    frequencies, positions nor field lengths, so none is written (see `codec`)."""
    return FieldType(Existence(), analyzer, scorable=False, unique=unique, stored=stored)


def schema() -> Schema:
    """The fields: `name` for whole words and typos, `name_ngram` for pieces of names typed as
    you go (every three letters, accents folded: a longer piece is looked up as all of its
    threes, and four-letter pieces too were a quarter of the postings a build writes), `start`
    for the first 1–4 letters of any word (one letter typed searches too), `code` for
    confirmation, loyalty and room numbers and dates and `code_start` for their first letters,
    `phone` / `phone_rev` for digits, `flags` for VIP and do-not-rent, and `data` for the
    result line. A review's title and text are its `words`."""
    return Schema(
        key=_terms(WHOLE, unique=True, stored=True),
        kind=_terms(WHOLE),
        property=_terms(WHOLE),
        name=_terms(FOLD),
        name_ngram=_terms(FOLD | NgramFilter(PIECE_LETTERS, PIECE_LETTERS)),
        start=_terms(FOLD | NgramFilter(1, 4, at="start")),
        words=_terms(FOLD),
        email=_terms(WHOLE),
        code=_terms(SPACED),
        code_start=_terms(SPACED | NgramFilter(2, CODE_START, at="start")),
        phone=_terms(SPACED),
        phone_rev=_terms(SPACED),
        flags=_terms(SPACED),
        stay=_terms(WHOLE),
        data=STORED,
    )


def codec() -> W3Codec:
    """How every writer of the index writes its segments: whoosh's own format without the
    per-field length statistics. Those feed only word-statistics scoring, which FlatWeighting
    never reads, yet the writer looked up each posting's length on disk: a quarter of a
    segment's flush in a cProfile of 20,000 guests (benchmarks/README.md, `search.py`)."""
    without_lengths = W3Codec()
    without_lengths.length_stats = False
    return without_lengths


class _FlatScorer(scoring.BaseScorer):
    def supports_block_quality(self) -> bool:
        return True

    def score(self, matcher: Any) -> float:
        return 1.0

    def max_quality(self) -> float:
        return 1.0

    def block_quality(self, matcher: Any) -> float:
        return 1.0


class FlatWeighting(scoring.WeightingModel):
    """Every matching clause scores its boost, nothing else: the ranking is decided by how a
    document matched (exact, prefix, piece, typo) and by its stay, never by word statistics, and
    constant scores let whoosh stop early once the best possible hits are in."""

    def scorer(self, searcher: Searcher, fieldname: str, text: str, qf: int = 1) -> Any:
        return _FlatScorer()
