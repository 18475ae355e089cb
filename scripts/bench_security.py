"""Measure how long a project's `poe security` takes, per tier and per scanner.

    uv run python scripts/bench_security.py                      # default and security-strict
    uv run python scripts/bench_security.py --runs 5 --samples security-strict

Each sample is rendered into build/bench/security/<sample>, synced once, and scanned
``--runs`` times with the project's own `scripts/security.py` (pip-audit against the
project's loopback advisory stand-in, as in the deep checks). Figures are medians of wall
time; per-scanner times come from the scan's `build/security/summary.json`. Results go to
the terminal and to build/bench/security.json. There are no budgets: the figures are for
comparison between changes on the same machine.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.bench import machine
from scripts.check_sample import advisory_stand_in
from scripts.common import BUILD_DIR, load_sample, project_env, render, uv_bin

DEFAULT_SAMPLES = ("default", "security-strict")


def tier_of(project: Path) -> str:
    answers = (project / ".copier-answers.yml").read_text(encoding="utf-8")
    for line in answers.splitlines():
        if line.startswith("security_scanning:"):
            return line.split(":", 1)[1].strip()
    msg = f"{project} has no security scanning"
    raise ValueError(msg)


def prepare(sample: str, folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    project = render(load_sample(sample), folder)
    sync = subprocess.run(
        [uv_bin(), "sync"], cwd=project, env=project_env(), capture_output=True, text=True
    )
    if sync.returncode != 0:
        msg = f"uv sync failed in {project}:\n{sync.stderr}"
        raise RuntimeError(msg)
    return project


def scan_once(project: Path, tier: str, env: dict[str, str]) -> tuple[float, dict[str, float]]:
    started = time.perf_counter()
    result = subprocess.run(
        [uv_bin(), "run", "--no-sync", "python", "scripts/security.py", "--tier", tier],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        msg = f"the scan of {project} did not pass:\n{result.stdout}{result.stderr}"
        raise RuntimeError(msg)
    summary = json.loads((project / "build" / "security" / "summary.json").read_text())
    return seconds, {row["tool"]: row["seconds"] for row in summary["scanners"]}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--samples", nargs="*", default=list(DEFAULT_SAMPLES))
    parser.add_argument("--out", type=Path, default=BUILD_DIR / "bench" / "security.json")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    console = Console()
    results: list[dict[str, object]] = []
    for sample in args.samples:
        with console.status(f"rendering and syncing {sample}"):
            project = prepare(sample, BUILD_DIR / "bench" / "security" / sample)
        tier = tier_of(project)
        with advisory_stand_in(project) as advisories:
            env = {**project_env(), **advisories}
            runs = []
            for run in range(args.runs):
                with console.status(f"{sample}: scan {run + 1} of {args.runs}"):
                    runs.append(scan_once(project, tier, env))
        totals = [total for total, _ in runs]
        scanners = {
            tool: statistics.median(per_tool[tool] for _, per_tool in runs) for tool in runs[0][1]
        }
        results.append(
            {
                "sample": sample,
                "tier": tier,
                "median_s": statistics.median(totals),
                "runs_s": totals,
                "scanners_median_s": scanners,
            }
        )

    table = Table(title=f"`poe security` wall time, median of {args.runs} run(s)")
    for column in ("sample", "tier", "total s", "per scanner s"):
        table.add_column(column)
    for row in results:
        per_tool = row["scanners_median_s"]
        assert isinstance(per_tool, dict)
        table.add_row(
            str(row["sample"]),
            str(row["tier"]),
            f"{float(str(row['median_s'])):.1f}",
            ", ".join(f"{tool} {seconds:.1f}" for tool, seconds in per_tool.items()),
        )
    console.print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    report = {"machine": machine(), "runs": args.runs, "results": results}
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    console.print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
