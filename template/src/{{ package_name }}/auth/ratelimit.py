"""Attempt counting for login, register and refresh: fixed windows per key.

Keys name who is counted, e.g. ``login:client:203.0.113.7`` or ``login:account:ada@example.com``.
"""

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


class RateLimitError(Exception):
    """An attempt that the rate limiter refuses."""


@dataclass(frozen=True)
class RateLimitExceededError(RateLimitError):
    """Too many attempts: try again in ``retry_after`` seconds."""

    key: str
    retry_after: int


class RateLimiterUnavailableError(RateLimitError):
    """The store that keeps the counts does not answer: refuse rather than not count."""


class RateLimiter(Protocol):
    def hit(self, key: str) -> None:
        """Count one attempt for ``key``; raise :class:`RateLimitExceededError` over the limit."""


class MemoryRateLimiter:
    """Counts kept in this process: each worker process counts on its own."""

    def __init__(
        self,
        *,
        attempts: int,
        window_seconds: int,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ) -> None:
        self.attempts = attempts
        self.window_seconds = window_seconds
        self._clock = clock
        self._max_keys = max_keys
        self._windows: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> None:
        now = self._clock()
        with self._lock:
            started, count = self._windows.get(key, (now, 0))
            if now - started >= self.window_seconds:
                started, count = now, 0
            if count >= self.attempts:
                retry_after = math.ceil(started + self.window_seconds - now)
                raise RateLimitExceededError(key, max(retry_after, 1))
            if key not in self._windows and len(self._windows) >= self._max_keys:
                self._forget_expired(now)
            self._windows[key] = (started, count + 1)

    @property
    def tracked_keys(self) -> int:
        with self._lock:
            return len(self._windows)

    def _forget_expired(self, now: float) -> None:
        expired = [
            key
            for key, (started, _) in self._windows.items()
            if now - started >= self.window_seconds
        ]
        for key in expired:
            del self._windows[key]
