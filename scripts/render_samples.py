"""Render samples (all, or the named ones) into build/samples/<name>/ with copier's API.

    uv run python scripts/render_samples.py                 # every sample
    uv run python scripts/render_samples.py minimal default
    uv run python scripts/render_samples.py --check         # render, then check each

The template's working tree is rendered, uncommitted changes included, from a committed
snapshot in build/template-snapshot (so the renders record a real commit and can be updated).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.check_sample import check_project, report_table
from scripts.common import BUILD_DIR, load_sample, render, sample_names, snapshot_template


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("samples", nargs="*", help="sample names (default: all)")
    parser.add_argument("--out", type=Path, default=BUILD_DIR / "samples")
    parser.add_argument("--check", action="store_true", help="run check_sample on each render")
    args = parser.parse_args(argv)
    names = args.samples or sample_names()
    template = snapshot_template(BUILD_DIR / "template-snapshot")

    console = Console()
    table = Table(title="Rendered samples")
    for column in ("sample", "result", "seconds", "files", "where"):
        table.add_column(column)
    errors: list[str] = []
    reports = []
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("rendering", total=len(names))
        for name in names:
            progress.update(task, description=f"rendering {name}")
            dst = args.out / name
            started = time.perf_counter()
            try:
                answers = load_sample(name)
                if dst.exists():
                    shutil.rmtree(dst)
                render(answers, dst, src=template, vcs_ref=None)
            except Exception:  # report every sample, then fail
                errors.append(f"--- {name} ---\n{traceback.format_exc()}")
                table.add_row(name, "[red]failed[/]", f"{time.perf_counter() - started:.2f}")
                progress.advance(task)
                continue
            seconds = time.perf_counter() - started
            files = sum(1 for path in dst.rglob("*") if path.is_file())
            table.add_row(name, "[green]rendered[/]", f"{seconds:.2f}", str(files), str(dst))
            if args.check:
                progress.update(task, description=f"checking {name}")
                reports.append(check_project(dst))
            progress.advance(task)

    console.print(table)
    for report in reports:
        console.print(report_table(report))
    failures = [report.describe_failures() for report in reports if not report.ok]
    for text in [*errors, *failures]:
        console.print(text, markup=False, highlight=False)
    return 1 if errors or failures else 0


if __name__ == "__main__":
    sys.exit(main())
