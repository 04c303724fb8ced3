"""The front desk's start and its biggest redraw: from process start to the dashboard's data on
screen, and the room rack drawn whole for 300 rooms × 31 days.

Run it from the repository root::

    .venv/bin/python benchmarks/tui.py                   # builds a 300-room demo hotel first
    .venv/bin/python benchmarks/tui.py --db sqlite:////tmp/pms.sqlite3 --runs 9

- **start**: each run is a new process (`python benchmarks/tui.py --probe …`) that opens the
  desk as `pms` does, starts `FrontDeskApp` under Textual's Pilot (headless) and waits until the
  dashboard's workers have loaded and shown its figures; the parent times from starting the
  process to the probe's "shown" line — imports, the desk, the first screen and its data. The
  floor beside it is `python -c "import textual"`. Aim (issue 13): under 1.0 s.
- **rack redraw**: in the probe, the room rack screen opened for 31 nights; then the grid is
  given the same view again (`RackGrid.show`: every room's line is drawn anew) and every room's
  full-width line is built, as a scroll through the whole rack would. Aim: under 100 ms.

With --baseline DIR (a checkout of other code, e.g. `git archive main | tar -x -C DIR`) every
run is followed by one of the same probe importing DIR's code (PYTHONPATH), so the two starts
of a pair see the same load; both sets of figures are printed.

The figures are medians of `--runs` processes; the load average is printed beside them.
Without --db a demo hotel of 300 rooms (`pms demo --rooms 300`) is built in a temporary SQLite
file first (a minute or two).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZE = (200, 60)


async def _probe(url: str) -> dict[str, float]:
    """In a fresh process: start the desk, wait for the dashboard's data, time a rack redraw."""
    try:  # the desk's modules imported as `pms` imports them (`cli.root`)
        from commands.lazy import long_lived_imports
    except ImportError:  # a baseline from before it
        long_lived_imports = contextlib.nullcontext
    with long_lived_imports():
        from screens.app import FrontDeskApp
    from pms.startup import open_desk

    desk, _ = open_desk(url)
    app = FrontDeskApp(desk)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        print(f"shown {time.process_time()}", flush=True)  # the CPU the start took
        shown = time.perf_counter()
        from screens.room_rack import RoomRackScreen  # after the start: F7 imports it then

        rack = RoomRackScreen()
        await app.push_screen(rack)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        view = desk.read(_rack_view, rack)
        grid = rack.grid
        begun = time.perf_counter()
        grid.show(view)
        for row in range(grid.row_count):
            grid.row_line(row, 0)
        redraw = time.perf_counter() - begun
        rooms, days = grid.row_count, view.days
    desk.close()
    return {"after_shown": shown, "redraw_ms": redraw * 1000, "rooms": rooms, "days": days}


def _rack_view(session, rack):  # type: ignore[no-untyped-def]
    from pms.frontdesk.rack import room_rack

    return room_rack(session, rack.property_code, rack.start, 31)


def _pms(env: dict[str, str], *args: str) -> None:
    command = [sys.executable, "-c", "import sys; from cli import main; sys.argv[0]='pms'; main()"]
    subprocess.run([*command, *args], env=env, cwd=ROOT, check=True, capture_output=True)


def _one_start(
    url: str, env: dict[str, str], baseline: Path | None = None
) -> tuple[float, dict[str, float]]:
    if baseline is not None:
        env = {**env, "PYTHONPATH": str(baseline)}
    begun = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, __file__, "--probe", url],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert child.stdout is not None
    first = child.stdout.readline()
    shown = time.perf_counter() - begun
    rest, errors = child.communicate()
    if not first.startswith("shown") or child.returncode != 0:
        raise SystemExit(f"the probe failed: {first}{rest}{errors}")
    probe = json.loads(rest.strip().splitlines()[-1])
    probe["cpu_ms"] = float(first.split()[1]) * 1000
    return shown, probe


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", help="an existing database (default: a new 300-room demo)")
    parser.add_argument("--baseline", type=Path, help="a checkout to compare with, run alongside")
    parser.add_argument("--probe", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        print(json.dumps(asyncio.run(_probe(args.probe))))
        return
    with tempfile.TemporaryDirectory(prefix="pms-tui-") as tmp:
        env = {**os.environ, "XDG_CACHE_HOME": f"{tmp}/cache", "PMS_USER": "admin"}
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # run from .pyc files, as an installed desk
        url = args.db or f"sqlite:///{tmp}/demo.sqlite3"
        if not args.db:
            print("building a 300-room demo hotel …", flush=True)
            _pms({**env, "PMS_DATABASE_URL": url}, "db", "upgrade")
            _pms({**env, "PMS_DATABASE_URL": url}, "demo", "--rooms", "300")
        floor = []
        for _ in range(args.runs):
            begun = time.perf_counter()
            subprocess.run([sys.executable, "-c", "import textual.app"], check=True)
            floor.append(time.perf_counter() - begun)
        trees = [("", None)] + ([(" (baseline)", args.baseline)] if args.baseline else [])
        for _, tree in trees:  # warm: page cache, .pyc files, the search index
            _one_start(url, env, tree)
        print(f"load average at start: {os.getloadavg()[0]:.2f}")
        runs: dict[str, list[dict[str, float]]] = {label: [] for label, _ in trees}
        for _ in range(args.runs):
            for label, tree in trees:
                shown, probe = _one_start(url, env, tree)
                runs[label].append({**probe, "shown_ms": shown * 1000})
        print(f"python -c 'import textual.app': median {statistics.median(floor) * 1000:.0f} ms")
        for label, probes in runs.items():
            _report(label, probes)
        print(f"load average at end: {os.getloadavg()[0]:.2f}")


def _report(label: str, probes: list[dict[str, float]]) -> None:
    starts = [probe["shown_ms"] for probe in probes]
    redraws = [probe["redraw_ms"] for probe in probes]
    cpu = statistics.median(probe["cpu_ms"] for probe in probes)
    print(
        f"start to the dashboard's data shown{label}: median {statistics.median(starts):.0f} ms, "
        f"min {min(starts):.0f}, max {max(starts):.0f} (aim < 1000 ms); CPU {cpu:.0f} ms"
    )
    print(
        f"room rack redraw{label}, {probes[-1]['rooms']:.0f} rooms × {probes[-1]['days']:.0f} "
        f"nights: median {statistics.median(redraws):.1f} ms, max {max(redraws):.1f} "
        f"(aim < 100 ms)"
    )


if __name__ == "__main__":
    main()
