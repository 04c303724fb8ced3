"""A desk's search index on disk: its schema, where it lives, its build and its catch-up.

There is one index per database URL, in the user's cache directory, so two desks (or two
databases) never share one by accident. The index keeps its own bookmark in the change log —
the last change id applied, and the gaps below it still open — in a document written in the
same commit as the documents it describes, so a crash never leaves the bookmark ahead of the
data. A missing, damaged or foreign index (another database, an older schema) is built again
from the tables into a fresh directory and swapped in whole; desks on one machine take a file
lock for every write, so one builds while the other waits, and neither sees half an index.
Whoosh only marks replaced documents deleted, so a catch-up that applies an anonymisation also
rewrites the files: the guest's old name and contact details do not stay readable on disk.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session
from whoosh import index, scoring
from whoosh.analysis import (
    CharsetFilter,
    IDTokenizer,
    KeywordAnalyzer,
    LowercaseFilter,
    NgramFilter,
    RegexTokenizer,
)
from whoosh.fields import STORED, FieldType, Schema
from whoosh.formats import Existence
from whoosh.query import Query
from whoosh.searching import Searcher
from whoosh.support.charset import accent_map
from whoosh.util.filelock import FileLock, try_for

from pms import search_docs as docs
from pms.config import APP_NAME
from pms.errors import PmsError

#: Bump when the schema or the documents change: older indexes are then rebuilt on open.
SCHEMA_VERSION = 1
#: The document holding the index's bookmark in the change log.
META_KEY = "meta:state"
#: How long a gap in the change ids is watched for a late commit before it counts as a rollback.
GAP_SECONDS = 600.0
#: How far below the newest change id gaps are looked for.
GAP_WINDOW = 10_000
#: Changes read per catch-up round (each round is one commit).
CHANGE_BATCH = 20_000
#: Memory the build's writer may use before it spills sorted runs to disk. At 100,000 guests
#: 1 GB keeps it in one run: twice as fast as 256 MB, for a few minutes' use of the memory.
BUILD_MEMORY_MB = 1024
#: How long a desk waits for another desk on this machine that is building the same index.
BUILD_WAIT_SECONDS = 900.0

#: Words as the index compares them: lower case, accents folded (`García` → `garcia`).
FOLD = RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)
#: Codes and digits as they are, split at spaces, in lower case.
SPACED = KeywordAnalyzer(lowercase=True)
#: A whole value as one term (keys, kinds, property codes, e-mail addresses).
WHOLE = IDTokenizer()

#: How many first characters of a code are indexed (a longer start is looked up as a prefix).
CODE_START = 10

Progress = Callable[[int, int], None]


class IndexBusy(PmsError):
    """Another desk on this machine has been building the same index for too long."""


class IndexUnusable(Exception):
    """The index on disk cannot be used as it is and must be built again (never shown)."""


def _terms(analyzer: Any, *, unique: bool = False, stored: bool = False) -> FieldType:
    """A field that records only which documents hold each term (FlatWeighting reads neither
    frequencies nor positions). It is marked scorable only so that whoosh keeps its lengths
    column: without one, its writer looks on disk for that column once per posting."""
    return FieldType(Existence(), analyzer, scorable=True, unique=unique, stored=stored)


def schema() -> Schema:
    """The fields: `name` for whole words and typos, `name_ngram` for pieces of names typed as
    you go (the NGRAMWORDS(2, 4) cut, accents folded), `start` for the first 2–4 letters of any
    word, `code` for confirmation, loyalty and room numbers and dates and `code_start` for their
    first letters, `phone` / `phone_rev` for digits, `flags` for VIP and do-not-rent, and `data`
    for the result line."""
    return Schema(
        key=_terms(WHOLE, unique=True, stored=True),
        kind=_terms(WHOLE),
        property=_terms(WHOLE),
        name=_terms(FOLD),
        name_ngram=_terms(FOLD | NgramFilter(2, 4)),
        start=_terms(FOLD | NgramFilter(2, 4, at="start")),
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


def index_root(url: URL) -> Path:
    """The directory of the index for the database at `url` (a hash: no password on disk)."""
    digest = hashlib.sha256(url.render_as_string(hide_password=False).encode()).hexdigest()
    return Path(platformdirs.user_cache_dir(APP_NAME)) / "search" / digest[:20]


@dataclass(frozen=True)
class IndexState:
    """Where the index stands in the database's change log."""

    identity: str | None
    last_seen: int
    gaps: dict[int, float] = field(default_factory=dict)
    schema: int = SCHEMA_VERSION
    url: str = ""

    def advanced(self, changes: list[docs.Change], now: float) -> IndexState:
        """The state after applying `changes`: the bookmark moves to the newest id, ids skipped
        below it are watched as gaps, and gaps that filled or grew old are dropped."""
        seen = {c.id for c in changes}
        top = max((c.id for c in changes if c.id > self.last_seen), default=self.last_seen)
        gaps = {i: t for i, t in self.gaps.items() if i not in seen and now - t < GAP_SECONDS}
        for missing in range(max(self.last_seen + 1, top - GAP_WINDOW), top):
            if missing not in seen:
                gaps.setdefault(missing, now)
        return replace(self, last_seen=top, gaps=gaps)


@dataclass(frozen=True)
class BuildReport:
    """What a full build wrote, and where."""

    path: str
    guests: int
    rooms: int
    reservations: int
    last_change: int
    seconds: float


def _meta_doc(state: IndexState) -> docs.Doc:
    return {"key": META_KEY, "kind": "meta", "data": vars(state).copy()}


class SearchIndex:
    """A desk's live handle on the index of one database.

    Queries share one searcher under a thread lock (whoosh searchers are not thread-safe);
    writes take a second thread lock and the machine-wide file lock, so a catch-up in a worker
    never blocks the clerk's typing for longer than the swap of a searcher.
    """

    def __init__(self, url: URL, root: Path) -> None:
        self.url = url
        self.root = root
        self._write = threading.RLock()
        self._read = threading.Lock()
        self._ix: Any = None
        self._searcher: Searcher | None = None
        self._inode = 0
        self._damaged = False

    @property
    def path(self) -> Path:
        """The directory of the index itself."""
        return self.root / "index"

    # --- locking ---------------------------------------------------------------------------

    @contextmanager
    def _machine_lock(self, wait: float) -> Iterator[bool]:
        """Hold the file lock every desk on this machine takes to write this index; yields
        False when it could not be had within `wait` seconds."""
        self.root.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.root / "lock"))
        got = try_for(lambda: lock.acquire(False), timeout=wait, delay=0.05)
        try:
            yield got
        finally:
            if got:
                lock.release()

    # --- opening ---------------------------------------------------------------------------

    def _open_dir(self) -> tuple[Any, Searcher, IndexState, int]:
        try:
            inode = os.stat(self.path).st_ino
            ix = index.open_dir(str(self.path))
            searcher = ix.searcher(weighting=FlatWeighting())
            state = _read_state(searcher)
        except Exception as exc:
            # A damaged index fails in any way while its files are read and unpickled; each of
            # them means the same here: build it again.
            raise IndexUnusable(f"cannot open the index at {self.path}: {exc!r}") from exc
        if state.schema != SCHEMA_VERSION:
            searcher.close()
            raise IndexUnusable("the index was built by another version")
        return ix, searcher, state, inode

    def _install(self, ix: Any, searcher: Searcher, inode: int) -> None:
        with self._read:
            old = self._searcher
            self._ix, self._searcher, self._inode = ix, searcher, inode
        if old is not None:
            old.close()

    def _open_checked(self, session: Session) -> None:
        """Open the index on disk if it belongs to this database, else raise IndexUnusable."""
        if self._damaged:
            raise IndexUnusable("the index failed while being read")
        ix, searcher, state, inode = self._open_dir()
        if _foreign(session, state):
            searcher.close()
            raise IndexUnusable("the index belongs to another database")
        self._install(ix, searcher, inode)

    def ensure(self, session: Session, progress: Progress | None = None) -> bool:
        """Open the index, building it first when it is missing, damaged or foreign.

        Returns True when it was built (the caller may want to say so)."""
        if self._searcher is not None and not self._damaged:
            return False
        with self._write:
            try:
                self._open_checked(session)
                return False
            except IndexUnusable:
                pass
            with self._machine_lock(BUILD_WAIT_SECONDS) as locked:
                if not locked:
                    raise IndexBusy(
                        "another desk on this computer is still building the search index "
                        "— try again in a few minutes"
                    )
                try:  # another desk may have built it while this one waited for the lock
                    self._open_checked(session)
                    return False
                except IndexUnusable:
                    self._build(session, progress)
                    return True

    def mark_damaged(self) -> None:
        """A query failed on the files: the next `ensure` builds the index again."""
        self._damaged = True

    # --- building --------------------------------------------------------------------------

    def rebuild(self, session: Session, progress: Progress | None = None) -> BuildReport:
        """Build the index from the tables, whatever state it is in."""
        with self._write, self._machine_lock(BUILD_WAIT_SECONDS) as locked:
            if not locked:
                raise IndexBusy(
                    "another desk on this computer is building the search index — try again "
                    "when it is done"
                )
            return self._build(session, progress)

    def _build(self, session: Session, progress: Progress | None) -> BuildReport:
        started = time.perf_counter()
        newest = docs.newest_change(session)
        committed = docs.change_ids_since(session, newest - GAP_WINDOW)
        now = time.time()
        state = IndexState(
            identity=docs.log_identity(session),
            last_seen=newest,
            gaps={i: now for i in range(max(1, newest - GAP_WINDOW), newest) if i not in committed},
            url=self.url.render_as_string(hide_password=True),
        )
        total = docs.totals(session)
        for leftover in [*self.root.glob("build-*"), *self.root.glob("old-*")]:
            shutil.rmtree(leftover, ignore_errors=True)  # a build that crashed
        staging = self.root / f"build-{uuid.uuid4().hex}"
        staging.mkdir(parents=True)
        counts: Counter[str] = Counter()
        try:
            writer = index.create_in(str(staging), schema()).writer(limitmb=BUILD_MEMORY_MB)
            try:
                for doc in docs.all_docs(session):
                    writer.add_document(**doc)
                    counts[doc["kind"]] += 1
                    done = counts.total()
                    if progress and done % 1000 == 0:
                        progress(done, max(total, done))
                writer.add_document(**_meta_doc(state))
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
            self._swap_in(staging)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        ix, searcher, _, inode = self._open_dir()
        self._install(ix, searcher, inode)
        self._damaged = False
        if progress:
            progress(counts.total(), counts.total())
        return BuildReport(
            path=str(self.path),
            guests=counts["guest"],
            rooms=counts["room"],
            reservations=counts["reservation"],
            last_change=newest,
            seconds=time.perf_counter() - started,
        )

    def _swap_in(self, staging: Path) -> None:
        """Put the new index where the old one was, in two renames (under the file lock)."""
        if self.path.exists():
            trash = self.root / f"old-{uuid.uuid4().hex}"
            os.replace(self.path, trash)
            os.replace(staging, self.path)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            os.replace(staging, self.path)

    # --- catching up -----------------------------------------------------------------------

    def catch_up(self, session: Session) -> int:
        """Apply the changes other desks (and this one) logged since the bookmark; returns how
        many change-log rows were applied.

        A round is skipped, not waited for, while this desk or another desk on this machine is
        writing the index (a build, a purge): the next round picks the changes up, and the
        clerk's searches go on meanwhile on the searcher already open.
        """
        if self.ensure(session):
            return 0
        if not self._write.acquire(blocking=False):
            return 0
        try:
            with self._machine_lock(0) as locked:
                return self._catch_up(session) if locked else 0
        finally:
            self._write.release()

    def _catch_up(self, session: Session) -> int:
        try:
            state = self._refresh()
            if _foreign(session, state):
                raise IndexUnusable("the database was replaced")
        except IndexUnusable:
            self._build(session, None)
            return 0
        applied = 0
        while True:
            changes = docs.changes_since(session, state.last_seen, state.gaps, CHANGE_BATCH)
            advanced = state.advanced(changes, time.time())
            if not changes and advanced == state:
                break
            touched = docs.affected(session, changes)
            current = docs.docs_for(session, touched)
            gone = touched.keys() - {d["key"] for d in current}
            purge = bool(docs.anonymised(session, touched.guests))
            self._commit(current, gone, advanced, purge=purge)
            applied += len(changes)
            state = advanced
            if len(changes) < CHANGE_BATCH:
                break
        if applied:
            self._refresh()
        return applied

    def _refresh(self) -> IndexState:
        """See the index as it is on disk now (another desk may have written or rebuilt it)."""
        try:
            if os.stat(self.path).st_ino != self._inode:
                ix, searcher, state, inode = self._open_dir()
                self._install(ix, searcher, inode)
                return state
            with self._read:
                assert self._searcher is not None
                if self._ix.latest_generation() != self._searcher.reader().generation():
                    # A new searcher, not `Searcher.refresh()`: that reuses the readers of
                    # segments it knows and so keeps showing documents deleted since.
                    stale, self._searcher = (
                        self._searcher,
                        self._ix.searcher(weighting=FlatWeighting()),
                    )
                    stale.close()
                return _read_state(self._searcher)
        except OSError as exc:
            raise IndexUnusable(f"the index at {self.path} went away") from exc

    def _commit(
        self, current: list[docs.Doc], gone: set[str], state: IndexState, *, purge: bool
    ) -> None:
        """Write the changed documents and the bookmark in one commit.

        `purge` rewrites every segment: whoosh only marks replaced documents deleted, and an
        anonymised guest's name must not stay readable in the files until some later merge.
        """
        writer = self._ix.writer()
        try:
            for key in gone:
                writer.delete_by_term("key", key)
            for doc in current:
                writer.update_document(**doc)
            writer.update_document(**_meta_doc(state))
            writer.commit(optimize=purge)
        except BaseException:
            writer.cancel()
            raise

    # --- reading ---------------------------------------------------------------------------

    def run(self, query: Query, limit: int) -> list[tuple[float, dict[str, Any]]]:
        """The best `limit` hits of a whoosh query: (score, the stored result line)."""
        with self._read:
            if self._searcher is None:
                raise IndexUnusable("the index is not open")
            try:
                return [
                    (hit.score, hit["data"]) for hit in self._searcher.search(query, limit=limit)
                ]
            except (OSError, EOFError, ValueError, KeyError) as exc:
                raise IndexUnusable(f"reading the index failed: {exc!r}") from exc

    def state(self) -> IndexState:
        """The bookmark as this desk last read it."""
        with self._read:
            if self._searcher is None:
                raise IndexUnusable("the index is not open")
            return _read_state(self._searcher)

    def close(self) -> None:
        """Let go of the index files."""
        with self._read:
            if self._searcher is not None:
                self._searcher.close()
            self._ix, self._searcher = None, None


def _read_state(searcher: Searcher) -> IndexState:
    stored = searcher.document(key=META_KEY)
    if stored is None:
        raise IndexUnusable("the index has no bookmark")
    return IndexState(**stored["data"])


def _foreign(session: Session, state: IndexState) -> bool:
    """True when the index was built from another database than the one at its URL now: the
    change log starts with another row, or it is shorter than what the index has seen."""
    identity = docs.log_identity(session)
    if state.identity is not None and identity != state.identity:
        return True
    return docs.newest_change(session) < state.last_seen
