"""A desk's search index on disk: where it lives, opening it, its build and its catch-up.

There is one index per database URL, in the user's cache directory, so two desks (or two
databases) never share one by accident. The index keeps its own bookmark in the change log —
the last change id applied, and the gaps below it still open — in a document written in the
same commit as the documents it describes, so a crash never leaves the bookmark ahead of the
data. A missing, damaged or foreign index (another database, an older schema) is built again
from the tables into a fresh directory and swapped in whole; desks on one machine take a file
lock for every write, so one builds while the other waits, and neither sees half an index.
Whoosh only marks replaced documents deleted, so a catch-up that applies an anonymisation also
rewrites the segments that held the guest: their old name and contact details do not stay
readable on disk, and every desk applies a logged anonymisation before it answers a query.

The fields are in `pms.search.schema`, the bookmark in `pms.search.bookmark` and the writing of
a fresh index in `pms.search.build`; this module is the live handle that ties them together.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session
from whoosh import index
from whoosh.query import Query
from whoosh.searching import Searcher
from whoosh.util.filelock import FileLock, try_for

from pms.kernel.config import APP_NAME
from pms.kernel.errors import PmsError
from pms.search.bookmark import IndexState, IndexUnusable, is_foreign, meta_doc, read_state
from pms.search.build import BuildReport, Progress, build_index, first_bookmark
from pms.search.change_log import affected, changes_since, docs_for, purge_keys, purges_since
from pms.search.documents import Doc
from pms.search.schema import SCHEMA_VERSION, FlatWeighting
from pms.search.segments import purging
from pms.search.typos import NameLexicon
from pms.search.writer import BulkWriter

#: Changes read per catch-up round (each round is one commit).
CHANGE_BATCH = 20_000
#: How long a desk waits for another desk on this machine that is building the same index.
BUILD_WAIT_SECONDS = 900.0


class IndexBusy(PmsError):
    """Another desk on this machine has been building the same index for too long."""


def index_root(url: URL) -> Path:
    """The directory of the index for the database at `url` (a hash: no password on disk)."""
    digest = hashlib.sha256(url.render_as_string(hide_password=False).encode()).hexdigest()
    return Path(platformdirs.user_cache_dir(APP_NAME)) / "search" / digest[:20]


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
        self._names = NameLexicon()

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
            state = read_state(searcher)
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
        if is_foreign(session, state):
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
        state = first_bookmark(session, self.url)
        counts = build_index(session, self.root, self.path, state, progress)
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
            last_change=state.last_seen,
            seconds=time.perf_counter() - started,
        )

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
            if is_foreign(session, state):
                raise IndexUnusable("the database was replaced")
        except IndexUnusable:
            self._build(session, None)
            return 0
        applied = 0
        while True:
            changes = changes_since(session, state.last_seen, state.gaps, CHANGE_BATCH)
            advanced = state.advanced(changes, time.time())
            if not changes and advanced == state:
                break
            touched = affected(session, changes)
            current = docs_for(session, touched)
            gone = touched.keys() - {d["key"] for d in current}
            self._commit(current, gone, advanced, purge=purge_keys(session, touched))
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
                return read_state(self._searcher)
        except OSError as exc:
            raise IndexUnusable(f"the index at {self.path} went away") from exc

    def _commit(
        self, current: list[Doc], gone: set[str], state: IndexState, *, purge: set[str]
    ) -> None:
        """Write the changed documents and the bookmark in one commit.

        The segments that hold any version of a document in `purge` are rewritten: whoosh only
        marks replaced documents deleted, and an anonymised guest's name must not stay readable
        in the files until some later merge (`pms.search.segments`).
        """
        writer = BulkWriter(self._ix)
        try:
            for key in gone:
                writer.delete_by_term("key", key)
            for doc in current:
                writer.update_document(**doc)
            writer.update_document(**meta_doc(state))
            writer.commit(mergetype=purging(purge)) if purge else writer.commit()
        except BaseException:
            writer.cancel()
            raise

    def purge_pending(self, session: Session) -> None:
        """Apply the anonymisations logged since the bookmark before answering a query: no
        desk may show a guest's old name once anonymising them has committed anywhere. Waits
        for another desk on this machine that is writing the index meanwhile."""
        state = self.state()
        if not purges_since(session, state.last_seen, state.gaps):
            return
        with self._write, self._machine_lock(BUILD_WAIT_SECONDS) as locked:
            if not locked:
                raise IndexBusy(
                    "another desk on this computer is still writing the search index "
                    "— try again in a few minutes"
                )
            self._catch_up(session)

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

    def typos(self, word: str) -> list[str]:
        """The names a typo of `word` may mean, from this desk's searcher (`pms.search.typos`)."""
        with self._read:
            if self._searcher is None:
                raise IndexUnusable("the index is not open")
            return self._names.within(self._searcher, word)

    def state(self) -> IndexState:
        """The bookmark as this desk last read it."""
        with self._read:
            if self._searcher is None:
                raise IndexUnusable("the index is not open")
            return read_state(self._searcher)

    def close(self) -> None:
        """Let go of the index files."""
        with self._read:
            if self._searcher is not None:
                self._searcher.close()
            self._ix, self._searcher = None, None
