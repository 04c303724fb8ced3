"""Building a desk's search index from the tables: every document, and a bookmark taken before
the first was read, written into a fresh staging directory that is then swapped in whole where
the old index was. The caller holds the machine-wide file lock, so no desk sees half an index
and a build that crashed leaves only a staging directory the next build clears away.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL
from sqlalchemy.orm import Session
from whoosh import index

from pms.search.bookmark import GAP_WINDOW, IndexState, meta_doc
from pms.search.change_log import change_ids_since, log_identity, newest_change
from pms.search.documents import Source
from pms.search.reading import all_sources, totals
from pms.search.schema import schema
from pms.search.segments import adding, build_segments
from pms.search.writer import BulkWriter

#: Told (documents written, documents expected) as a build goes.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BuildReport:
    """What a full build wrote, and where."""

    path: str
    guests: int
    rooms: int
    reservations: int
    last_change: int
    seconds: float


def first_bookmark(session: Session, url: URL) -> IndexState:
    """The bookmark of a build starting now: the newest change id, with the ids below it not yet
    committed watched as gaps (a slow transaction may still commit them)."""
    newest = newest_change(session)
    committed = change_ids_since(session, newest - GAP_WINDOW)
    now = time.time()
    return IndexState(
        identity=log_identity(session),
        last_seen=newest,
        gaps={i: now for i in range(max(1, newest - GAP_WINDOW), newest) if i not in committed},
        url=url.render_as_string(hide_password=True),
    )


def build_index(
    session: Session, root: Path, path: Path, state: IndexState, progress: Progress | None
) -> Counter[str]:
    """Write every document and `state` into a staging directory under `root`, then put it at
    `path`; returns how many documents of each kind were written."""
    total = totals(session)
    for leftover in [*root.glob("build-*"), *root.glob("old-*")]:
        shutil.rmtree(leftover, ignore_errors=True)  # a build that crashed
    staging = root / f"build-{uuid.uuid4().hex}"
    staging.mkdir(parents=True)
    try:
        counts = _write_documents(session, staging, state, total, progress)
        _swap_in(root, path, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return counts


def _write_documents(
    session: Session, staging: Path, state: IndexState, total: int, progress: Progress | None
) -> Counter[str]:
    """Every document read from the tables, written in segments of bounded size
    (`pms.search.segments`), then the bookmark; one commit makes them the index."""
    counts: Counter[str] = Counter()

    def _counted(sources: Iterable[Source]) -> Iterator[Source]:
        for source in sources:
            counts[source.kind] += 1
            yield source

    written = 0

    def _written(size: int) -> None:
        nonlocal written
        written += size
        if progress:
            progress(written, max(total, written))

    ix = index.create_in(str(staging), schema())
    new_segments = build_segments(staging, _counted(all_sources(session)), total, _written)
    writer = BulkWriter(ix)
    try:
        writer.add_document(**meta_doc(state))
        writer.commit(mergetype=adding(new_segments))
    except BaseException:
        writer.cancel()
        raise
    return counts


def _swap_in(root: Path, path: Path, staging: Path) -> None:
    """Put the new index where the old one was, in two renames (under the file lock)."""
    if path.exists():
        trash = root / f"old-{uuid.uuid4().hex}"
        os.replace(path, trash)
        os.replace(staging, path)
        shutil.rmtree(trash, ignore_errors=True)
    else:
        os.replace(staging, path)
