"""Measure ``GET /items/{id}`` on PostgreSQL: p95 latency at 50 concurrent requests.

    uv run python scripts/bench_database.py                      # renders db-postgres
    uv run python scripts/bench_database.py --seconds 20 --workers 2 --generator wrk
    uv run python scripts/bench_database.py --project build/samples/db-postgres

The db-postgres sample is rendered from the working tree (unless ``--project`` names a
rendered project) and synced. A uniquely named database is created on this machine's
PostgreSQL (127.0.0.1:5432, user postgres), migrated with the project's own task, and
dropped at the end. The service runs as in production (``<slug> serve`` with uvicorn
workers, ``ENVIRONMENT=production``) and the load comes from ``scripts/load.py`` on
loopback: wrk for ``--seconds`` when it is installed, else the Python client for
``--requests``. Results go to the terminal and to build/bench/database.json; the exit code is 1
when p95 is over the budget or any request failed.
"""

from __future__ import annotations

import argparse
import json
import secrets
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx2
from rich.console import Console
from rich.table import Table

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.bench import machine
from scripts.common import BUILD_DIR, load_sample, project_env, render, snapshot_template
from scripts.load import GENERATORS, bounded_run, pick_generator
from scripts.run_workflows import psql
from scripts.service import running_service, sync

SAMPLE = "db-postgres"
BUDGET_MS = 50.0
SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"


@contextmanager
def fresh_database() -> Iterator[str]:
    """A new, uniquely named database on the local PostgreSQL; dropped afterwards."""
    name = f"keel_bench_{secrets.token_hex(4)}"
    subprocess.run(psql(f"CREATE DATABASE {name}"), check=True, capture_output=True, text=True)
    try:
        yield f"{SERVER}/{name}"
    finally:
        subprocess.run(psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"), check=False)


def migrate(project: Path, database_url: str) -> None:
    result = subprocess.run(
        [str(project / ".venv" / "bin" / "poe"), "db-upgrade"],
        cwd=project,
        env={**project_env(), "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        msg = f"db-upgrade failed:\n{result.stdout}{result.stderr}"
        raise RuntimeError(msg)


def rendered_sample() -> Path:
    template = snapshot_template(BUILD_DIR / "template-snapshot")
    return render(load_sample(SAMPLE), BUILD_DIR / "bench" / SAMPLE, src=template, vcs_ref=None)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, help=f"a rendered project (default: {SAMPLE})")
    parser.add_argument("--requests", type=int, default=3000, help="with the Python client")
    parser.add_argument("--seconds", type=float, default=10.0, help="with wrk")
    parser.add_argument("--generator", choices=GENERATORS, default="auto", help="wrk or python")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--out", type=Path, default=BUILD_DIR / "bench" / "database.json")
    args = parser.parse_args(argv)
    if args.requests < 1 or args.concurrency < 1 or args.workers < 1:
        parser.error("--requests, --concurrency and --workers must be at least 1")
    console = Console()

    with console.status("preparing the project") as status:
        project = (args.project or rendered_sample()).resolve()
        status.update(f"uv sync in {project}")
        sync(project)
    with fresh_database() as database_url:
        migrate(project, database_url)
        env = {"DATABASE_URL": database_url}
        with running_service(project, workers=args.workers, env=env) as base:
            created = httpx2.post(f"{base}/items", json={"name": "Benchmark lamp"}, timeout=10)
            created.raise_for_status()
            url = f"{base}/items/{created.json()['id']}"
            generator = pick_generator(args.generator)
            with console.status(f"GET /items/{{id}}: {generator}, {args.concurrency} at a time"):
                result = bounded_run(
                    url,
                    generator=generator,
                    requests=args.requests,
                    seconds=args.seconds,
                    concurrency=args.concurrency,
                )

    summary = result.summary()
    within = summary["p95_ms"] <= BUDGET_MS and result.errors == 0
    table = Table(title=f"GET /items/{{id}} on PostgreSQL, {args.workers} worker(s)")
    for column in ("requests", "concurrency", "rps", "p50 ms", "p95 ms", "p99 ms", "errors"):
        table.add_column(column, justify="right")
    table.add_row(
        str(summary["requests"]),
        str(summary["concurrency"]),
        str(summary["throughput_rps"]),
        str(summary["p50_ms"]),
        str(summary["p95_ms"]),
        str(summary["p99_ms"]),
        str(summary["errors"]),
    )
    console.print(table)
    verdict = "[green]within[/]" if within else "[red]over[/]"
    console.print(f"p95 {summary['p95_ms']} ms, budget {BUDGET_MS} ms: {verdict}")

    args.out.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "machine": machine(),
        "endpoint": "GET /items/{id}",
        "engine": "postgresql",
        "workers": args.workers,
        "budget_p95_ms": BUDGET_MS,
        "result": summary,
    }
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    console.print(f"written to {args.out}")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
