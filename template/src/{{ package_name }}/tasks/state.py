"""Small, shared task state: idempotency keys, the event ledger and the beat heartbeat.

Redis in production (``TASK_STATE_URL=redis://...``); ``memory://`` keeps it in this process,
which is only right for tests and a single eager process.
"""

import threading
import time
from collections.abc import Callable
from typing import Protocol, cast

from redis import Redis


class StateStore(Protocol):
    """The few key-value operations tasks need; every key is prefixed by the store."""

    def get(self, key: str) -> str | None: ...

    def claim(self, key: str, value: str, ttl: float) -> bool:
        """Set ``key`` only if it is absent; True when this call set it."""
        ...

    def put(self, key: str, value: str, ttl: float | None = None) -> None: ...

    def delete(self, key: str) -> None: ...

    def append(self, key: str, value: str) -> int:
        """Append to the list at ``key``; returns the new length."""
        ...

    def items(self, key: str) -> list[str]: ...

    def close(self) -> None: ...


class RedisStateStore:
    def __init__(self, url: str, prefix: str, timeout: float = 5.0) -> None:
        self.prefix = prefix
        self.client: Redis = Redis.from_url(
            url,
            decode_responses=True,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
        )

    def get(self, key: str) -> str | None:
        return cast("str | None", self.client.get(self.prefix + key))

    def claim(self, key: str, value: str, ttl: float) -> bool:
        return bool(self.client.set(self.prefix + key, value, nx=True, px=round(ttl * 1000)))

    def put(self, key: str, value: str, ttl: float | None = None) -> None:
        px = None if ttl is None else round(ttl * 1000)
        self.client.set(self.prefix + key, value, px=px)

    def delete(self, key: str) -> None:
        self.client.delete(self.prefix + key)

    def append(self, key: str, value: str) -> int:
        return self.client.rpush(self.prefix + key, value)

    def items(self, key: str) -> list[str]:
        return cast("list[str]", self.client.lrange(self.prefix + key, 0, -1))

    def close(self) -> None:
        self.client.close()


class MemoryStateStore:
    """The same operations on a dictionary guarded by a lock, with expiry."""

    def __init__(self, prefix: str = "", clock: Callable[[], float] = time.monotonic) -> None:
        self.prefix = prefix
        self._clock = clock
        self._lock = threading.Lock()
        self._values: dict[str, tuple[str, float | None]] = {}
        self._lists: dict[str, list[str]] = {}

    def _live(self, key: str) -> str | None:
        found = self._values.get(self.prefix + key)
        if found is None:
            return None
        value, expires = found
        if expires is not None and expires <= self._clock():
            del self._values[self.prefix + key]
            return None
        return value

    def get(self, key: str) -> str | None:
        with self._lock:
            return self._live(key)

    def claim(self, key: str, value: str, ttl: float) -> bool:
        with self._lock:
            if self._live(key) is not None:
                return False
            self._values[self.prefix + key] = (value, self._clock() + ttl)
            return True

    def put(self, key: str, value: str, ttl: float | None = None) -> None:
        with self._lock:
            expires = None if ttl is None else self._clock() + ttl
            self._values[self.prefix + key] = (value, expires)

    def delete(self, key: str) -> None:
        with self._lock:
            self._values.pop(self.prefix + key, None)

    def append(self, key: str, value: str) -> int:
        with self._lock:
            items = self._lists.setdefault(self.prefix + key, [])
            items.append(value)
            return len(items)

    def items(self, key: str) -> list[str]:
        with self._lock:
            return list(self._lists.get(self.prefix + key, []))

    def close(self) -> None:
        """Nothing to release."""


def open_state_store(url: str, prefix: str) -> StateStore:
    if url.startswith("memory://"):
        return MemoryStateStore(prefix)
    return RedisStateStore(url, prefix)
