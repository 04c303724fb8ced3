"""Typos in a typed name, as Elasticsearch's AUTO fuzziness counts them: none up to 2 letters,
1 for 3–5, 2 for longer words, a swapped pair of letters counting as one (`madirgal` →
Madrigal, `szymborsak` → Szymborska), and never in the first letter (a desk types that right).

Whoosh's own `FuzzyTerm` walks a Levenshtein automaton over the terms of every segment, on
disk: at 100,000 guests in 14 segments that cost ~75 ms a query (and a 2-edit automaton over a
long word ~300 ms). Here the distinct words of the `name` field are read once per searcher into
a sorted list, the automaton is walked over that list in memory (bisect), and the query looks
up the few names it found as plain terms. Levenshtein counts a swap as two edits, so each single
swap of the typed word is looked up as a name of its own.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from typing import Any

from whoosh.automata.fsa import find_all_matches
from whoosh.automata.lev import levenshtein_automaton

#: More names than this within reach of a typo means the word is too short to tell: the clerk
#: types on (as with a prefix shared by too many words).
MAX_TYPO_NAMES = 100


def typo_edits(word: str) -> int:
    """The typos a typed word may hold and still find a name (AUTO fuzziness)."""
    return 0 if len(word) < 3 else 1 if len(word) <= 5 else 2


def swaps(word: str) -> set[str]:
    """The word with one pair of neighbouring letters swapped, the first letter left alone."""
    found = {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(1, len(word) - 1)}
    return found - {word}


class NameLexicon:
    """The distinct words of the `name` field of one searcher, sorted, read on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._searcher: Any = None
        self._names: list[str] = []

    def _for(self, searcher: Any) -> list[str]:
        with self._lock:
            if searcher is not self._searcher:
                reader = searcher.reader()
                self._names = [
                    b.decode("utf-8") if isinstance(b, bytes) else b for b in reader.lexicon("name")
                ]
                self._searcher = searcher
            return self._names

    def within(self, searcher: Any, word: str) -> list[str]:
        """The names within the typos `word` may hold (none when too many are)."""
        edits = typo_edits(word)
        if not edits:
            return []
        names = self._for(searcher)

        def _first_at_or_after(text: str) -> str | None:
            i = bisect_left(names, text)
            return names[i] if i < len(names) else None

        dfa = levenshtein_automaton(word, edits, prefix=1).to_dfa()
        found = set()
        for name in find_all_matches(dfa, _first_at_or_after):
            found.add(name)
            if len(found) > MAX_TYPO_NAMES:
                return []
        found |= {s for s in swaps(word) if _first_at_or_after(s) == s}
        return sorted(found - {word})
