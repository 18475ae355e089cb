"""Keel's benchmarks: render, update, time-to-green and the generated service under load.

    uv run python scripts/bench.py                 # the full run; writes docs/benchmarks.md
    uv run python scripts/bench.py --tiny          # every section at a tiny size (CI)
    uv run python scripts/bench.py --sections render update

Sections (render, update and observability take medians of ``--runs`` runs; the others
run once):

- render: ``copier --version`` as the floor, then ``copier copy`` of minimal, default and
  the all-modules sample, as a user types it.
- update: ``copier update`` adding a module to a project a user has edited.
- green: from a finished render of the all-modules sample to its full test suite passing on
  this machine's services (``uv sync`` with a warm cache, then the tests), and its static
  analysis (lint and type check).
- load: the all-modules service started as in production (uvicorn with workers, spans
  exported over OTLP to a receiver on loopback) against this machine's PostgreSQL and Redis,
  under a bounded load from ``scripts/load.py`` on loopback (wrk when installed, else the
  Python client; ``--generator`` chooses): ``GET /health``, ``GET /items/{id}``, an
  authenticated ``GET /users/me``, enqueueing a task, and ``GET /items/{id}`` again with a
  burst of four times the concurrency (more requests than a worker has threads). Then the
  floor for reading one item: FastAPI and SQLAlchemy alone, with no middleware, reading the
  same row with a sync session (as Keel does) and with an async one. Last, a bare FastAPI
  app serving ``/health`` the same way, for the overhead ratio of Keel's middleware stack.
- observability: the same traced endpoint of the ``observability`` sample with the module off
  and on (logs, metrics in multiprocess mode, spans exported over OTLP to a loopback
  receiver), runs alternating, at 16 concurrent and at one request at a time; see
  ``scripts/bench_observability.py``.
- queue: enqueue-to-start p95 of small Celery tasks on one real worker.

Results go to the terminal, to ``--out`` (``docs/benchmarks.md`` and ``.json`` for a full
run, ``build/bench/`` for ``--tiny``), with the machine's details and each figure next to
its budget. The exit code is 1 when a section fails to run; a figure over its budget is
reported, not hidden, and does not change the exit code unless ``--strict`` is given.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import copier
import yaml
from rich.console import Console
from rich.table import Table

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.common import (
    BUILD_DIR,
    ROOT,
    SAMPLES_DIR,
    load_sample,
    project_env,
    render,
    snapshot_template,
    tool,
    uv_bin,
)
from scripts.load import GENERATORS, pick_generator

DOCS_OUT = ROOT / "docs" / "benchmarks"
TINY_OUT = BUILD_DIR / "bench" / "benchmarks"
ALL_MODULES = "full-postgres-redis"
SECTIONS = ("render", "update", "green", "load", "observability", "queue")


def machine() -> dict[str, str | int | None]:
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
        "copier": copier.__version__ if hasattr(copier, "__version__") else None,
    }


@dataclass
class Figure:
    section: str
    what: str
    value: float
    unit: str
    budget: float | None = None
    budget_text: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def within(self) -> bool | None:
        return None if self.budget is None else self.value <= self.budget

    def row(self) -> dict[str, Any]:
        return {**asdict(self), "within": self.within}


def timed(argv: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    result = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        msg = f"{' '.join(argv)} failed:\n{result.stdout}{result.stderr}"
        raise RuntimeError(msg)
    return seconds


def median_of(measure: Callable[[int], float], runs: int) -> tuple[float, list[float]]:
    times = [measure(run) for run in range(runs)]
    return statistics.median(times), times


@contextmanager
def service_environment(project: Path) -> Iterator[dict[str, str]]:
    """The environment the project's CI test job gives its tests, pointed at this machine.

    Service containers map to this machine's servers on loopback, and each database the
    job's containers would create is created here under a unique name and dropped after.
    """
    from scripts.run_workflows import fresh_databases, map_services, point_urls_at

    workflow = yaml.safe_load((project / ".github" / "workflows" / "ci.yml").read_text("utf-8"))
    job = workflow["jobs"]["test"]
    services = job.get("services") or {}
    with fresh_databases(services) as renamed:
        env = {
            **project_env(),
            **{key: str(value) for key, value in (job.get("env") or {}).items()},
        }
        yield point_urls_at(map_services(env, services), renamed)


# -- render ---------------------------------------------------------------------------------


def copy_command(template: Path, sample: str, destination: Path) -> list[str]:
    return [
        tool("copier"),
        "copy",
        "--quiet",
        "--defaults",
        "--overwrite",
        "--data-file",
        str(SAMPLES_DIR / f"{sample}.yml"),
        str(template),
        str(destination),
    ]


def bench_render(template: Path, scratch: Path, runs: int) -> list[Figure]:
    def startup(_run: int) -> float:
        return timed([tool("copier"), "--version"])

    floor, floor_runs = median_of(startup, runs)
    figures = [
        Figure("render", "copier --version (the floor)", floor, "s", details={"runs": floor_runs})
    ]
    for sample in ("minimal", "default", ALL_MODULES):

        def copy(run: int, sample: str = sample) -> float:
            return timed(copy_command(template, sample, scratch / "render" / f"{sample}-{run}"))

        median, times = median_of(copy, runs)
        all_modules = sample == ALL_MODULES
        figures.append(
            Figure(
                "render",
                f"copier copy {sample}" + (" (all modules)" if all_modules else ""),
                median,
                "s",
                budget=floor + 1.0 if all_modules else None,
                budget_text="within 1 s of the floor" if all_modules else "",
                details={"runs": times, "over_floor_s": round(median - floor, 3)},
            )
        )
    return figures


# -- update ---------------------------------------------------------------------------------


def bench_update(template: Path, scratch: Path, runs: int) -> list[Figure]:
    from scripts.user_edits import commit_all, make_user_edits

    answers = load_sample("default")
    module = ("observability", "enabled")

    def one(run: int) -> float:
        project = render(
            {**answers, module[0]: "disabled"},
            scratch / "update" / f"project-{run}",
            src=template,
            vcs_ref=None,
        )
        subprocess.run(["git", "init", "-q", "-b", "main"], cwd=project, check=True)
        commit_all(project, "start from Keel")
        make_user_edits(project, str(answers_package(project)))
        commit_all(project, "our edits")
        started = time.perf_counter()
        copier.run_update(
            str(project),
            data={module[0]: module[1]},
            defaults=True,
            overwrite=True,
            quiet=True,
            unsafe=True,
        )
        return time.perf_counter() - started

    median, times = median_of(one, runs)
    return [
        Figure(
            "update",
            f"copier update -d {module[0]}={module[1]} on an edited project",
            median,
            "s",
            details={"runs": times},
        )
    ]


def answers_package(project: Path) -> str:
    return next(path.name for path in (project / "src").iterdir() if path.is_dir())


# -- time to green ----------------------------------------------------------------------------


def bench_green(template: Path, scratch: Path, tiny: bool) -> list[Figure]:
    warm = render(load_sample(ALL_MODULES), scratch / "green" / "warm", src=template, vcs_ref=None)
    timed([uv_bin(), "sync"], cwd=warm, env=project_env())  # fills uv's cache
    project = render(
        load_sample(ALL_MODULES), scratch / "green" / "project", src=template, vcs_ref=None
    )
    with service_environment(project) as env:
        sync_s = timed([uv_bin(), "sync"], cwd=project, env=env)
        lint_s = timed([uv_bin(), "run", "--no-sync", "poe", "lint"], cwd=project, env=env)
        types_s = timed([uv_bin(), "run", "--no-sync", "poe", "typecheck"], cwd=project, env=env)
        suite = ["poe", "test-quick"] if tiny else ["poe", "test"]
        test_s = timed([uv_bin(), "run", "--no-sync", *suite], cwd=project, env=env)
    return [
        Figure(
            "green",
            "time to green: uv sync (warm cache) + " + " ".join(suite),
            sync_s + test_s,
            "s",
            budget=None,
            details={"uv_sync_s": round(sync_s, 2), "tests_s": round(test_s, 2)},
        ),
        Figure("green", f"test suite ({' '.join(suite)})", test_s, "s", 600.0, "< 10 min"),
        Figure(
            "green",
            "static analysis (poe lint + poe typecheck)",
            lint_s + types_s,
            "s",
            120.0,
            "< 2 min",
        ),
    ]


# -- load -------------------------------------------------------------------------------------


BARE_APP = '''"""A bare FastAPI app: the baseline for Keel's middleware overhead."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}
'''

DATABASE_FLOOR_APP = '''"""FastAPI and SQLAlchemy alone, no middleware: the floor for one item read.

``/sync/items/{id}`` reads as Keel's endpoint does: a sync endpoint and a session per
request from an engine with pool pre-ping. ``/async/items/{id}`` reads with an async engine
instead. Both read Keel's own ``items`` table.
"""

import os
from collections.abc import AsyncIterator, Iterator
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException
from pydantic import BaseModel, ConfigDict
from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

URL = os.environ["DATABASE_URL"]
sessions = sessionmaker(create_engine(URL, pool_pre_ping=True))
async_sessions = async_sessionmaker(create_async_engine(URL, pool_pre_ping=True))


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


class ItemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str


def session() -> Iterator[Session]:
    with sessions() as opened:
        yield opened


async def async_session() -> AsyncIterator[AsyncSession]:
    async with async_sessions() as opened:
        yield opened


app = FastAPI()


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/sync/items/{item_id}")
def read_sync(item_id: int, db: Annotated[Session, Depends(session)]) -> ItemRead:
    item = db.get(Item, item_id)
    if item is None:
        raise HTTPException(404)
    return ItemRead.model_validate(item)


@app.get("/async/items/{item_id}")
async def read_async(item_id: int, db: Annotated[AsyncSession, Depends(async_session)]) -> ItemRead:
    item = await db.get(Item, item_id)
    if item is None:
        raise HTTPException(404)
    return ItemRead.model_validate(item)
'''


@contextmanager
def plain_app_service(
    project: Path, workers: int, source: str, env: dict[str, str] | None = None
) -> Iterator[str]:
    """Serve ``source`` (a module with ``app``) with the project's uvicorn and workers."""
    from scripts.service import free_port, stop_group, wait_for_health

    folder = project / "build" / "plain"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "plain_app.py").write_text(source, encoding="utf-8")
    port = free_port()
    process = subprocess.Popen(
        [
            str(project / ".venv" / "bin" / "uvicorn"),
            "plain_app:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=folder,
        env={**project_env(), **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_health(base, process, 60)
        yield base
    finally:
        stop_group(process)


def load_figure(what: str, summary: dict[str, Any], budget: float | None, text: str) -> Figure:
    return Figure("load", what, float(summary["p95_ms"]), "ms p95", budget, text, details=summary)


def bench_load(
    template: Path, scratch: Path, tiny: bool, workers: int, generator: str
) -> list[Figure]:
    """Keel's all-modules service, a bare FastAPI app and the database floor, under one load.

    The service runs as in production: uvicorn workers, tracing on with spans exported over
    OTLP to a receiver on loopback (as to a collector), on this machine's PostgreSQL and Redis.
    """
    import httpx2

    from scripts.bench_observability import span_sink
    from scripts.load import bounded_run, pick_generator
    from scripts.service import running_service, sync

    generator = pick_generator(generator)
    sizes = {
        "concurrency": 10 if tiny else 50,
        "requests": 200 if tiny else 3000,
        "seconds": 2 if tiny else 10,
    }

    def load(url: str, **options: Any) -> dict[str, Any]:
        return bounded_run(url, generator=generator, **{**sizes, **options}).summary()

    burst = 4 * sizes["concurrency"]  # more requests than a worker has threads (40)
    burst_run = f"GET /items/{{id}}, a burst of {burst} concurrent"
    budgets: dict[str, tuple[float | None, str]] = {
        "GET /items/{id}": (50.0, "< 50 ms (database query)"),
        burst_run: (None, "no errors"),  # the burst shows the service neither stalls nor fails
    }

    project = render(
        load_sample(ALL_MODULES), scratch / "load" / ALL_MODULES, src=template, vcs_ref=None
    )
    sync(project)
    figures: list[Figure] = []
    with service_environment(project) as env, span_sink() as collector:
        subprocess.run(
            [uv_bin(), "run", "--no-sync", "poe", "db-upgrade"],
            cwd=project,
            env=env,
            check=True,
            capture_output=True,
        )
        service_env = {
            **env,
            "JWT_SECRET": secrets.token_urlsafe(48),
            "OTEL_EXPORTER_OTLP_ENDPOINT": collector,
        }
        log = scratch / "load" / "service.log"
        with running_service(
            project, workers=workers, env=service_env, ready_timeout=240, output=log
        ) as base:
            headers = login(base)
            item = httpx2.post(
                f"{base}/items", json={"name": "Benchmark lamp"}, headers=headers, timeout=10
            )
            item.raise_for_status()
            item_path = f"/items/{item.json()['id']}"
            runs: dict[str, dict[str, Any]] = {
                "GET /health": dict(url=f"{base}/health"),
                "GET /items/{id}": dict(url=f"{base}{item_path}"),
                "GET /users/me (authenticated)": dict(url=f"{base}/users/me", headers=headers),
                "POST /tasks/summaries (enqueue)": dict(
                    url=f"{base}/tasks/summaries",
                    method="POST",
                    json={"text": "a small text to summarise"},
                    expect=frozenset({202}),
                ),
                burst_run: dict(url=f"{base}{item_path}", concurrency=burst),
            }
            results = {name: load(**spec) for name, spec in runs.items()}
        with plain_app_service(
            project, workers, DATABASE_FLOOR_APP, {"DATABASE_URL": env["DATABASE_URL"]}
        ) as floor_base:
            floors = {kind: load(f"{floor_base}/{kind}{item_path}") for kind in ("sync", "async")}
    for name, summary in results.items():
        budget, text = budgets.get(name, (200.0, "< 200 ms"))
        figures.append(load_figure(f"Keel {name}", summary, budget, text))
    for kind, summary in floors.items():
        what = f"floor: FastAPI + SQLAlchemy alone, GET /items/{{id}}, {kind} session"
        figures.append(load_figure(what, summary, None, "none: the machine's floor"))
    with plain_app_service(project, workers, BARE_APP) as base:
        bare = load(f"{base}/health")
    figures.append(load_figure("bare FastAPI GET /health", bare, None, ""))
    keel = results["GET /health"]
    ratio = float(keel["p50_ms"]) / max(float(bare["p50_ms"]), 0.001)
    figures.append(
        Figure(
            "load",
            "Keel / bare FastAPI, GET /health p50 latency",
            ratio,
            "x",
            1.3,
            "at most 1.3x",
            details={"keel_p50_ms": keel["p50_ms"], "bare_p50_ms": bare["p50_ms"]},
        )
    )
    return figures


def bench_observability(
    template: Path, scratch: Path, tiny: bool, runs: int, generator: str
) -> list[Figure]:
    """Module on / off at a load that keeps both workers busy, and one request at a time.

    Under the busy load, latency mostly measures how many requests a worker serves per
    second. One request at a time, it is the time a single request takes.
    """
    from scripts.bench_observability import compare

    requests, busy, seconds = (200, 8, 2) if tiny else (3000, 16, 10)
    target = "at most 1.3x"
    figures: list[Figure] = []
    for concurrency in (busy, 1):
        result = compare(
            scratch / "observability" / str(concurrency),
            requests=requests,
            seconds=seconds,
            concurrency=concurrency,
            generator=generator,
            runs=runs,
            src=template,
            progress=lambda _line: None,
        )
        if not result["otlp_exports"]:
            msg = "the module-on runs exported no spans: the comparison measured nothing"
            raise RuntimeError(msg)
        what = f"GET {result['path']} (traced), module on / off, {concurrency} concurrent"
        details = {"median": result["median"], "otlp_exports": result["otlp_exports"]}
        ratios = result["ratio_on_off"]
        figures += [
            Figure("observability", f"{what}, {name}", ratios[key], "x", 1.3, target, details)
            for name, key in (("p50", "p50_ms"), ("mean", "mean_ms"))
        ]
        figures.append(
            Figure("observability", f"{what}, p95", ratios["p95_ms"], "x", None, "", details)
        )
    return figures


def login(base: str) -> dict[str, str]:
    import httpx2

    email = f"bench-{secrets.token_hex(4)}@example.com"
    password = secrets.token_urlsafe(18)
    httpx2.post(
        f"{base}/auth/register", json={"email": email, "password": password}, timeout=30
    ).raise_for_status()
    token = httpx2.post(
        f"{base}/auth/token", data={"username": email, "password": password}, timeout=30
    )
    token.raise_for_status()
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


# -- queue ------------------------------------------------------------------------------------


def bench_queue(template: Path, scratch: Path, tiny: bool) -> list[Figure]:
    from scripts.bench_queue import measure
    from scripts.service import sync

    project = render(
        load_sample("queue-redis"), scratch / "queue" / "queue-redis", src=template, vcs_ref=None
    )
    sync(project)
    tasks = 50 if tiny else 500
    measured = measure(project, tasks=tasks, warmup=5 if tiny else 20)
    queue_ms = sorted(float(value) for value in measured["queue_ms"])
    p95_s = queue_ms[min(len(queue_ms) - 1, max(0, round(0.95 * len(queue_ms)) - 1))] / 1000
    return [
        Figure(
            "queue",
            f"Celery enqueue-to-start p95, {tasks} small tasks, one worker (Redis)",
            p95_s,
            "s",
            5.0,
            "< 5 s",
            details={key: value for key, value in measured.items() if key != "queue_ms"},
        )
    ]


# -- report -----------------------------------------------------------------------------------


def verdict(figure: Figure) -> str:
    if figure.within is None:
        return ""
    return "within" if figure.within else "OVER"


def markdown(report: dict[str, Any], figures: list[Figure]) -> str:
    info = report["machine"]
    lines = [
        "# Benchmarks",
        "",
        "Written by `uv run python scripts/bench.py` (see its docstring for what each section",
        "measures). Render and update figures are medians of "
        f"{report['runs']} run(s), and the observability ratios compare medians of "
        f"{report['runs']} run(s); time to green, the queue and each load figure are one run. "
        "The load runs are bounded",
        "(wrk: a fixed duration; the Python client: a fixed number of requests; both at a",
        f"fixed concurrency) and only target 127.0.0.1. Load generator: {report['generator']}.",
        "",
        f"- Measured: {report['measured_at']}",
        f"- Machine: {info['platform']}, {info['cpus']} CPUs, Python {info['python']}",
        "- Services: PostgreSQL, Redis and RabbitMQ on loopback, as in the deep checks",
        "",
        "| Section | What | Value | Budget | Verdict |",
        "| --- | --- | --- | --- | --- |",
    ]
    for figure in figures:
        cells = [
            figure.section,
            figure.what,
            f"{figure.value:.2f} {figure.unit}",
            figure.budget_text,
            verdict(figure),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    errors = [
        f"- {figure.what}: {figure.details.get('errors')} errors"
        for figure in figures
        if figure.details.get("errors")
    ]
    lines += [
        "",
        "## Errors",
        "",
        *(errors or ["None: every request of every load run succeeded."]),
    ]
    if report.get("failed_sections"):
        lines += ["", "## Sections that did not run", ""]
        lines += [f"- {name}: {why}" for name, why in report["failed_sections"].items()]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tiny", action="store_true", help="every section at a tiny size")
    parser.add_argument("--sections", nargs="*", choices=SECTIONS, default=list(SECTIONS))
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers for load runs")
    parser.add_argument(
        "--generator",
        choices=GENERATORS,
        default="auto",
        help="load generator: wrk (when installed, for auto) or the Python client",
    )
    parser.add_argument("--out", type=Path, default=None, help="report path without suffix")
    parser.add_argument("--strict", action="store_true", help="exit 1 when over a budget")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    runs = 1 if args.tiny else args.runs
    out: Path = args.out or (TINY_OUT if args.tiny else DOCS_OUT)
    console = Console()
    figures: list[Figure] = []
    failed: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="keel-bench-") as folder:
        scratch = Path(folder)
        template = snapshot_template(scratch / "template")
        section_runs: dict[str, Callable[[], list[Figure]]] = {
            "render": lambda: bench_render(template, scratch, runs),
            "update": lambda: bench_update(template, scratch, runs),
            "green": lambda: bench_green(template, scratch, args.tiny),
            "load": lambda: bench_load(template, scratch, args.tiny, args.workers, args.generator),
            "observability": lambda: bench_observability(
                template, scratch, args.tiny, runs, args.generator
            ),
            "queue": lambda: bench_queue(template, scratch, args.tiny),
        }
        for name in args.sections:
            started = time.perf_counter()
            with console.status(f"benchmark section: {name}"):
                try:
                    figures += section_runs[name]()
                except Exception as exc:  # report every section, then fail
                    failed[name] = f"{type(exc).__name__}: {exc}"
            state = "[red]failed[/]" if name in failed else "[green]done[/]"
            console.print(f"{name}: {state} in {time.perf_counter() - started:.1f} s")
        shutil.rmtree(scratch / "template", ignore_errors=True)

    table = Table(title="Keel benchmarks")
    for column in ("section", "what", "value", "budget", "verdict"):
        table.add_column(column)
    for figure in figures:
        colour = {"within": "green", "OVER": "red"}.get(verdict(figure), "white")
        table.add_row(
            figure.section,
            figure.what,
            f"{figure.value:.2f} {figure.unit}",
            figure.budget_text,
            f"[{colour}]{verdict(figure)}[/]",
        )
    console.print(table)
    report = {
        "machine": machine(),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "runs": runs,
        "tiny": args.tiny,
        "generator": pick_generator(args.generator),
        "figures": [figure.row() for figure in figures],
        "failed_sections": failed,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    out.with_suffix(".md").write_text(markdown(report, figures), encoding="utf-8")
    console.print(f"written to {out.with_suffix('.md')} and {out.with_suffix('.json')}")
    for name, why in failed.items():
        console.print(f"[red]{name} failed[/]: {why}")
    over = [figure for figure in figures if figure.within is False]
    return 1 if failed or (args.strict and over) else 0


if __name__ == "__main__":
    sys.exit(main())
