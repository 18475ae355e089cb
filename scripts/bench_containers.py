"""Measure the image's command as the runtime stage runs it, reproduced on this machine.

    uv run python scripts/bench_containers.py                      # the containers sample
    uv run python scripts/bench_containers.py --runs 5 --requests 3000 --concurrency 20

No Docker engine runs here, so the runtime stage is reproduced as the deep check does: a
copy of the render, ``uv sync --no-dev --no-editable --locked`` (what the builder stage
runs), then the Dockerfile's ENTRYPOINT + CMD with its ENV, on loopback. Figures: the size
of the runtime virtual environment (all the runtime stage copies from the builder), the
sync time with a warm uv cache, the time from exec to the first 200 from ``/health``
(cold start, what scale-from-zero waits for), the time from SIGTERM to exit, and a bounded
load run on ``/health`` with the image's default single worker (``scripts/load.py``).
Results go to the terminal and to build/bench/containers.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts import container_checks
from scripts.common import BUILD_DIR, load_sample, render, snapshot_template
from scripts.load import run_load
from scripts.service import sync

# Budgets in seconds.
BUDGETS = {"start_to_healthy_s": 5.0, "sigterm_to_exit_s": 5.0}
LOAD_FIGURES = ("requests", "concurrency", "throughput_rps", "p50_ms", "p95_ms", "p99_ms", "errors")


def folder_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def one_start(copy: Path, image: container_checks.ImageCommand) -> tuple[float, float]:
    """Seconds from exec to the first 200 from /health, and from SIGTERM to exit."""
    started = time.perf_counter()
    with container_checks.image_command_running(copy, image) as running:
        healthy = time.perf_counter() - started
        running.process.send_signal(signal.SIGTERM)
        stopping = time.perf_counter()
        running.process.wait(timeout=container_checks.STOP_TIMEOUT)
        stopped = time.perf_counter() - stopping
    return healthy, stopped


def measure(project: Path, runs: int, requests: int, concurrency: int) -> dict[str, Any]:
    image = container_checks.image_command(project)
    with tempfile.TemporaryDirectory(prefix="keel-bench-containers.") as scratch:
        copy = container_checks.copy_render(project, Path(scratch) / "project")
        container_checks.sync_runtime(copy)  # fills uv's cache; the timed sync reuses it
        container_checks.remove_venv(copy)
        began = time.perf_counter()
        container_checks.sync_runtime(copy)
        sync_seconds = time.perf_counter() - began
        venv_bytes = folder_size(copy / ".venv")
        starts = [one_start(copy, image) for _ in range(runs)]
        with container_checks.image_command_running(copy, image) as running:
            load = asyncio.run(
                run_load(f"{running.base}/health", requests=requests, concurrency=concurrency)
            )
    healthy = [start for start, _ in starts]
    stopped = [stop for _, stop in starts]
    return {
        "runtime_venv_mb": round(venv_bytes / 1_000_000, 1),
        "sync_no_dev_warm_s": round(sync_seconds, 2),
        "start_to_healthy_s": round(statistics.median(healthy), 3),
        "start_to_healthy_runs_s": [round(value, 3) for value in healthy],
        "sigterm_to_exit_s": round(statistics.median(stopped), 3),
        "sigterm_to_exit_runs_s": [round(value, 3) for value in stopped],
        "health_load": load.summary(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", default="containers")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--out", type=Path, default=BUILD_DIR / "bench" / "containers.json")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.requests < 1 or args.concurrency < 1:
        parser.error("--runs, --requests and --concurrency must be at least 1")
    console = Console()
    with tempfile.TemporaryDirectory(prefix="keel-bench.") as scratch:
        template = snapshot_template(Path(scratch) / "template")
        project = render(load_sample(args.sample), Path(scratch) / args.sample, src=template)
        with console.status(f"uv sync in {args.sample}"):
            sync(project)  # creates uv.lock, which the image installs
        with console.status("measuring the image command"):
            figures = measure(project, args.runs, args.requests, args.concurrency)
    table = Table(title=f"Image command of the {args.sample} sample, run on the host")
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_column("budget", justify="right")
    over = []
    for name, value in figures.items():
        if isinstance(value, (list, dict)):
            continue
        budget = BUDGETS.get(name)
        shown = "" if budget is None else f"{budget}"
        if budget is not None and value > budget:
            over.append(name)
            shown = f"[red]{budget}[/]"
        table.add_row(name, str(value), shown)
    load = figures["health_load"]
    for key in LOAD_FIGURES:
        table.add_row(f"/health load: {key}", str(load[key]), "")
    console.print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    report = {"sample": args.sample, "machine": platform.platform(), **figures}
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    console.print(f"written to {args.out}")
    if load["errors"]:
        console.print(f"[red]{load['errors']} request(s) failed[/]")
        return 1
    if over:
        console.print(f"[red]over budget: {', '.join(over)}[/]")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
