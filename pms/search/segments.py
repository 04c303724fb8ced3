"""The index in segments of bounded size, so that erasing a guest rewrites only the segments that
ever held their documents.

Whoosh never overwrites a document: an update marks the old one deleted and writes the new one
into a new segment, and the old bytes stay in the files until their segment is rewritten.
Anonymising a guest must take their name and contact details out of the files, so the commit
that applies it rewrites each segment whose term index still names one of the purged documents
(`purging`) — and only those. A full build therefore writes many segments of at most
`SEGMENT_DOCS` documents (guests in id order, each followed by their stays, then rooms and
reviews), in worker processes when the machine has more than one core; later commits merge only
small segments (whoosh's MERGE_SMALL policy never folds segments of this size together), so a
purge stays the size of one segment: the guest's and their stays' (a guest whose documents
straddle two segments' boundary rewrites both).

Segments are written and rewritten by `pms.search.writer`, several times faster than whoosh's own
writer; what the schema indexes per document (`pms.search.schema`) still sets the price of a
build and of a purge. Figures in benchmarks/README.md (`search.py`).
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from whoosh import index
from whoosh.reading import SegmentReader

from pms.search.writer import BulkWriter

if TYPE_CHECKING:  # a worker imports the documents' makers once it has its job
    from pms.search.documents import Doc, Source

#: Documents per segment of a full build. Fewer, larger segments answer queries faster (each
#: segment is searched on its own); smaller ones make a purge cheaper. Measured at 100,000 guests
#: and 20,000 stays on a busy 2-core machine, with whoosh's own writer (benchmarks/search.py):
#: 10,000 — 14 segments, query p95 ~60 ms, a purge ~6–10 s; 25,000 — 6 segments, p95 ~33 ms, a
#: purge ~22 s (one segment: p95 ~24 ms, a purge rewrote everything in ~250 s). The clerk types
#: all day and an erasure is rare, so queries win.
SEGMENT_DOCS = 25_000

#: Worker processes a build uses at most (one per core up to this).
MAX_WORKERS = 4

MergePolicy = Callable[[Any, list[Any]], list[Any]]


def _chunks(sources: Iterable[Source], size: int) -> Iterator[list[Source]]:
    chunk: list[Source] = []
    for source in sources:
        chunk.append(source)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def write_segment(directory: str, docs: list[Doc]) -> Any:
    """Write `docs` as one segment into the index at `directory` without committing it (in a
    worker process: the parent commits every segment at once)."""
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


def write_sources(directory: str, sources: list[Source]) -> Any:
    """Make the documents of `sources` and write them as one segment (`write_segment`)."""
    from pms.search.documents import make

    return write_segment(directory, [make(source) for source in sources])


def build_segments(
    directory: Path,
    sources: Iterable[Source],
    expected: int,
    on_written: Callable[[int], None] | None = None,
) -> list[Any]:
    """Write the documents of `sources` as segments of `SEGMENT_DOCS` into the (new, empty)
    index at `directory`; returns them for one commit (`adding`). `on_written(n)` hears of each
    segment's size.

    With more than one core and more than two segments' worth of `expected` documents, each
    segment's documents are made and written by a worker process (`python -m
    pms.search.segments`) while this one reads the next rows from the database (in its own
    transaction: the workers see what it sees). Plain subprocesses, not a multiprocessing pool:
    the caller may be the front desk with its threads and open connections (no fork), or a
    script without a `__main__` guard (which spawn would import again).
    """
    procs = min(os.cpu_count() or 1, MAX_WORKERS)
    if procs == 1 or expected <= 2 * SEGMENT_DOCS:
        segments = []
        for chunk in _chunks(sources, SEGMENT_DOCS):
            segments.append(write_sources(str(directory), chunk))
            if on_written:
                on_written(len(chunk))
        return segments
    workers = SegmentWorkers(directory, procs)
    try:
        for chunk in _chunks(sources, SEGMENT_DOCS):
            workers.send(chunk, on_written)
        return workers.finish(on_written)
    finally:
        workers.kill()


class SegmentWorkers:
    """Worker processes that make and write segments into the index at `directory` while the
    caller reads on: `send` a segment's sources (it waits while the next worker in turn is
    still writing its last one), then `finish` for every segment, in the order sent. Anything
    left running is killed by `kill` (always call it)."""

    def __init__(self, directory: Path, processes: int) -> None:
        self._workers = [_Worker(directory, number) for number in range(processes)]
        self._sent = 0
        self._written: list[tuple[int, Any]] = []

    def _collect(self, worker: _Worker, on_written: Callable[[int], None] | None) -> None:
        if (finished := worker.receive()) is not None:
            self._written.append(finished[:2])
            if on_written:
                on_written(finished[2])

    def send(self, sources: list[Source], on_written: Callable[[int], None] | None = None) -> None:
        """Have the next worker in turn write these sources' documents as one segment."""
        worker = self._workers[self._sent % len(self._workers)]
        self._collect(worker, on_written)  # each worker has at most one segment to write
        worker.send(self._sent, sources)
        self._sent += 1

    def finish(self, on_written: Callable[[int], None] | None = None) -> list[Any]:
        """Every segment sent, once written, in the order sent; the workers end."""
        for worker in self._workers:
            self._collect(worker, on_written)
            worker.stop()
        return [segment for _, segment in sorted(self._written, key=lambda item: item[0])]

    def kill(self) -> None:
        """Stop every worker still running (after `finish`, none is)."""
        for worker in self._workers:
            worker.kill()


class _Worker:
    """A worker process writing the segments it is sent, one at a time: one start-up (its
    imports cost ~1 s of CPU) for all the segments it writes."""

    def __init__(self, directory: Path, number: int) -> None:
        self.directory = directory
        self.errors = directory / f"worker-{number}.err"
        command = [sys.executable, "-m", __name__, str(directory)]
        with self.errors.open("wb") as errors:
            self.process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors
            )
        self.job: tuple[int, Path, int] | None = None

    def send(self, number: int, chunk: list[Source]) -> None:
        path = self.directory / f"job-{number}.pickle"
        path.write_bytes(pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL))
        assert self.process.stdin is not None
        self.process.stdin.write(f"{path}\n".encode())
        self.process.stdin.flush()
        self.job = (number, path, len(chunk))

    def receive(self) -> tuple[int, Any, int] | None:
        """The segment of the job sent last (number, segment, documents), once written."""
        if self.job is None:
            return None
        number, path, size = self.job
        self.job = None
        assert self.process.stdout is not None
        try:
            if not self.process.stdout.readline():
                self.process.wait()
                raise RuntimeError(
                    f"writing a search index segment failed: {self.errors.read_text()}"
                )
            segment = pickle.loads(path.with_suffix(".segment").read_bytes())
        finally:
            path.unlink(missing_ok=True)
            path.with_suffix(".segment").unlink(missing_ok=True)
        return number, segment, size

    def stop(self) -> None:
        """No more segments: let the worker end."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def _serve(directory: str) -> None:
    """A build's worker: write each segment whose job file is named on a line of stdin, and
    name it on stdout when its segment is written."""
    while line := sys.stdin.buffer.readline():
        job = Path(line.decode().strip())
        segment = write_sources(directory, pickle.loads(job.read_bytes()))
        job.with_suffix(".segment").write_bytes(pickle.dumps(segment))
        sys.stdout.write(f"{job.name}\n")
        sys.stdout.flush()


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


if __name__ == "__main__":  # a build's worker: python -m pms.search.segments DIR
    _serve(sys.argv[1])
