"""A small in-memory fixed-window rate limiter (per process; enough for one station)."""

from __future__ import annotations

import threading
import time


class RateLimiter:
    """Allow at most ``limit`` hits per ``window`` seconds for each key; 0 = unlimited."""

    def __init__(self, limit: int, window: float = 60.0, max_keys: int = 50_000) -> None:
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self._hits: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, now: float | None = None) -> float:
        """Count one hit; return 0 when allowed, else seconds until the window resets."""
        if self.limit <= 0:
            return 0.0
        now = time.monotonic() if now is None else now
        with self._lock:
            start, count = self._hits.get(key, (now, 0))
            if now - start >= self.window:
                start, count = now, 0
            if count >= self.limit:
                return max(0.1, self.window - (now - start))
            self._hits[key] = (start, count + 1)
            if len(self._hits) > self.max_keys:
                self._prune(now)
            return 0.0

    def _prune(self, now: float) -> None:
        for k in [k for k, (s, _) in self._hits.items() if now - s >= self.window]:
            del self._hits[k]
