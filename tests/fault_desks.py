"""A desk in its own process working through the day from the command line — walk-ins, a
charge, the payment, the check-out, the room cleaned — until the test kills it with SIGKILL."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

ROOM_TYPES = ("DBL", "TWN", "SUI")


def work_the_day(url: str, cycles: Any) -> None:
    """Walk guests in and out one after another; `cycles` counts the stays finished."""
    from typer.testing import CliRunner

    from cli import app

    runner = CliRunner()

    def pms(*args: str) -> Any:
        return runner.invoke(app, ["--db", url, "--user", "ana", *args])

    n = 0
    while True:
        n += 1
        walked = pms("walkin", "-t", ROOM_TYPES[n % 3], "--guest", f"Guest {n}", "--nights", "1",
                     "--json")  # fmt: skip
        if walked.exit_code != 0:
            continue  # sold out, or no clean room: try the next type
        stay = json.loads(walked.stdout)
        confirmation = stay["reservation"]["confirmation"]
        pms("folio", "post", confirmation, "FNB", "10")
        pms("folio", "pay", confirmation, "--method", "cash", "--amount", "10")
        if pms("checkout", confirmation).exit_code != 0:  # the day use, posted as she leaves
            folios = json.loads(pms("folio", "show", confirmation, "--json").stdout)["folios"]
            owed = Decimal(sum(f["balance"] for f in folios)).scaleb(-2)  # JSON: minor units
            pms("folio", "pay", confirmation, "--method", "cash", "--amount", str(owed))
            pms("checkout", confirmation)
        pms("room", "status", stay["room"], "clean")
        with cycles.get_lock():
            cycles.value += 1
