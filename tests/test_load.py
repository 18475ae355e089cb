"""The load generator only targets this machine, counts errors, and reports percentiles."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from scripts.common import load_sample, render
from scripts.load import LoadResult, require_loopback, run_load
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
