"""Guests imported in bulk: indexed while their import is written, searchable once it commits.

Catching up with 100,000 new profiles after their import (or building the whole index again)
took as long as the import itself. Instead, as an import inserts each batch of profiles, their
rows — read back in the import's own transaction by `guest_sources`, the very rows a catch-up
makes its documents of — go to worker processes (`SegmentWorkers`) that make the documents and
write whoosh segments into a directory aside from the live index, while the import goes on
writing rows. No desk sees that directory. Once the import has committed, `publish` moves the
segments into the index in one commit under the machine-wide lock, then applies the change log
since the index's bookmark as a catch-up does — every change but the import's own inserts, which the
segments hold. An import that is refused, fails, is retried or is a dry run drops the
directory (`ImportedGuests.drop`): neither rows nor documents of it are left.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Collection
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from whoosh import index
from whoosh.filedb.filestore import FileStorage

from db.models import ChangeLog
from pms.search.bookmark import IndexState, IndexUnusable
from pms.search.change_log import affected, changes_since, docs_for, newest_change, purge_keys
from pms.search.documents import Source
from pms.search.index import BUILD_WAIT_SECONDS, CHANGE_BATCH, IndexBusy, SearchIndex
from pms.search.reading import guest_sources
from pms.search.schema import codec, schema
from pms.search.segments import MAX_WORKERS, SEGMENT_DOCS, SegmentWorkers, adding, write_sources
from pms.search.service import catch_up, index_for

#: Left-over documents up to this many are written in this process when the import is
#: published (starting a worker costs more than writing them).
IN_PROCESS_DOCS = 2_000
#: An aside directory older than this was left by a desk that crashed mid-import.
_STALE_SECONDS = 24 * 3600.0


class ImportedGuests:
    """The search documents of the profiles one import adds, written aside as it goes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.directory = root / f"aside-{uuid.uuid4().hex}"
        self.changes: set[int] = set()  # the change-log rows of the import's own inserts
        self.documents = 0
        self._since = 0
        self._pending: list[Source] = []
        self._workers: SegmentWorkers | None = None

    def start(self, session: Session) -> None:
        """Begin (again: a retried transaction writes its rows anew) in the import's
        transaction, before its first insert."""
        self.drop()
        for leftover in self.root.glob("aside-*"):
            try:
                stale = time.time() - leftover.stat().st_mtime > _STALE_SECONDS
            except OSError:  # another desk's import removed its own meanwhile
                continue
            if stale:
                shutil.rmtree(leftover, ignore_errors=True)
        self.directory.mkdir(parents=True)
        index.create_in(str(self.directory), schema())
        # Change ids only grow: the import's own rows come after the newest committed one.
        self._since = newest_change(session)

    def add(self, session: Session, guest_ids: list[int]) -> None:
        """Index these new profiles aside (in the import's transaction, after their INSERT
        and audit rows); every `SEGMENT_DOCS` documents go to a worker process."""
        wanted = set(guest_ids)
        rows = session.execute(
            select(ChangeLog.id, ChangeLog.entity_id)
            .where(ChangeLog.id > self._since, ChangeLog.entity == "guest")
            .order_by(ChangeLog.id)
        )
        for change_id, guest_id in rows:
            if guest_id in wanted:  # on PostgreSQL, other desks' changes may lie in between
                self.changes.add(change_id)
                self._since = change_id
        self._pending.extend(guest_sources(session, guest_ids))
        while len(self._pending) >= SEGMENT_DOCS:
            chunk, self._pending = self._pending[:SEGMENT_DOCS], self._pending[SEGMENT_DOCS:]
            self._send(chunk)

    def _send(self, chunk: list[Source]) -> None:
        """A segment's sources to the workers, started with the first (the documents are made
        there too: parsing the phones is most of a guest's document)."""
        if self._workers is None:
            self._workers = SegmentWorkers(self.directory, min(os.cpu_count() or 1, MAX_WORKERS))
        self._workers.send(chunk)
        self.documents += len(chunk)

    def finish(self) -> list[Any]:
        """Every segment, once its worker is done."""
        segments = []
        pending, self._pending = self._pending, []
        if pending and (self._workers is not None or len(pending) > IN_PROCESS_DOCS):
            self._send(pending)
        elif pending:
            segments.append(write_sources(str(self.directory), pending))
            self.documents += len(pending)
        if self._workers is not None:
            segments[:0] = self._workers.finish()
            self._workers = None
        return segments

    def drop(self) -> None:
        """Stop the workers and remove the directory aside."""
        if self._workers is not None:
            self._workers.kill()
        self._workers, self._pending = None, []
        self.changes, self.documents = set(), 0
        shutil.rmtree(self.directory, ignore_errors=True)


def imported_guests(session: Session) -> ImportedGuests:
    """A new, empty set of imported guests' documents beside this desk's index."""
    return ImportedGuests(index_for(session).root)


def publish(session: Session, imported: ImportedGuests) -> int:
    """After the import committed: its segments into this desk's index, and the rest of the
    change log applied; returns the documents added. The directory aside is gone afterwards."""
    try:
        if not imported.changes:
            catch_up(session)
            return 0
        segments = imported.finish()
        found = index_for(session)
        if found.ensure(session):  # built from the tables just now: the import is in it
            return 0
        with found._write, found._machine_lock(BUILD_WAIT_SECONDS) as locked:
            if not locked:
                raise IndexBusy("another desk on this computer is writing the search index")
            return _publish(session, found, imported, segments)
    finally:
        imported.drop()


def _publish(
    session: Session, found: SearchIndex, imported: ImportedGuests, segments: list[Any]
) -> int:
    try:
        state = found._refresh()
    except IndexUnusable:
        found._build(session, None)
        return 0
    if any(c <= state.last_seen and c not in state.gaps for c in imported.changes):
        found._catch_up(session)  # another desk here applied the import's changes first
        return 0
    aside = FileStorage(str(imported.directory))
    for segment in segments:
        for name in segment.list_files(aside):
            os.replace(imported.directory / name, found.path / name)
    writer = found._ix.writer(codec=codec())
    try:
        writer.commit(mergetype=adding(segments))
    except BaseException:
        writer.cancel()
        raise
    _catch_up_besides(session, found, state, imported.changes)
    found._refresh()
    return imported.documents


def _catch_up_besides(
    session: Session, found: SearchIndex, state: IndexState, applied: Collection[int]
) -> None:
    """`SearchIndex.catch_up`'s rounds, with the changes in `applied` counted but not
    applied again (their documents are in the index already)."""
    while True:
        changes = changes_since(session, state.last_seen, state.gaps, CHANGE_BATCH)
        advanced = state.advanced(changes, time.time())
        if not changes and advanced == state:
            return
        touched = affected(session, [c for c in changes if c.id not in applied])
        current = docs_for(session, touched)
        gone = touched.keys() - {d["key"] for d in current}
        found._commit(current, gone, advanced, purge=purge_keys(session, touched))
        state = advanced
        if len(changes) < CHANGE_BATCH:
            return
