"""Measure authenticated requests of the auth module on PostgreSQL, on this machine.

    uv run python scripts/bench_auth.py                      # 2000 x GET /users/me, 50 at a time
    uv run python scripts/bench_auth.py --requests 5000 --concurrency 100 --logins 20

Renders the ``auth-postgres`` sample, migrates a uniquely named database on the local
PostgreSQL (dropped afterwards), runs the service as in production (``ENVIRONMENT=production``,
uvicorn workers, default Argon2id cost), registers one account and measures:

- ``GET /users/me`` with a bearer token under load: token check plus one user lookup;
- ``POST /auth/token`` one at a time: dominated by one Argon2id verification.

Results go to the terminal and to build/bench/auth.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import httpx2
from rich.console import Console
from rich.table import Table

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.bench import machine
from scripts.bench_database import fresh_database, migrate
from scripts.common import BUILD_DIR, load_sample, render
from scripts.load import run_load
from scripts.service import running_service, sync

SAMPLE = "auth-postgres"
EMAIL = "bench@example.com"


def login_latencies(base: str, password: str, count: int) -> list[float]:
    latencies = []
    with httpx2.Client(timeout=30) as client:
        for _ in range(count):
            started = time.perf_counter()
            response = client.post(
                f"{base}/auth/token", data={"username": EMAIL, "password": password}
            )
            latencies.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
    return latencies


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--logins", type=int, default=10)
    parser.add_argument("--project", type=Path, default=BUILD_DIR / "bench" / SAMPLE)
    parser.add_argument("--out", type=Path, default=BUILD_DIR / "bench" / "auth.json")
    args = parser.parse_args(argv)
    if min(args.requests, args.concurrency, args.workers, args.logins) < 1:
        parser.error("--requests, --concurrency, --workers and --logins must be at least 1")
    console = Console()

    with console.status(f"rendering and syncing {SAMPLE}"):
        project = render(load_sample(SAMPLE), args.project)
        sync(project)
    password = secrets.token_urlsafe(18)
    with fresh_database() as url:
        migrate(project, url)
        env = {
            "DATABASE_URL": url,
            "JWT_SECRET": secrets.token_urlsafe(48),
            # The login measurement logs in more often than a person would.
            "AUTH_RATE_LIMIT_ATTEMPTS": str(args.logins + 10),
        }
        with (
            console.status("starting the service"),
            running_service(project, workers=args.workers, env=env) as base,
        ):
            registered = httpx2.post(
                f"{base}/auth/register", json={"email": EMAIL, "password": password}, timeout=30
            )
            registered.raise_for_status()
            console.print(f"measuring {args.logins} logins, one at a time")
            logins = login_latencies(base, password, args.logins)
            token = httpx2.post(
                f"{base}/auth/token", data={"username": EMAIL, "password": password}, timeout=30
            ).json()["access_token"]
            console.print(f"measuring GET /users/me: {args.requests} requests")
            me = asyncio.run(
                run_load(
                    f"{base}/users/me",
                    requests=args.requests,
                    concurrency=args.concurrency,
                    headers={"Authorization": f"Bearer {token}"},
                )
            )

    summary = {
        "sample": SAMPLE,
        "workers": args.workers,
        "machine": machine(),
        "users_me": me.summary(),
        "login": {
            "count": len(logins),
            "median_ms": round(statistics.median(logins), 1),
            "max_ms": round(max(logins), 1),
        },
    }
    table = Table(title=f"auth on PostgreSQL, {args.workers} workers")
    for column in ("measure", "requests", "concurrency", "rps", "p50 ms", "p95 ms", "p99 ms"):
        table.add_column(column)
    table.add_row(
        "GET /users/me",
        str(me.requests),
        str(me.concurrency),
        f"{me.throughput:.0f}",
        f"{me.percentile(50):.1f}",
        f"{me.percentile(95):.1f}",
        f"{me.percentile(99):.1f}",
    )
    table.add_row(
        "POST /auth/token",
        str(len(logins)),
        "1",
        "",
        f"{statistics.median(logins):.1f}",
        "",
        f"max {max(logins):.1f}",
    )
    console.print(table)
    if me.errors:
        console.print(f"[red]{me.errors} requests failed: {me.statuses}[/red]")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    console.print(f"written to {args.out}")
    return 1 if me.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
