"""A bounded HTTP load run against a service on loopback, with latency percentiles.

Two generators give the same result:

- ``run_wrk``: wrk (Debian's ``wrk`` package) for a fixed duration at a fixed number of
  connections. Written in C, it leaves the machine's cores to the service under test, so it is
  the one the full benchmarks use when it is installed.
- ``run_load``: a Python asyncio client (httpx) that sends a fixed number of requests at a
  fixed concurrency. It needs nothing outside the template's own tools; on this machine its
  own CPU use adds to the latency it measures.

Both use a per-request timeout, so a run always stops by itself, and both only ever target
127.0.0.1 or localhost.
"""

from __future__ import annotations

import asyncio
import json as jsonlib
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
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
    generator: str = "python"

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
            "generator": self.generator,
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


# wrk calls response() for each reply in each thread's own Lua state; done() runs after the
# run and reads every thread's counts. It prints each status and each recorded latency (in
# microseconds, with its count), so that percentiles are computed as for the Python client.
WRK_SCRIPT = """
wrk.method = os.getenv("KEEL_LOAD_METHOD")
wrk.body = os.getenv("KEEL_LOAD_BODY")
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    for code, count in pairs(thread:get("statuses")) do
      io.write(string.format("status %d %d\\n", code, count))
    end
  end
  for i = 1, #latency do
    local value, count = latency(i)
    io.write(string.format("latency %d %d\\n", value, count))
  end
  local e = summary.errors
  io.write(string.format("socket_errors %d\\n", e.connect + e.read + e.write + e.timeout))
  io.write(string.format("duration %d\\n", summary.duration))
end
"""


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(
    url: str,
    *,
    seconds: float,
    concurrency: int,
    method: str = "GET",
    headers: Mapping[str, str] | None = None,
    json: Any = None,
    expect: frozenset[int] = frozenset({200}),
    timeout: float = 10.0,
    warmup_seconds: float = 1.0,
) -> LoadResult:
    """Load ``url`` with wrk for ``seconds`` over ``concurrency`` connections.

    A short warm-up run comes first and is not counted. Any status outside ``expect`` and
    any socket error or timeout counts as an error.
    """
    require_loopback(url)
    wrk = shutil.which("wrk")
    if wrk is None:
        msg = "wrk is not installed (Debian: apt-get install wrk)"
        raise RuntimeError(msg)
    all_headers = dict(headers or {})
    body = ""
    if json is not None:
        body = jsonlib.dumps(json)
        all_headers.setdefault("Content-Type", "application/json")
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "keel.lua"
        script.write_text(WRK_SCRIPT, encoding="utf-8")

        def wrk_run(duration: float) -> str:
            command = [
                wrk,
                "--threads=1",  # one thread drives every connection; the cores serve
                f"--connections={concurrency}",
                f"--duration={max(1, round(duration))}s",
                f"--timeout={max(1, round(timeout))}s",
                f"--script={script}",
            ]
            for name, value in all_headers.items():
                command.append(f"--header={name}: {value}")
            result = subprocess.run(
                [*command, url],
                env={**os.environ, "KEEL_LOAD_METHOD": method, "KEEL_LOAD_BODY": body},
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                msg = f"wrk failed ({result.returncode}):\n{result.stdout}{result.stderr}"
                raise RuntimeError(msg)
            return result.stdout

        if warmup_seconds > 0:
            wrk_run(warmup_seconds)
        output = wrk_run(seconds)
    return parse_wrk(output, concurrency, expect)


WRK_LINES = frozenset({"status", "latency", "socket_errors", "duration"})


def parse_wrk(output: str, concurrency: int, expect: frozenset[int]) -> LoadResult:
    statuses: dict[int, int] = {}
    latencies: list[float] = []
    socket_errors = 0
    duration_us = 0
    for line in output.splitlines():
        kind, _, rest = line.partition(" ")
        values = [int(value) for value in rest.split()] if kind in WRK_LINES else []
        if kind == "status":
            statuses[values[0]] = statuses.get(values[0], 0) + values[1]
        elif kind == "latency":
            latencies.extend([values[0] / 1000] * values[1])
        elif kind == "socket_errors":
            socket_errors = values[0]
        elif kind == "duration":
            duration_us = values[0]
    requests = sum(statuses.values())
    wrong = sum(count for code, count in statuses.items() if code not in expect)
    return LoadResult(
        requests=requests,
        concurrency=concurrency,
        seconds=duration_us / 1_000_000,
        latencies_ms=latencies,
        errors=wrong + socket_errors,
        statuses=dict(sorted(statuses.items())),
        generator="wrk",
    )


GENERATORS = ("auto", "wrk", "python")


def pick_generator(choice: str = "auto") -> str:
    """``wrk`` when asked for or, for ``auto``, when installed; else the Python client."""
    if choice == "auto":
        return "wrk" if wrk_available() else "python"
    if choice not in GENERATORS:
        msg = f"unknown load generator {choice!r}: use one of {', '.join(GENERATORS)}"
        raise ValueError(msg)
    return choice


def bounded_run(
    url: str,
    *,
    generator: str,
    concurrency: int,
    requests: int,
    seconds: float,
    **options: Any,
) -> LoadResult:
    """One bounded run: ``seconds`` of wrk, or ``requests`` requests from the Python client.

    ``options`` are those both generators take: method, headers, json, expect and timeout.
    """
    if pick_generator(generator) == "wrk":
        return run_wrk(url, seconds=seconds, concurrency=concurrency, **options)
    return asyncio.run(run_load(url, requests=requests, concurrency=concurrency, **options))
