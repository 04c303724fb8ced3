"""How long a `pms` command takes from process start to exit, beside two floors.

Run it from the repository root::

    .venv/bin/python benchmarks/startup.py                 # demo hotel, 9 runs per command
    .venv/bin/python benchmarks/startup.py --runs 21
    .venv/bin/python benchmarks/startup.py --db sqlite:////tmp/pms.sqlite3   # an existing hotel

Each figure is the whole process, as a night auditor's script sees it: interpreter start, imports,
the start-up check, the query, printing, exit. The floors are `python -c pass` (the interpreter)
and `python -c "import sqlalchemy"` (the least a command that reads the database must load). The
commands run in turn, round after round, so a burst of load from other processes hits them alike;
the table shows each one's median and minimum in milliseconds, its median CPU time (user + system,
the steadier figure on a shared machine) and its median as a multiple of each floor. The aims
(issue 13): `pms --help` under 250 ms; the read commands under 400 ms.

After the table, `python -X importtime` of `pms availability` lists the ten modules that cost the
most on their own (self time) and the ten heaviest top-level imports (cumulative), so a module
that starts loading something heavy for every command shows up at once.

With --baseline DIR (a checkout of other code, e.g. `git archive main | tar -x -C DIR`) each
`pms` command also runs from DIR, right after this tree's run of it, so a before/after pair sees
the same load; its rows are marked "(baseline)".

Without --db the script builds the demo hotel (`pms db upgrade`, `pms demo`) in a temporary SQLite
file first (about half a minute).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import load_average
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
PMS = [sys.executable, "-c", "import sys; from cli import main; sys.argv[0] = 'pms'; main()"]


def _cpu_of_children() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _timed(argv: list[str], env: dict[str, str], cwd: Path = ROOT) -> tuple[float, float]:
    """Wall and CPU seconds of one run of `argv`; a failing run stops the benchmark. The CPU
    time (user + system) moves far less than the wall time when other processes share the
    cores."""
    cpu = _cpu_of_children()
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv[3:]) or argv}: exit {done.returncode}\n{done.stderr}")
    return elapsed, _cpu_of_children() - cpu


def _pms(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([*PMS, *args], env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"pms {' '.join(args)}: exit {done.returncode}\n{done.stderr}")
    return done.stdout


def _a_confirmation(env: dict[str, str]) -> str:
    """A stay of the hotel to show (the first upcoming one the list gives)."""
    import json

    rows = json.loads(_pms(env, "reservation", "list", "--json"))
    return rows[0]["confirmation"]


def _commands(env: dict[str, str], baseline: Path | None) -> dict[str, tuple[list[str], Path]]:
    """Each command's argv and the tree it runs from (`python -c` imports from its cwd)."""
    commands: dict[str, tuple[list[str], Path]] = {}
    for name, argv in _argvs(_a_confirmation(env)).items():
        commands[name] = (argv, ROOT)
        if baseline is not None and argv[: len(PMS)] == PMS:
            commands[f"{name} (baseline)"] = (argv, baseline)
    return commands


def _argvs(confirmation: str) -> dict[str, list[str]]:
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import sqlalchemy'": [sys.executable, "-c", "import sqlalchemy"],
        "pms --help": [*PMS, "--help"],
        "pms availability --from today --to +14": [
            *PMS, "availability", "--from", "today", "--to", "+14",
        ],
        "pms quote --arrival +10 --nights 3 --adults 2": [
            *PMS, "quote", "--arrival", "+10", "--nights", "3", "--adults", "2",
        ],
        f"pms reservation show {confirmation}": [*PMS, "reservation", "show", confirmation],
    }  # fmt: skip


def _import_report(console: Console, env: dict[str, str]) -> None:
    argv = [*PMS[:1], "-X", "importtime", *PMS[1:], "availability", "--from", "today"]
    done = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True)
    rows: list[tuple[int, int, str]] = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative_us, name = line.removeprefix("import time:").split("|")
        rows.append((int(self_us), int(cumulative_us), name.rstrip()))
    top_level = [row for row in rows if not row[2].startswith("  ")]
    for title, chosen, key in (
        ("heaviest modules on their own (self)", rows, 0),
        ("heaviest top-level imports (cumulative)", top_level, 1),
    ):
        table = Table(title=f"python -X importtime, pms availability: {title}")
        table.add_column("ms", justify="right")
        table.add_column("module")
        for row in sorted(chosen, key=lambda r: r[key], reverse=True)[:10]:
            table.add_row(f"{row[key] / 1000:.1f}", row[2].strip())
        console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="runs per command (default 9)")
    parser.add_argument("--db", help="an existing database URL (default: a new demo hotel)")
    parser.add_argument("--baseline", type=Path, help="a checkout to compare with, run alongside")
    args = parser.parse_args()
    console = Console(width=110)
    with tempfile.TemporaryDirectory(prefix="pms-startup-") as tmp:
        env = {**os.environ, "PMS_DATABASE_URL": args.db or f"sqlite:///{tmp}/demo.sqlite3"}
        env.pop("PMS_USER", None)
        # An installed `pms` runs from compiled .pyc files; with this set every run would
        # compile the project's modules again (the warm-up below writes them).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        if not args.db:
            console.print("building the demo hotel …")
            _pms(env, "db", "upgrade")
            _pms(env, "demo")
        commands = _commands(env, args.baseline)
        console.print(f"load average at start: {load_average():.2f}")
        times: dict[str, list[float]] = {name: [] for name in commands}
        cpu: dict[str, list[float]] = {name: [] for name in commands}
        for argv, tree in commands.values():  # one warm-up each: page cache, .pyc files
            _timed(argv, env, tree)
        for _ in range(args.runs):
            for name, (argv, tree) in commands.items():
                wall, used = _timed(argv, env, tree)
                times[name].append(wall)
                cpu[name].append(used)
        medians = {name: statistics.median(runs) for name, runs in times.items()}
        bare, alchemy = medians["python -c pass"], medians["python -c 'import sqlalchemy'"]
        table = Table(title=f"whole-process wall time, {args.runs} runs each")
        columns = ("command", "median ms", "min ms", "CPU ms", "× python", "× import sqlalchemy")
        for column in columns:
            table.add_column(column, justify="left" if column == "command" else "right")
        for name, runs in times.items():
            table.add_row(
                name,
                f"{medians[name] * 1000:.0f}",
                f"{min(runs) * 1000:.0f}",
                f"{statistics.median(cpu[name]) * 1000:.0f}",
                f"{medians[name] / bare:.1f}",
                f"{medians[name] / alchemy:.2f}",
            )
        console.print(table)
        console.print(f"load average at end: {load_average():.2f}")
        _import_report(console, env)


if __name__ == "__main__":
    main()
