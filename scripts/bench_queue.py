"""Measure queue time (enqueue to start) of small tasks on one real Celery worker.

    uv run python scripts/bench_queue.py                           # queue-redis, 500 tasks
    uv run python scripts/bench_queue.py --sample queue-rabbitmq --tasks 500

The sample is rendered into build/bench/<sample> and synced; a worker (``celery worker``,
one process) runs on the real broker (Redis 127.0.0.1:6379, RabbitMQ 127.0.0.1:5672) with
a queue and Redis key prefix of its own. After a short warm-up every task is enqueued at
once, as fast as the client can send them, and each task's queue time is its worker's
``task-started`` event time minus the moment the client sent it. Results go to the
terminal and to build/bench/queue-<sample>.json; the exit code is 1 when p95 is over budget.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console
from rich.table import Table

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.bench import machine
from scripts.common import BUILD_DIR, load_sample, project_env, render
from scripts.load import LoadResult
from scripts.service import stop_group, sync

BUDGET_P95_S = 5.0
REDIS_URL = "redis://127.0.0.1:6379/0"
AMQP_URL = "amqp://guest:guest@127.0.0.1:5672//"  # pragma: allowlist secret

# Runs inside the rendered project's environment: enqueue, then collect task-started events.
DRIVER = r"""
import json, sys, threading, time, uuid
from importlib import import_module

package, count, warmup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
settings = import_module(f"{package}.settings").load_settings()
celery_app = import_module(f"{package}.tasks.celery_app")
jobs = import_module(f"{package}.tasks.jobs")
queue = celery_app.create_celery(settings)
task = queue.tasks[jobs.SUMMARIZE_TEXT]

deadline = time.monotonic() + 60
while not queue.control.ping(timeout=1.0):
    if time.monotonic() > deadline:
        sys.exit("the worker did not answer a ping within 60 s")
for result in [task.apply_async(kwargs={"text": "warm up"}) for _ in range(warmup)]:
    result.get(timeout=60)

sent, started = {}, {}
listening, finished = threading.Event(), threading.Event()

def on_started(event):
    if event["uuid"] in sent:
        started[event["uuid"]] = event["timestamp"]
        if len(started) == count:
            finished.set()

def listen():
    with queue.connection_for_read() as connection:
        receiver = queue.events.Receiver(connection, handlers={"task-started": on_started})
        for _ in receiver.consume(limit=None, timeout=None, safety_interval=0.2):
            listening.set()
            if finished.is_set():
                return

listener = threading.Thread(target=listen, daemon=True)
listener.start()
if not listening.wait(30):
    sys.exit("the event receiver did not start within 30 s")

began = time.time()
for number in range(count):
    task_id = str(uuid.uuid4())
    sent[task_id] = time.time()
    task.apply_async(kwargs={"text": f"task {number} of a small benchmark"}, task_id=task_id)
enqueued = time.time() - began
if not finished.wait(max(120, count)):
    sys.exit(f"only {len(started)} of {count} tasks started in time")
queue_ms = [(started[task_id] - sent[task_id]) * 1000 for task_id in sent]
all_started = max(started.values()) - began
print(json.dumps({"queue_ms": queue_ms, "enqueue_s": enqueued, "all_started_s": all_started}))
"""

CLEANUP = r"""
import sys
from kombu import Connection, Exchange, Queue
from redis import Redis

redis_url, broker_url, name, prefix = sys.argv[1:5]
redis = Redis.from_url(redis_url)
keys = list(redis.scan_iter(match=f"{prefix}*"))
if keys:
    redis.delete(*keys)
if broker_url.startswith("amqp"):
    with Connection(broker_url) as connection:
        channel = connection.default_channel
        Queue(name, channel=channel).delete()
        Exchange(name, channel=channel).delete()
"""


def measure(project: Path, tasks: int, warmup: int) -> dict[str, Any]:
    answers = load_answers(project)
    package = str(answers["package_name"])
    broker = AMQP_URL if answers.get("queue_broker") == "rabbitmq" else REDIS_URL
    run = f"bench-{uuid.uuid4().hex[:12]}"
    env = {
        **project_env(),
        "TASK_BROKER_URL": broker,
        "TASK_RESULT_URL": REDIS_URL,
        "TASK_STATE_URL": REDIS_URL,
        "TASK_QUEUE_NAME": run,
        "TASK_KEY_PREFIX": f"{run}:",
        "TASK_RESULT_EXPIRES": "600",
    }
    python = str(project / ".venv" / "bin" / "python")
    worker = subprocess.Popen(
        [
            str(project / ".venv" / "bin" / "celery"),
            "-A",
            f"{package}.tasks.worker",
            "worker",
            "--concurrency=1",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        result = subprocess.run(
            [python, "-c", DRIVER, package, str(tasks), str(warmup)],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    finally:
        stop_group(worker, timeout=30)
        subprocess.run(
            [python, "-c", CLEANUP, REDIS_URL, broker, run, f"{run}:"],
            cwd=project,
            env=env,
            capture_output=True,
            check=False,
        )
    if result.returncode != 0:
        worker_output = worker.stdout.read() if worker.stdout else ""
        msg = f"the benchmark failed:\n{result.stdout}{result.stderr}\nworker:\n{worker_output}"
        raise RuntimeError(msg)
    measured: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return measured


def load_answers(project: Path) -> dict[str, Any]:
    answers: dict[str, Any] = yaml.safe_load(
        (project / ".copier-answers.yml").read_text(encoding="utf-8")
    )
    return answers


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", default="queue-redis")
    parser.add_argument("--tasks", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.tasks < 1:
        parser.error("--tasks must be at least 1")
    if load_sample(args.sample).get("task_queue", "disabled") == "disabled":
        parser.error(f"sample {args.sample!r} has no task queue")
    console = Console()
    project = BUILD_DIR / "bench" / args.sample
    if project.exists():
        shutil.rmtree(project)
    with console.status(f"rendering and syncing {args.sample}"):
        render(load_sample(args.sample), project)
        sync(project)
    with console.status(f"{args.tasks} tasks through one worker"):
        measured = measure(project, args.tasks, args.warmup)

    latencies = LoadResult(
        requests=args.tasks,
        concurrency=1,
        seconds=measured["all_started_s"],
        latencies_ms=measured["queue_ms"],
        errors=0,
        statuses={},
    )
    p95_s = latencies.percentile(95) / 1000
    within = p95_s <= BUDGET_P95_S
    verdict = "[green]within[/]" if within else "[red]over[/]"
    table = Table(title=f"Queue time (enqueue to start), {args.tasks} tasks, one worker")
    columns = ("sample", "p50 ms", "p95 ms", "p99 ms", "max ms", "tasks/s")
    for column in (*columns, f"p95 within {BUDGET_P95_S:.0f} s"):
        table.add_column(column)
    table.add_row(
        args.sample,
        f"{latencies.percentile(50):.1f}",
        f"{latencies.percentile(95):.1f}",
        f"{latencies.percentile(99):.1f}",
        f"{max(measured['queue_ms']):.1f}",
        f"{latencies.throughput:.0f}",
        verdict,
    )
    console.print(table)

    out = args.out or BUILD_DIR / "bench" / f"queue-{args.sample}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "machine": machine(),
        "sample": args.sample,
        "tasks": args.tasks,
        "p50_ms": round(latencies.percentile(50), 2),
        "p95_ms": round(latencies.percentile(95), 2),
        "p99_ms": round(latencies.percentile(99), 2),
        "mean_ms": round(statistics.fmean(measured["queue_ms"]), 2),
        "max_ms": round(max(measured["queue_ms"]), 2),
        "enqueue_s": round(measured["enqueue_s"], 3),
        "all_started_s": round(measured["all_started_s"], 3),
        "budget_p95_s": BUDGET_P95_S,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    console.print(f"written to {out}")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
