"""The index in segments of bounded size, so that erasing a guest rewrites only the segments that
ever held their documents.

Whoosh never overwrites a document: an update marks the old one deleted and writes the new one
into a new segment, and the old bytes stay in the files until their segment is rewritten.
Anonymising a guest must take their name and contact details out of the files, so the commit
that applies it rewrites each segment whose term index still names one of the purged documents
(`purging`) — and only those. A full build therefore writes many segments of at most
`SEGMENT_DOCS` documents (guests in id order, then rooms and stays), in worker processes when the
machine has more than one core; later commits merge only small segments (whoosh's MERGE_SMALL
policy never folds segments of this size together), so a purge stays the size of a segment.

Measured by `benchmarks/search.py` at 100,000 guests and 20,000 stays: a purge rewrote two of
six segments in ~22 s where rewriting the whole index took ~250 s (see `SEGMENT_DOCS`). A
segment's cost is its postings and distinct terms, each written in Python by whoosh: what the
schema indexes per document (`pms.search.schema`) sets the price of a build and of a purge.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from whoosh import index
from whoosh.reading import SegmentReader

from pms.search.bulk import BulkWriter

if TYPE_CHECKING:  # a worker process imports whoosh and this module only: it starts fast
    from pms.search.documents import Doc

#: Documents per segment of a full build. Fewer, larger segments answer queries faster (each
#: segment is searched on its own); smaller ones make a purge cheaper. Measured at 100,000 guests
#: and 20,000 stays on a busy 2-core machine (benchmarks/search.py): 10,000 — 14 segments, query
#: p95 ~60 ms, a purge ~6–10 s; 25,000 — 6 segments, p95 ~33 ms, a purge ~22 s (one segment:
#: p95 ~24 ms, a purge rewrote everything in ~250 s). The clerk types all day and an erasure is
#: rare, so queries win.
SEGMENT_DOCS = 25_000

#: Worker processes a build uses at most (one per core up to this).
MAX_WORKERS = 4

MergePolicy = Callable[[Any, list[Any]], list[Any]]


def _chunks(docs: Iterable[Doc], size: int) -> Iterator[list[Doc]]:
    chunk: list[Doc] = []
    for doc in docs:
        chunk.append(doc)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def write_segment(directory: str, docs: list[Doc]) -> Any:
    """Write one segment of `docs` into the index at `directory` without committing it (runs
    in a worker process; the parent commits every segment at once)."""
    ix = index.open_dir(directory)
    writer = BulkWriter(ix, _lk=False)
    try:
        for doc in docs:
            writer.add_document(**doc)
    except BaseException:
        writer.cancel()
        raise
    # Not `_finish()`: that deletes the index's shared temporary directory, where the other
    # workers are still writing; the parent's commit clears it when every segment is in.
    return writer._finalize_segment()


def build_segments(
    directory: Path,
    docs: Iterable[Doc],
    expected: int,
    on_written: Callable[[int], None] | None = None,
) -> list[Any]:
    """Write `docs` as segments of `SEGMENT_DOCS` into the (new, empty) index at `directory`;
    returns them for one commit (`adding`). `on_written(n)` hears of each segment's size.

    With more than one core and more than two segments' worth of `expected` documents, each
    segment is written by a worker process (`python -m pms.search.segments`) while this one
    reads the next documents from the database. Plain subprocesses, not a multiprocessing pool:
    the caller may be the front desk with its threads and open connections (no fork), or a
    script without a `__main__` guard (which spawn would import again).
    """
    procs = min(os.cpu_count() or 1, MAX_WORKERS)
    if procs == 1 or expected <= 2 * SEGMENT_DOCS:
        segments = []
        for chunk in _chunks(docs, SEGMENT_DOCS):
            segments.append(write_segment(str(directory), chunk))
            if on_written:
                on_written(len(chunk))
        return segments
    running: list[_Job] = []
    segments = []
    try:
        for n, chunk in enumerate(_chunks(docs, SEGMENT_DOCS)):
            running.append(_Job.start(directory, n, chunk))
            while len(running) >= procs:
                segments.append(running.pop(0).finish(on_written))
        while running:
            segments.append(running.pop(0).finish(on_written))
    finally:
        for job in running:
            job.process.kill()
            job.process.wait()
    return segments


@dataclass
class _Job:
    """One segment being written by a worker process."""

    process: subprocess.Popen[bytes]
    path: Path
    size: int

    @classmethod
    def start(cls, directory: Path, number: int, chunk: list[Doc]) -> _Job:
        path = directory / f"job-{number}.pickle"
        path.write_bytes(pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL))
        command = [sys.executable, "-m", __name__, str(directory), str(path)]
        return cls(subprocess.Popen(command, stderr=subprocess.PIPE), path, len(chunk))

    def finish(self, on_written: Callable[[int], None] | None) -> Any:
        _, errors = self.process.communicate()
        try:
            if self.process.returncode != 0:
                raise RuntimeError(f"writing a search index segment failed: {errors.decode()}")
            segment = pickle.loads(self.path.with_suffix(".segment").read_bytes())
        finally:
            self.path.unlink(missing_ok=True)
            self.path.with_suffix(".segment").unlink(missing_ok=True)
        if on_written:
            on_written(self.size)
        return segment


def adding(segments: list[Any]) -> MergePolicy:
    """A merge policy for the build's one commit: keep what is there, add the new segments."""
    return lambda _writer, existing: [*existing, *segments]


def purging(keys: Collection[str]) -> MergePolicy:
    """A merge policy that rewrites each segment whose terms name one of `keys` (live or
    deleted versions of the purged documents), leaving every other segment as it is.

    A rewritten segment keeps its live documents only: the deleted versions, and with them the
    old name, e-mail and phone, are gone from the files when the commit ends.
    """
    wanted = [("key", key) for key in keys]

    def _policy(writer: Any, segments: list[Any]) -> list[Any]:
        kept = []
        for segment in segments:
            reader = SegmentReader(writer.storage, writer.schema, segment)
            try:
                if any(term in reader for term in wanted):
                    writer.add_reader(reader)
                    continue
            finally:
                reader.close()
            kept.append(segment)
        return kept

    return _policy


if __name__ == "__main__":  # a build's worker: python -m pms.search.segments DIR JOB
    _directory, _job = sys.argv[1], Path(sys.argv[2])
    _segment = write_segment(_directory, pickle.loads(_job.read_bytes()))
    _job.with_suffix(".segment").write_bytes(pickle.dumps(_segment))
