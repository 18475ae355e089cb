"""A bounded HTTP load run against a service on loopback, with latency percentiles.

The run sends a fixed number of requests with a fixed concurrency and a per-request
timeout, so it always stops by itself. It only ever targets 127.0.0.1 or localhost.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx2

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass
class LoadResult:
    requests: int
    concurrency: int
    seconds: float
    latencies_ms: list[float] = field(repr=False)
    errors: int
    statuses: dict[int, int]

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
        return ordered[index]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "concurrency": self.concurrency,
            "seconds": round(self.seconds, 3),
            "throughput_rps": round(self.throughput, 1),
            "p50_ms": round(self.percentile(50), 2),
            "p95_ms": round(self.percentile(95), 2),
            "p99_ms": round(self.percentile(99), 2),
            "mean_ms": round(statistics.fmean(self.latencies_ms), 2) if self.latencies_ms else None,
            "errors": self.errors,
            "statuses": self.statuses,
        }


def require_loopback(url: str) -> None:
    host = urlsplit(url).hostname
    if host not in LOOPBACK:
        msg = f"load runs only target this machine (127.0.0.1), not {host!r}"
        raise ValueError(msg)


async def run_load(
    url: str,
    *,
    requests: int,
    concurrency: int,
    method: str = "GET",
    headers: Mapping[str, str] | None = None,
    json: Any = None,
    expect: frozenset[int] = frozenset({200}),
    timeout: float = 10.0,
    warmup: int = 20,
) -> LoadResult:
    """Send ``requests`` requests, ``concurrency`` at a time; count any other status as an error."""
    require_loopback(url)
    limits = httpx2.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx2.AsyncClient(timeout=timeout, limits=limits) as client:
        for _ in range(warmup):
            await client.request(method, url, headers=headers, json=json)
        queue: asyncio.Queue[int] = asyncio.Queue()
        for number in range(requests):
            queue.put_nowait(number)
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        errors = 0

        async def worker() -> None:
            nonlocal errors
            while True:
                try:
                    queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                started = time.perf_counter()
                try:
                    response = await client.request(method, url, headers=headers, json=json)
                except httpx2.HTTPError:
                    errors += 1
                    continue
                latencies.append((time.perf_counter() - started) * 1000)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                if response.status_code not in expect:
                    errors += 1

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - began
    return LoadResult(requests, concurrency, seconds, latencies, errors, statuses)
