"""A PostgreSQL server of a test's own, to stop and start under a desk that is working.

The shared server on 127.0.0.1:5432 is never touched: other tests and people use it. This one
lives in a temporary directory on a free port, made with the machine's own `initdb` and
`pg_ctl` (run as the `postgres` OS user when the tests run as root, which PostgreSQL refuses
to run as), and is removed when the test ends.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: Where Debian and Ubuntu put every installed version's programs (newest version last).
BIN_DIRS = "/usr/lib/postgresql/*/bin"


class PrivateServerError(RuntimeError):
    """The private server could not be made, started or stopped; says which step and why."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _bin_dir() -> Path:
    found = sorted(
        (Path(p) for p in glob.glob(BIN_DIRS) if (Path(p) / "pg_ctl").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if not found:
        raise PrivateServerError(f"no initdb / pg_ctl under {BIN_DIRS}: install postgresql")
    return found[-1]


class PrivateServer:
    """One PostgreSQL cluster in `home`, listening on 127.0.0.1:`port` (trust auth, user
    `postgres`); `stop()` kills it the way a crash or a pulled cable would."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.bin = _bin_dir()
        self.port = _free_port()
        self.data = home / "data"
        self.log = home / "server.log"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if os.geteuid() == 0:  # PostgreSQL will not run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise PrivateServerError(
                f"{program} {args[-1]} failed (exit {done.returncode}): "
                + (done.stderr.strip() or done.stdout.strip())
                + (f"\nserver log:\n{log}" if log else "")
            )

    def create(self) -> None:
        """initdb: a new, empty cluster (no fsync: a test's data need not survive the machine)."""
        self._run(
            "initdb",
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
            "-D",
            str(self.data),
        )

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = (
            f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off -c max_connections=40"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-o", options, "start")

    def stop(self) -> None:
        """Stop at once (`-m immediate`): every connection is cut, nothing is shut down tidily,
        and the next start recovers from the write-ahead log, as after a crash."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def is_running(self) -> bool:
        return (self.data / "postmaster.pid").exists()


@contextmanager
def private_server() -> Iterator[PrivateServer]:
    """A started private server, stopped and removed afterwards whatever the test did."""
    # Not pytest's tmp_path: its parents are private to root, and the server runs as postgres.
    home = Path(tempfile.mkdtemp(prefix="pms-pg-"))
    try:
        if os.geteuid() == 0:
            shutil.chown(home, "postgres", "postgres")
        server = PrivateServer(home)
        server.create()
        server.start()
        try:
            yield server
        finally:
            if server.is_running():
                server.stop()
    finally:
        shutil.rmtree(home, ignore_errors=True)
