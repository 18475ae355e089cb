"""Measure how fast Keel renders, against copier's own start-up as the floor.

    uv run python scripts/bench.py                       # every sample, 5 runs each
    uv run python scripts/bench.py --runs 9 --samples default minimal

Each figure is the median wall time of ``--runs`` runs of the copier command line, as a
user would type it. Results go to the terminal and to build/bench/render.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.common import BUILD_DIR, ROOT, SAMPLES_DIR, sample_names, tool

# Budgets in seconds; a sample without one is reported without a verdict.
BUDGETS = {"default": 2.0}


def timed(argv: list[str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        msg = f"{' '.join(argv)} failed:\n{result.stdout}{result.stderr}"
        raise RuntimeError(msg)
    return seconds


def median_of(runs: int, argv_for_run: list[list[str]]) -> tuple[float, list[float]]:
    times = [timed(argv) for argv in argv_for_run[:runs]]
    return statistics.median(times), times


def machine() -> dict[str, str | int | None]:
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--samples", nargs="*", default=None, help="default: every sample")
    parser.add_argument("--out", type=Path, default=BUILD_DIR / "bench" / "render.json")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    names = args.samples or sample_names()
    copier = tool("copier")
    console = Console()

    results: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as scratch, Progress(console=console) as progress:
        task = progress.add_task("copier --version", total=len(names) + 1)
        floor, floor_runs = median_of(args.runs, [[copier, "--version"]] * args.runs)
        results.append(
            {"name": "copier --version (floor)", "median_s": floor, "runs_s": floor_runs}
        )
        progress.advance(task)
        for name in names:
            progress.update(task, description=f"copier copy {name}")
            commands = [
                [
                    copier,
                    "copy",
                    "--quiet",
                    "--defaults",
                    "--overwrite",
                    "--vcs-ref",
                    "HEAD",
                    "--data-file",
                    str(SAMPLES_DIR / f"{name}.yml"),
                    str(ROOT),
                    str(Path(scratch, f"{name}-{run}")),
                ]
                for run in range(args.runs)
            ]
            median, runs = median_of(args.runs, commands)
            results.append(
                {
                    "name": f"copier copy {name}",
                    "median_s": median,
                    "runs_s": runs,
                    "over_floor_s": median - floor,
                    "budget_s": BUDGETS.get(name),
                }
            )
            progress.advance(task)

    table = Table(title=f"Render times, median of {args.runs} run(s)")
    for column in ("what", "median s", "over floor s", "budget s", "verdict"):
        table.add_column(column)
    failed = False
    for row in results:
        budget = row.get("budget_s")
        median = float(str(row["median_s"]))
        verdict = ""
        if isinstance(budget, float):
            within = median <= budget
            failed = failed or not within
            verdict = "[green]within[/]" if within else "[red]over[/]"
        over = row.get("over_floor_s")
        table.add_row(
            str(row["name"]),
            f"{median:.2f}",
            f"{float(str(over)):.2f}" if over is not None else "",
            f"{budget:.1f}" if isinstance(budget, float) else "",
            verdict,
        )
    console.print(table)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    report = {"machine": machine(), "runs": args.runs, "results": results}
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    console.print(f"written to {args.out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
