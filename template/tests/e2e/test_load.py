"""The load-test script runs against a real server and reports no failures."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.server import Server

LOCUSTFILE = Path(__file__).parents[2] / "loadtests" / "locustfile.py"

pytestmark = pytest.mark.slow


def environment_without_coverage() -> dict[str, str]:
    """Locust runs on gevent, which coverage's tracer would slow to a crawl; it measures
    nothing of this project anyway, so it runs unmeasured."""
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("COVERAGE_", "COV_CORE_"))
    }


def test_a_short_load_run_has_no_failures(shared_server: Server, tmp_path: Path) -> None:
    result = subprocess.run(  # noqa: S603 - a fixed argument list, this environment's locust
        [
            sys.executable,
            "-m",
            "locust",
            "--locustfile",
            str(LOCUSTFILE),
            "--headless",
            "--host",
            shared_server.url,
            "--users",
            "4",
            "--spawn-rate",
            "4",
            "--run-time",
            "5s",
            "--stop-timeout",
            "30",
            "--json-file",
            str(tmp_path / "load"),
            "--exit-code-on-error",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=environment_without_coverage(),
    )

    assert result.returncode == 0, result.stdout + result.stderr
    stats = json.loads((tmp_path / "load.json").read_text(encoding="utf-8"))
    requests = sum(entry["num_requests"] for entry in stats)
    failures = sum(entry["num_failures"] for entry in stats)
    assert requests > 0
    assert failures == 0
