"""The load generator only targets this machine, counts errors, and reports percentiles."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from scripts.common import load_sample, render
from scripts.load import (
    LoadResult,
    bounded_run,
    parse_wrk,
    pick_generator,
    require_loopback,
    run_load,
    wrk_available,
)
from scripts.service import running_service, sync


@pytest.mark.parametrize(
    "url", ["http://10.0.0.5/health", "https://example.com/", "http://192.168.1.2:80/"]
)
def test_only_loopback_is_ever_targeted(url: str) -> None:
    with pytest.raises(ValueError, match="only target this machine"):
        require_loopback(url)


def test_percentiles() -> None:
    result = LoadResult(100, 10, 2.0, [float(n) for n in range(1, 101)], 0, {200: 100})

    assert (result.percentile(50), result.percentile(95), result.percentile(99)) == (50, 95, 99)
    assert result.throughput == 50
    assert result.summary()["p95_ms"] == 95


def test_wrk_output_gives_the_same_result_as_the_python_client() -> None:
    output = "\n".join(
        [
            "Running 2s test @ http://127.0.0.1:8000/health",  # wrk's own lines are ignored
            "status 200 3",
            "status 404 1",
            "latency 1000 2",  # microseconds, count
            "latency 3000 2",
            "socket_errors 1",
            "duration 2000000",
        ]
    )

    result = parse_wrk(output, concurrency=4, expect=frozenset({200}))

    assert (result.requests, result.seconds, result.statuses) == (4, 2.0, {200: 3, 404: 1})
    assert result.errors == 2  # the 404 and the socket error
    assert (result.percentile(50), result.percentile(95)) == (1.0, 3.0)
    assert result.summary()["generator"] == "wrk"


def test_the_generator_is_wrk_only_when_installed_or_asked_for() -> None:
    assert pick_generator("python") == "python"
    assert pick_generator("wrk") == "wrk"
    assert pick_generator("auto") == ("wrk" if wrk_available() else "python")
    with pytest.raises(ValueError, match="unknown load generator 'ab'"):
        pick_generator("ab")


@pytest.mark.deep
def test_a_bounded_run_against_a_real_service(tmp_path: Path, template_snapshot: Path) -> None:
    project = render(load_sample("minimal"), tmp_path / "p", src=template_snapshot, vcs_ref=None)
    sync(project)

    with running_service(project, workers=1) as base:
        ok = asyncio.run(run_load(f"{base}/health", requests=200, concurrency=8, warmup=2))
        missing = asyncio.run(run_load(f"{base}/nowhere", requests=20, concurrency=4, warmup=0))

    assert (ok.errors, ok.statuses, len(ok.latencies_ms)) == (0, {200: 200}, 200)
    assert missing.errors == 20
    assert missing.statuses == {404: 20}


@pytest.mark.deep
def test_a_wrk_run_against_a_real_service(tmp_path: Path, template_snapshot: Path) -> None:
    if not wrk_available():
        reason = "wrk is not installed: apt-get install wrk (.ci/run installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    project = render(load_sample("minimal"), tmp_path / "p", src=template_snapshot, vcs_ref=None)
    sync(project)

    with running_service(project, workers=1) as base:
        ok, missing = (
            bounded_run(f"{base}{path}", generator="wrk", concurrency=4, requests=0, seconds=1)
            for path in ("/health", "/nowhere")
        )

    assert ok.requests > 100
    assert (ok.errors, ok.statuses) == (0, {200: ok.requests})
    assert len(ok.latencies_ms) >= ok.requests
    assert 0 < ok.percentile(50) <= ok.percentile(95) <= ok.percentile(99)
    assert missing.requests > 0
    assert (missing.errors, missing.statuses) == (missing.requests, {404: missing.requests})
