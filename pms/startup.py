"""How a desk starts: read the configuration, open the database, check it, sign the user in.

The CLI and the TUI both start here, so they agree on which database and which user.
"""

from __future__ import annotations

import gc
import os

from pms.kernel.config import Settings, load_settings
from pms.kernel.desk import Desk


def open_desk(
    database_url: str | None = None, username: str | None = None, *, ready: bool = True
) -> tuple[Desk, Settings]:
    """A desk on the configured database.

    Args:
        database_url: the --db option; wins over PMS_DATABASE_URL and the config files.
        username: the --user option; else PMS_USER; else the configured default user.
        ready: check the database answers and is migrated, and sign the user in. Commands that
            create or migrate the database pass False and act as the system.
    """
    settings = load_settings(database_url)
    desk = Desk.open(settings.database_url, rules=settings.rules)
    if ready:
        desk.check_ready()
        desk.sign_in(username or os.environ.get("PMS_USER") or settings.rules.default_user)
    # Everything loaded so far (modules, mappers, settings) lives as long as the process: keep
    # it out of the collector's full passes, which otherwise cost 60–120 ms each in a desk that
    # quotes all day (measured by benchmarks/quote.py). No collection first: it would cost a
    # command ~30 ms to find almost nothing.
    gc.freeze()
    return desk, settings
