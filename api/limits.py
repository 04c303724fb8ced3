"""The API server's memory of its callers: who a key is (cached briefly, so a request costs no
extra query) and how fast each key may call (a token bucket per key).

Both live in the server process: with several server processes each keeps its own, so a key's
limit is per process. A revoked key stops working once its cache entry expires.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from pms.channels.keys import ChannelAccess

#: How long a server trusts a key it has looked up, in seconds (revocation takes this long).
KEY_CACHE_SECONDS = 10.0


class KeyCache:
    """Keys looked up recently, by their hash (the key itself is not kept)."""

    def __init__(self, look_up: Callable[[str | None], ChannelAccess], ttl: float) -> None:
        self._look_up = look_up
        self._ttl = ttl
        self._found: dict[str, tuple[float, ChannelAccess]] = {}
        self._lock = threading.Lock()

    def access(self, key: str | None) -> ChannelAccess:
        """The channel of the key; an invalid key is looked up (and refused) every time."""
        if not key:
            return self._look_up(key)
        digest = hashlib.sha256(key.encode()).hexdigest()
        now = time.monotonic()
        with self._lock:
            hit = self._found.get(digest)
        if hit is not None and hit[0] > now:
            return hit[1]
        access = self._look_up(key)
        with self._lock:
            self._found[digest] = (now + self._ttl, access)
        return access


@dataclass
class _Bucket:
    tokens: float
    at: float


class RateLimiter:
    """A token bucket per key: `rate_limit` requests a minute, bursts up to that many."""

    def __init__(self) -> None:
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def wait_for(self, access: ChannelAccess) -> int:
        """0 when the request may go ahead (its token is taken), else the seconds to wait."""
        per_second = access.rate_limit / 60.0
        now = time.monotonic()
        with self._lock:
            bucket = self._buckets.setdefault(access.key_id, _Bucket(access.rate_limit, now))
            bucket.tokens = min(access.rate_limit, bucket.tokens + (now - bucket.at) * per_second)
            bucket.at = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0
            return max(1, math.ceil((1 - bucket.tokens) / per_second))
