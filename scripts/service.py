"""Start a rendered project's service as in production, on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx2
import yaml

from scripts.common import project_env, uv_bin


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def sync(project: Path) -> None:
    """``uv sync`` the project (with its dev tools), failing with uv's output."""
    result = subprocess.run(
        [uv_bin(), "sync"],
        cwd=project,
        env=project_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        msg = f"uv sync failed in {project}:\n{result.stdout}{result.stderr}"
        raise RuntimeError(msg)


def project_script(project: Path) -> str:
    """The console script the project installs (named after its slug)."""
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    script = project.resolve() / ".venv" / "bin" / str(answers["project_slug"])
    if not script.exists():
        msg = f"{script} is missing: run uv sync in {project} first"
        raise FileNotFoundError(msg)
    return str(script)


def read_output(process: subprocess.Popen[str], output: Path | None) -> str:
    if output is not None:
        return output.read_text(encoding="utf-8")
    return process.stdout.read() if process.stdout else ""


def wait_for_health(
    base: str,
    process: subprocess.Popen[Any],
    timeout: float,
    *,
    printed: Callable[[], str] = str,
) -> None:
    """Return once ``base``/health answers 200; fail if the process exits or time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            msg = f"the service exited with {process.returncode}:\n{printed()}"
            raise RuntimeError(msg)
        try:
            if httpx2.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx2.HTTPError:
            pass
        if time.monotonic() > deadline:
            msg = f"the service did not answer /health within {timeout}s"
            raise TimeoutError(msg)
        time.sleep(0.2)


def stop_group(process: subprocess.Popen[Any], timeout: float = 15) -> None:
    """SIGTERM the process group, then SIGKILL it if it has not exited within ``timeout``."""
    if process.poll() is None:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()


@contextmanager
def running_service(
    project: Path,
    *,
    workers: int = 2,
    env: Mapping[str, str] | None = None,
    ready_timeout: float = 60.0,
    output: Path | None = None,
) -> Iterator[str]:
    """Run ``<slug> serve`` (uvicorn with workers) and yield its base URL once /health answers.

    The service's output is kept in memory for error messages, or written to ``output``
    (for services that log every request: a pipe nobody reads would block them).
    """
    port = free_port()
    service_env = {
        **project_env(),
        "ENVIRONMENT": "production",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WORKERS": str(workers),
        "LOG_LEVEL": "warning",
        **(env or {}),
    }
    sink = output.open("w", encoding="utf-8") if output is not None else subprocess.PIPE
    process = subprocess.Popen(
        [project_script(project), "serve"],
        cwd=project,
        env=service_env,
        stdout=sink,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(base, process, ready_timeout, printed=lambda: read_output(process, output))
        yield base
    finally:
        stop_group(process)
        if not isinstance(sink, int):
            sink.close()
