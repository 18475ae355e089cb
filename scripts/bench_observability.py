"""Request latency of a service with the observability module on versus off.

    uv run python scripts/bench_observability.py
    uv run python scripts/bench_observability.py --requests 5000 --concurrency 32 --runs 5

Renders the ``observability`` sample twice, with the module off and on, and runs each as in
production (``<slug> serve`` with two uvicorn workers, ``scripts/service.py``) at
``LOG_LEVEL=info``, so both write a line per request. With the module on, spans of every
request are exported over OTLP/HTTP to a receiver this script runs on loopback, and metrics
use prometheus-client's multiprocess mode. The same endpoint is loaded with
``scripts/load.py``; runs alternate off and on so that a busy machine slows both alike.
The figure is the median over runs of each percentile; the target is at most 1.3 times the
latency with the module off. Results go to the terminal and build/bench/observability.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.bench import machine
from scripts.common import BUILD_DIR, ROOT, load_sample, render
from scripts.load import GENERATORS, bounded_run, pick_generator
from scripts.service import running_service, sync

TARGET_RATIO = 1.3
FIGURES = ("p50_ms", "p95_ms", "mean_ms")


class SpanSink(BaseHTTPRequestHandler):
    """An OTLP/HTTP receiver that accepts every export and counts them."""

    exports = 0

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        type(self).exports += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """Keep the terminal for the results."""


@contextmanager
def span_sink() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), SpanSink)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def one_run(
    project: Path,
    env: dict[str, str],
    url_path: str,
    log: Path,
    *,
    requests: int,
    seconds: float,
    concurrency: int,
    generator: str,
    workers: int,
    ready_timeout: float,
) -> dict[str, Any]:
    with running_service(
        project, workers=workers, env=env, output=log, ready_timeout=ready_timeout
    ) as base:
        result = bounded_run(
            f"{base}{url_path}",
            generator=generator,
            requests=requests,
            seconds=seconds,
            concurrency=concurrency,
        )
    if result.errors:
        msg = f"{result.errors} failed requests against {project.name}: {result.statuses}"
        raise RuntimeError(msg)
    return result.summary()


def median_summary(runs: list[dict[str, Any]]) -> dict[str, float]:
    keys = (*FIGURES, "p99_ms", "throughput_rps")
    return {key: round(statistics.median(run[key] for run in runs), 2) for key in keys}


def compare(
    scratch: Path,
    *,
    path: str = "/health",
    requests: int = 2000,
    seconds: float = 10.0,
    concurrency: int = 16,
    generator: str = "auto",
    workers: int = 2,
    runs: int = 3,
    ready_timeout: float = 180.0,
    src: Path = ROOT,
    progress: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Load ``path`` of the ``observability`` sample with the module off and on, ``runs`` times.

    Returns each run's summary, the medians, the on/off ratios and the OTLP exports received.
    """
    with span_sink() as collector:
        answers = load_sample("observability")
        projects = {
            "off": render({**answers, "observability": "disabled"}, scratch / "off", src=src),
            "on": render(answers, scratch / "on", src=src),
        }
        for name, project in projects.items():
            progress(f"uv sync ({name})")
            sync(project)
        multiproc = scratch / "prometheus"
        envs = {
            "off": {"LOG_LEVEL": "info"},
            "on": {
                "LOG_LEVEL": "info",
                "OTEL_TRACES_EXPORTER": "otlp",
                "OTEL_EXPORTER_OTLP_ENDPOINT": collector,
                "OTEL_BSP_SCHEDULE_DELAY": "1000",
                # Trace the loaded endpoint too (probes are excluded by default).
                "OTEL_PYTHON_FASTAPI_EXCLUDED_URLS": "/docs$",
                "PROMETHEUS_MULTIPROC_DIR": str(multiproc),
            },
        }
        found: dict[str, list[dict[str, Any]]] = {"off": [], "on": []}
        exports_before = SpanSink.exports
        for number in range(runs):
            for name in ("off", "on"):
                multiproc.mkdir(exist_ok=True)
                for stale in multiproc.iterdir():
                    stale.unlink()
                progress(f"run {number + 1}/{runs}: module {name}, {path}")
                log = scratch / f"{name}-{number}.log"
                summary = one_run(
                    projects[name],
                    envs[name],
                    path,
                    log,
                    requests=requests,
                    seconds=seconds,
                    concurrency=concurrency,
                    generator=generator,
                    workers=workers,
                    ready_timeout=ready_timeout,
                )
                found[name].append(summary)
        lines_on = sum(1 for _ in (scratch / "on-0.log").open(encoding="utf-8"))
    medians = {name: median_summary(summaries) for name, summaries in found.items()}
    ratios = {key: round(medians["on"][key] / medians["off"][key], 3) for key in FIGURES}
    return {
        "path": path,
        "generator": pick_generator(generator),
        "requests": requests,
        "concurrency": concurrency,
        "workers": workers,
        "runs": found,
        "median": medians,
        "ratio_on_off": ratios,
        "target_ratio": TARGET_RATIO,
        "within_target": ratios["p50_ms"] <= TARGET_RATIO and ratios["mean_ms"] <= TARGET_RATIO,
        "otlp_exports": SpanSink.exports - exports_before,
        "log_lines_on": lines_on,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", default="/health", help="endpoint to load (both renders)")
    parser.add_argument("--requests", type=int, default=2000, help="per run, Python client")
    parser.add_argument("--seconds", type=float, default=10.0, help="per run, wrk")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--generator", choices=GENERATORS, default="auto", help="wrk or python")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3, help="alternating off/on pairs")
    parser.add_argument("--ready-timeout", type=float, default=180.0, help="seconds to start")
    parser.add_argument("--out", type=Path, default=BUILD_DIR / "bench" / "observability.json")
    args = parser.parse_args(argv)
    if min(args.requests, args.concurrency, args.workers, args.runs) < 1:
        parser.error("--requests, --concurrency, --workers and --runs must be at least 1")
    console = Console()

    with tempfile.TemporaryDirectory() as scratch_name:
        result = compare(
            Path(scratch_name),
            path=args.path,
            requests=args.requests,
            seconds=args.seconds,
            concurrency=args.concurrency,
            generator=args.generator,
            workers=args.workers,
            runs=args.runs,
            ready_timeout=args.ready_timeout,
            progress=console.print,
        )
    medians, ratios, within = result["median"], result["ratio_on_off"], result["within_target"]

    table = Table(title=f"GET {args.path}: median of {args.runs} run(s), {result['generator']}")
    for column in ("module", *FIGURES, "p99_ms", "throughput_rps"):
        table.add_column(column, justify="right")
    for name in ("off", "on"):
        table.add_row(
            name,
            *(f"{medians[name][key]:.2f}" for key in (*FIGURES, "p99_ms")),
            f"{medians[name]['throughput_rps']:.0f}",
        )
    table.add_row("on / off", *(f"{ratios[key]:.2f}x" for key in FIGURES), "", "")
    console.print(table)
    verdict = "[green]within[/]" if within else "[red]over[/]"
    console.print(
        f"target: p50 and mean at most {TARGET_RATIO}x: {verdict}; "
        f"{result['otlp_exports']} OTLP exports received; "
        f"{result['log_lines_on']} log lines in the first 'on' run"
    )

    args.out.parent.mkdir(parents=True, exist_ok=True)
    report = {"machine": machine(), **result}
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    console.print(f"written to {args.out}")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
