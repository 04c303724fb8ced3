"""The index's bookmark in the change log: the last change id applied and the gaps below it still
open, kept as a document written in the same commit as the documents it describes, so a crash
never leaves the bookmark ahead of the data. Also the tests that tell an index on disk cannot be
used as it is (no bookmark, another database), which make a desk build it again."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from sqlalchemy.orm import Session
from whoosh.searching import Searcher

from pms.search.change_log import Change, log_identity, newest_change
from pms.search.documents import Doc
from pms.search.schema import SCHEMA_VERSION

#: The document holding the index's bookmark in the change log.
META_KEY = "meta:state"
#: How long a gap in the change ids is watched for a late commit before it counts as a rollback.
GAP_SECONDS = 600.0
#: How far below the newest change id gaps are looked for.
GAP_WINDOW = 10_000


class IndexUnusable(Exception):
    """The index on disk cannot be used as it is and must be built again (never shown)."""


@dataclass(frozen=True)
class IndexState:
    """Where the index stands in the database's change log."""

    identity: str | None
    last_seen: int
    gaps: dict[int, float] = field(default_factory=dict)
    schema: int = SCHEMA_VERSION
    url: str = ""

    def advanced(self, changes: list[Change], now: float) -> IndexState:
        """The state after applying `changes`: the bookmark moves to the newest id, ids skipped
        below it are watched as gaps, and gaps that filled or grew old are dropped."""
        seen = {c.id for c in changes}
        top = max((c.id for c in changes if c.id > self.last_seen), default=self.last_seen)
        gaps = {i: t for i, t in self.gaps.items() if i not in seen and now - t < GAP_SECONDS}
        for missing in range(max(self.last_seen + 1, top - GAP_WINDOW), top):
            if missing not in seen:
                gaps.setdefault(missing, now)
        return replace(self, last_seen=top, gaps=gaps)


def meta_doc(state: IndexState) -> Doc:
    """The bookmark as a document, to be written in the commit of the documents it describes."""
    return {"key": META_KEY, "kind": "meta", "data": vars(state).copy()}


def read_state(searcher: Searcher) -> IndexState:
    """The bookmark the searcher's index holds; an index without one cannot be trusted."""
    stored = searcher.document(key=META_KEY)
    if stored is None:
        raise IndexUnusable("the index has no bookmark")
    return IndexState(**stored["data"])


def is_foreign(session: Session, state: IndexState) -> bool:
    """True when the index was built from another database than the one at its URL now: the
    change log starts with another row, or it is shorter than what the index has seen."""
    identity = log_identity(session)
    if state.identity is not None and identity != state.identity:
        return True
    return newest_change(session) < state.last_seen
