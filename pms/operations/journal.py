"""The structured log: one JSON object a line (time, level, user, desk, action, duration,
message, and the traceback of an error) in a rotating file in the user log directory.

The screen shows a clerk one line; the log keeps the whole story, traceback included, so an
administrator can find what happened without asking for `--debug`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import logging.handlers
import os
import socket
import time
from pathlib import Path
from typing import Any

import platformdirs

from pms.kernel.config import APP_NAME

LOG = logging.getLogger("pms")
_FIELDS = ("user", "desk", "action", "duration_ms")


class JsonLines(logging.Formatter):
    """A record as one JSON object."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in _FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def log_file() -> Path:
    """Where the log is written (`~/.local/state/hotel-pms/log/pms.log` on Linux)."""
    return Path(platformdirs.user_log_dir(APP_NAME)) / "pms.log"


def configure(verbose: bool = False) -> None:
    """Send the `pms` loggers to the rotating file: info and up, debug with `verbose`.

    Five files of 5 MB are kept. Called by the faces at start; called again (tests run many
    commands in one process) it keeps the handler unless the log directory moved.
    """
    LOG.setLevel(logging.DEBUG if verbose else logging.INFO)
    path = log_file()
    for old in [h for h in LOG.handlers if isinstance(h, logging.handlers.RotatingFileHandler)]:
        if Path(old.baseFilename) == path:
            return
        LOG.removeHandler(old)
        old.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=5 * 1024 * 1024, backupCount=5, encoding="utf-8", delay=True
    )
    handler.setFormatter(JsonLines())
    LOG.addHandler(handler)


def desk_name() -> str:
    """This desk in the log: host and process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def action_done(action: str, user: str, started: float, error: BaseException | None) -> None:
    """Log an action's end with its duration; an error with its traceback."""
    context = {
        "user": user,
        "desk": desk_name(),
        "action": action,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
    }
    if error is None:
        LOG.info("%s done", action, extra=context)
    else:
        LOG.error("%s failed: %s", action, error, extra=context, exc_info=error)
