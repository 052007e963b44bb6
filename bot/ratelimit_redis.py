"""The rate limits of :mod:`bot.ratelimit` with the counters in Redis (cluster mode), so every
gateway process counts the same hits: a fixed window per key, ``INCR`` and ``EXPIRE`` of
``jize:rl:<name>:<key>:<window number>`` in one round trip.

When Redis cannot be reached the hit is allowed (and logged): a limit that fails must not take
the answers down with it.
"""

from __future__ import annotations

import logging
import time

import redis

logger = logging.getLogger(__name__)


class RedisRateLimiter:
    """Allow at most ``limit`` hits per ``window`` seconds for each key; 0 = unlimited."""

    def __init__(self, client: redis.Redis, name: str, limit: int, window: float = 60.0) -> None:
        self.client = client
        self.name = name
        self.limit = limit
        self.window = window

    def hit(self, key: str, now: float | None = None) -> float:
        """Count one hit; return 0 when allowed, else seconds until the window resets."""
        if self.limit <= 0:
            return 0.0
        now = time.time() if now is None else now
        slot = int(now // self.window)
        rkey = f"jize:rl:{self.name}:{key}:{slot}"
        try:
            pipe = self.client.pipeline()
            pipe.incr(rkey)
            pipe.expire(rkey, int(self.window) + 1)
            count = pipe.execute()[0]
        except redis.RedisError as e:
            logger.warning("rate limit %s not counted (Redis: %s)", self.name, e)
            return 0.0
        if count > self.limit:
            return max(0.1, (slot + 1) * self.window - now)
        return 0.0
