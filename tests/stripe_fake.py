"""A localstripe server (a fake Stripe API) for a test session, on a free local port.

localstripe pickles its whole store to the fixed file /tmp/localstripe.pickle after every write.
The launcher below turns that off: the file is never read back with --from-scratch, pickling a
growing store on every request slows each test, and two test sessions on one machine (two
developers, or this suite beside another module's fake) would otherwise write the same file.
The server listens on every interface; the tests only ever talk to it on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

#: Started with `python -c`: localstripe's own entry point, minus the state file.
_LAUNCHER = """
import sys
import localstripe.resources as resources
resources.Store.dump_to_disk = lambda self: None
from localstripe.server import start
sys.argv = ["localstripe", "--port", sys.argv[1], "--from-scratch"]
start()
"""

#: Any key works with the fake; this one looks like a Stripe test key.
API_KEY = "sk_test_pms_localstripe"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(url: str) -> bool:
    request = urllib.request.Request(
        f"{url}/v1/customers", headers={"Authorization": f"Bearer {API_KEY}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@contextlib.contextmanager
def running_localstripe(startup_timeout: float = 30.0, attempts: int = 3) -> Iterator[str]:
    """Start localstripe, wait until it answers, yield its base URL, stop it afterwards.

    A port taken between choosing it and the server binding it makes the server exit; then
    another port is tried.
    """
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="localstripe-") as log_dir:
        for attempt in range(attempts):
            port = _free_port()
            url = f"http://127.0.0.1:{port}"
            log_path = Path(log_dir) / f"server-{attempt}.log"
            with log_path.open("wb") as log:
                process = subprocess.Popen(
                    [sys.executable, "-c", _LAUNCHER, str(port)],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                )
            try:
                deadline = time.monotonic() + startup_timeout
                while time.monotonic() < deadline and process.poll() is None:
                    if _answers(url):
                        break
                    time.sleep(0.1)
                if process.poll() is None and _answers(url):
                    yield url
                    return
                failures.append(f"port {port}: {log_path.read_text(errors='replace')[-500:]}")
            finally:
                _stop(process)
    raise RuntimeError("localstripe did not start: " + " | ".join(failures))
