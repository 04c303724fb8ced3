"""Every row of a file read into its model (`pms.imports.rows`), on two cores when it is long.

Checking a guest's e-mail with email-validator and phone with phonenumbers is ~0.1 ms a row,
the largest part of importing a hotel's guest file, and nothing else can run while it does (the
rows are written only once every one is known good). So a long file's second half is checked
by a worker process (`python -m pms.imports.checks`, rows in and results out as pickle files)
while this process checks the first: the same models, the same checks, the
same problems at the same lines. A plain subprocess, as the search index's workers are
(`pms.search.segments`): the caller may be a desk with threads and open connections, or a
script with no `__main__` guard.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, ValidationError

from pms.imports.files import SourceRow
from pms.imports.problems import RowProblem, problems_of
from pms.imports.rows import prepared

#: From this many rows on, half of them are checked by a worker process (below, starting it
#: costs more than it saves).
PARALLEL_FROM = 4_000

Checked = tuple[list[tuple[int, BaseModel]], list[RowProblem]]


def read_models(
    rows: list[SourceRow], model: type[BaseModel], currency: str, tick: Callable[[int], None]
) -> Checked:
    """Every row as its model, and every problem of the rows that are not."""
    if len(rows) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        return _read(rows, model, currency, tick)
    half = len(rows) // 2
    with tempfile.TemporaryDirectory(prefix="pms-import-") as folder:
        given, answer = Path(folder) / "rows.pickle", Path(folder) / "checked.pickle"
        given.write_bytes(pickle.dumps((rows[half:], model, currency), pickle.HIGHEST_PROTOCOL))
        command = [sys.executable, "-m", __name__, str(given), str(answer)]
        worker = subprocess.Popen(command, stderr=subprocess.PIPE)
        try:
            good, problems = _read(rows[:half], model, currency, tick)
            _, errors = worker.communicate()
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        if worker.returncode != 0:
            raise RuntimeError(f"checking the rows of the file failed: {errors.decode()}")
        theirs, more = pickle.loads(answer.read_bytes())
    tick(len(rows))
    return good + theirs, problems + more


def _read(
    rows: list[SourceRow], model: type[BaseModel], currency: str, tick: Callable[[int], None]
) -> Checked:
    good: list[tuple[int, BaseModel]] = []
    problems: list[RowProblem] = []
    for done, row in enumerate(rows, 1):
        if row.problem:
            problems.append(RowProblem(row.line, "", row.problem))
        else:
            try:
                checked = model.model_validate(prepared(row.values), context={"currency": currency})
                good.append((row.line, checked))
            except ValidationError as error:
                problems.extend(problems_of(row.line, error))
        tick(done)
    return good, problems


def _worker(given: Path, answer: Path) -> None:
    """A worker's answer: its rows' models and problems, pickled (loading a pickled model is
    half the cost of constructing it again from its fields)."""
    rows, model, currency = pickle.loads(given.read_bytes())
    checked = _read(rows, model, currency, lambda done: None)
    answer.write_bytes(pickle.dumps(checked, pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":  # a worker: python -m pms.imports.checks ROWS ANSWER
    _worker(Path(sys.argv[1]), Path(sys.argv[2]))
