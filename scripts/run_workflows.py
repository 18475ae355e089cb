"""Run a rendered project's GitHub workflows locally, so a workflow that would fail on its
first push fails here.

    uv run python scripts/run_workflows.py build/samples/default

Every job of every workflow in ``.github/workflows`` runs its steps in order in the project
folder (each matrix combination once). ``run:`` steps run in bash as on GitHub's runners;
the well-known setup actions map to local equivalents (the project folder is the checkout,
uv and the interpreters come from this machine); service containers map to this machine's
services on 127.0.0.1. The database a PostgreSQL or MySQL container would create
(``POSTGRES_DB``, ``MYSQL_DATABASE``) is created on this machine under a unique name for the
job, the job's database URLs are pointed at it, and it is dropped afterwards. ``if:``
conditions and ``steps.<id>.outputs`` work. An action that only exists on GitHub (CodeQL,
SARIF upload) is reported as such, not as a pass; so is a ``run:`` step that drives Docker on
a machine where no Docker engine answers ("needs-engine").
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console
from rich.table import Table

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.common import project_env, uv_bin

STEP_TIMEOUT = 900
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
# Actions that only exist on GitHub's side: nothing to run locally.
GITHUB_ONLY = ("github/codeql-action/",)


@dataclass
class StepResult:
    workflow: str
    job: str
    step: str
    # passed, failed, skipped (its if: was false), github-only, or needs-engine: the step
    # drives Docker and no Docker engine runs here
    status: str
    seconds: float = 0.0
    output: str = ""


@dataclass
class JobRun:
    """The state of one job while it runs: its environment and its steps' outputs."""

    workflow: str
    name: str
    matrix: dict[str, Any]
    env: dict[str, str]
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    failed: bool = False

    def context(self) -> dict[str, Any]:
        return {
            "matrix": self.matrix,
            "env": self.env,
            "steps": {sid: {"outputs": out} for sid, out in self.outputs.items()},
            "github": {
                "token": "local-token",
                "ref": "refs/heads/main",
                "ref_name": "main",
                "event_name": "push",
                "workflow": self.workflow,
                "repository": "local/project",
                "sha": "0" * 40,
            },
            "secrets": {},
            "runner": {"os": "Linux", "temp": self.env.get("RUNNER_TEMP", tempfile.gettempdir())},
        }


def lookup(context: dict[str, Any], dotted: str) -> Any:
    value: Any = context
    for part in dotted.split("."):
        value = value.get(part, "") if isinstance(value, dict) else ""
    return value


TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<number>\d+(?:\.\d+)?)"
    r"|(?P<op>==|!=|&&|\|\||!|\(|\)|,)|(?P<name>[A-Za-z_][\w.\-*]*))"
)
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "contains": lambda haystack, needle: (
        str(needle) in (haystack if isinstance(haystack, list) else str(haystack))
    ),
    "startsWith": lambda text, prefix: str(text).startswith(str(prefix)),
    "endsWith": lambda text, suffix: str(text).endswith(str(suffix)),
}


def evaluate(expression: str, context: dict[str, Any], *, failed: bool = False) -> Any:
    """Evaluate a GitHub Actions expression (the subset workflows here use)."""
    calls = {
        **FUNCTIONS,
        "always": lambda: True,
        "success": lambda: not failed,
        "failure": lambda: failed,
        "cancelled": lambda: False,
    }
    python: list[str] = []
    values: dict[str, Any] = {}
    position = 0
    expression = expression.strip()
    while position < len(expression):
        match = TOKEN.match(expression, position)
        if match is None or match.end() == position:
            msg = f"cannot evaluate expression: {expression!r}"
            raise ValueError(msg)
        position = match.end()
        if match["string"] is not None:
            python.append(repr(match["string"][1:-1].replace("''", "'")))
        elif match["number"] is not None:
            python.append(match["number"])
        elif match["op"] is not None:
            python.append({"&&": " and ", "||": " or ", "!": " not "}.get(match["op"], match["op"]))
        else:
            name = match["name"]
            if name in calls:
                python.append(f"_call_{name}")
                values[f"_call_{name}"] = calls[name]
            elif name in {"true", "false", "null"}:
                python.append({"true": "True", "false": "False", "null": "None"}[name])
            else:
                key = f"_value_{len(values)}"
                values[key] = lookup(context, name)
                python.append(key)
    code = " ".join(python)
    return eval(code, {"__builtins__": {}}, values)  # noqa: S307 # nosec B307 - tokenised above


def substitute(text: str, context: dict[str, Any]) -> str:
    def replace(match: re.Match[str]) -> str:
        value = evaluate(match[1], context)
        if isinstance(value, bool):
            return "true" if value else "false"
        return "" if value is None else str(value)

    return EXPRESSION.sub(replace, text)


def matrix_combinations(job: dict[str, Any]) -> Iterator[dict[str, Any]]:
    matrix = (job.get("strategy") or {}).get("matrix") or {}
    axes = {key: value for key, value in matrix.items() if isinstance(value, list)}
    if not axes:
        yield {}
        return
    for values in itertools.product(*axes.values()):
        yield dict(zip(axes, values, strict=True))


def read_pairs(path: Path) -> dict[str, str]:
    """KEY=value lines (and KEY<<EOF blocks) as written to GITHUB_OUTPUT / GITHUB_ENV."""
    pairs: dict[str, str] = {}
    lines = iter(path.read_text(encoding="utf-8").splitlines()) if path.exists() else iter(())
    for line in lines:
        if "<<" in line and "=" not in line.split("<<", 1)[0]:
            key, marker = line.split("<<", 1)
            block: list[str] = []
            for text in lines:
                if text == marker:
                    break
                block.append(text)
            pairs[key] = "\n".join(block)
        elif "=" in line:
            key, value = line.split("=", 1)
            pairs[key] = value
    return pairs


def map_services(env: dict[str, str], services: dict[str, Any]) -> dict[str, str]:
    """Point service-container hostnames at this machine's services on loopback."""
    mapped = dict(env)
    for name in services:
        for key, value in mapped.items():
            mapped[key] = re.sub(rf"(?<=[@/]){re.escape(name)}(?=[:/])", "127.0.0.1", value)
    return mapped


def psql(sql: str) -> list[str]:
    return ["psql", "-h", "127.0.0.1", "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-c", sql]


def mysql(sql: str) -> list[str]:
    return ["mysql", "-h", "127.0.0.1", "-u", "root", "-e", sql]


# Service images whose container creates a database named by an env variable, and the
# client that creates and drops one on this machine's server of that kind.
DATABASE_SERVERS: dict[str, tuple[str, Callable[[str], list[str]]]] = {
    "postgres": ("POSTGRES_DB", psql),
    "mysql": ("MYSQL_DATABASE", mysql),
    "mariadb": ("MARIADB_DATABASE", mysql),
}
DATABASE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,50}")


def service_databases(services: dict[str, Any]) -> list[tuple[str, str]]:
    """(image kind, database name) of each database the job's service containers create."""
    found = []
    for service in services.values():
        image = str((service or {}).get("image", "")).split("/")[-1].split(":")[0]
        if image not in DATABASE_SERVERS:
            continue
        variable = DATABASE_SERVERS[image][0]
        env = (service or {}).get("env") or {}
        name = str(env.get(variable) or env.get("MYSQL_DATABASE") or "")
        if DATABASE_NAME.fullmatch(name):
            found.append((image, name))
    return found


def point_urls_at(env: dict[str, str], renamed: dict[str, str]) -> dict[str, str]:
    """Database URLs in ``env`` that name a renamed database now name its new name."""
    pointed = dict(env)
    for old, new in renamed.items():
        pattern = re.compile(rf"(?P<head>\b[a-z][a-z0-9+]*://[^/\s]*/){re.escape(old)}(?=$|[?\s])")
        for key, value in pointed.items():
            pointed[key] = pattern.sub(rf"\g<head>{new}", value)
    return pointed


@contextmanager
def fresh_databases(services: dict[str, Any]) -> Iterator[dict[str, str]]:
    """Create each service container's database here under a unique name; drop it after.

    Yields {name in the workflow: unique name on this machine}.
    """
    renamed: dict[str, str] = {}
    created: list[tuple[str, str]] = []
    try:
        for image, name in service_databases(services):
            unique = f"{name}_ci_{secrets.token_hex(4)}"
            client = DATABASE_SERVERS[image][1]
            subprocess.run(
                client(f"CREATE DATABASE {unique}"), check=True, capture_output=True, text=True
            )
            created.append((image, unique))
            renamed[name] = unique
        yield renamed
    finally:
        for image, unique in created:
            client = DATABASE_SERVERS[image][1]
            subprocess.run(
                client(f"DROP DATABASE IF EXISTS {unique}"), check=False, capture_output=True
            )


def run_action(uses: str, inputs: dict[str, str], job: JobRun, project: Path) -> tuple[str, str]:
    action = uses.split("@", 1)[0]
    if action.startswith(GITHUB_ONLY):
        return "github-only", f"{action} runs only on GitHub"
    if action == "actions/checkout":
        if not (project / ".git").exists():
            identity = ["-c", "user.name=Keel", "-c", "user.email=keel@example.invalid"]
            for args in (["init", "-q"], ["add", "-A"], [*identity, "commit", "-qm", "checkout"]):
                subprocess.run(["git", *args], cwd=project, check=True, capture_output=True)
        return "passed", "the project folder is the checkout"
    if action == "astral-sh/setup-uv":
        if inputs.get("python-version"):
            job.env["UV_PYTHON"] = inputs["python-version"]
        return "passed", "uv from this machine"
    if action == "actions/setup-python":
        return "passed", "interpreters from this machine"
    if action == "actions/upload-artifact":
        missing = [
            pattern
            for pattern in inputs.get("path", "").split()
            if not list(project.glob(pattern.strip()))
        ]
        if missing and inputs.get("if-no-files-found", "warn") == "error":
            return "failed", f"no files match {missing}"
        return "passed", f"artifact {inputs.get('name', '')} would be uploaded"
    return "failed", f"no local equivalent for {uses}: add one to scripts/run_workflows.py"


DOCKER_COMMAND = re.compile(r"(?:^|[\s;&|(])docker\s")


@cache
def docker_engine() -> bool:
    """Whether a Docker engine answers here (a CLI alone is not enough)."""
    docker = shutil.which("docker")
    if docker is None:
        return False
    try:
        result = subprocess.run([docker, "info"], capture_output=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def run_script(
    script: str,
    step: dict[str, Any],
    step_env: dict[str, str],
    project: Path,
    files: dict[str, Path],
) -> tuple[str, str]:
    shell = step.get("shell", "bash")
    argv = {
        "bash": ["bash", "--noprofile", "--norc", "-eo", "pipefail"],
        "sh": ["sh", "-e"],
        "python": [sys.executable],
    }.get(shell)
    if argv is None:
        return "failed", f"shell {shell!r} is not supported locally"
    if DOCKER_COMMAND.search(script) and not docker_engine():
        return "needs-engine", "this step drives Docker and no Docker engine runs on this machine"
    with tempfile.NamedTemporaryFile("w", suffix=".sh", delete=False) as handle:
        handle.write(script)
    env = {**step_env, **{name.upper(): str(path) for name, path in files.items()}}
    try:
        result = subprocess.run(
            [*argv, handle.name],
            cwd=project / step.get("working-directory", "."),
            env=env,
            capture_output=True,
            text=True,
            timeout=STEP_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        return "failed", f"timed out: {exc}"
    finally:
        Path(handle.name).unlink()
    output = (result.stdout + result.stderr).strip()
    return ("passed" if result.returncode == 0 else "failed"), output


def run_job(
    workflow: str,
    name: str,
    job: dict[str, Any],
    matrix: dict[str, Any],
    base_env: dict[str, str],
    project: Path,
) -> list[StepResult]:
    label = name + (f" {matrix}" if matrix else "")
    run = JobRun(workflow, label, matrix, dict(base_env))
    run.env.update(
        {k: substitute(str(v), run.context()) for k, v in (job.get("env") or {}).items()}
    )
    services = job.get("services") or {}
    with fresh_databases(services) as renamed:
        run.env = point_urls_at(map_services(run.env, services), renamed)
        return run_steps(run, job, project, renamed)


def run_steps(
    run: JobRun, job: dict[str, Any], project: Path, renamed: dict[str, str]
) -> list[StepResult]:
    workflow, label = run.workflow, run.name
    services = job.get("services") or {}
    results = []
    with tempfile.TemporaryDirectory(prefix="keel-workflow.") as scratch:
        files = {
            name: Path(scratch, name) for name in ("github_output", "github_env", "github_path")
        }
        for path in files.values():
            path.touch()
        run.env["RUNNER_TEMP"] = scratch
        for index, step in enumerate(job.get("steps") or []):
            title = step.get("name") or step.get("uses") or str(step.get("run", "")).strip()
            title = title.splitlines()[0] if title else f"step {index + 1}"
            condition = str(step.get("if", "success()"))
            condition = EXPRESSION.sub(lambda m: m[1], condition)
            if not evaluate(condition, run.context(), failed=run.failed):
                results.append(StepResult(workflow, label, title, "skipped", output="if: false"))
                continue
            files["github_output"].write_text("", encoding="utf-8")
            context = run.context()
            own_env = {k: substitute(str(v), context) for k, v in (step.get("env") or {}).items()}
            step_env = {**run.env, **point_urls_at(map_services(own_env, services), renamed)}
            started = time.perf_counter()
            if "uses" in step:
                inputs = {
                    k: substitute(str(v), context) for k, v in (step.get("with") or {}).items()
                }
                status, output = run_action(step["uses"], inputs, run, project)
            else:
                status, output = run_script(str(step["run"]), step, step_env, project, files)
            seconds = time.perf_counter() - started
            if step.get("id"):
                run.outputs[step["id"]] = read_pairs(files["github_output"])
            run.env.update(read_pairs(files["github_env"]))
            extra_path = files["github_path"].read_text(encoding="utf-8").split()
            if extra_path:
                run.env["PATH"] = os.pathsep.join([*extra_path, run.env["PATH"]])
            run.failed = run.failed or (status == "failed" and not step.get("continue-on-error"))
            results.append(StepResult(workflow, label, title, status, seconds, output))
    return results


def run_workflows(
    project: Path,
    *,
    on_job: Callable[[str], None] | None = None,
    extra_env: dict[str, str] | None = None,
) -> list[StepResult]:
    """Run every job; ``extra_env`` is added to the environment of every step."""
    project = project.resolve()
    env = {**project_env(), **(extra_env or {})}
    env["PATH"] = os.pathsep.join([str(Path(uv_bin()).parent), env["PATH"]])
    env["CI"] = "true"
    results: list[StepResult] = []
    for path in sorted((project / ".github" / "workflows").glob("*.y*ml")):
        workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
        workflow_env = {k: str(v) for k, v in (workflow.get("env") or {}).items()}
        for name, job in (workflow.get("jobs") or {}).items():
            for matrix in matrix_combinations(job):
                if on_job is not None:
                    on_job(f"{path.name}: {name}")
                results.extend(
                    run_job(path.name, name, job, matrix, {**env, **workflow_env}, project)
                )
    return results


def results_table(project: Path, results: Sequence[StepResult]) -> Table:
    table = Table(title=f"Workflows of {project} run locally")
    for column in ("workflow", "job", "step", "result", "seconds"):
        table.add_column(column)
    colours = {
        "passed": "green",
        "failed": "red",
        "skipped": "yellow",
        "github-only": "cyan",
        "needs-engine": "cyan",
    }
    for result in results:
        table.add_row(
            result.workflow,
            result.job,
            result.step,
            f"[{colours[result.status]}]{result.status}[/]",
            f"{result.seconds:.1f}",
        )
    return table


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("projects", nargs="+", type=Path)
    args = parser.parse_args(argv)
    console = Console()
    failed = False
    for project in args.projects:
        with console.status(f"running the workflows of {project}") as status:
            results = run_workflows(project, on_job=status.update)
        console.print(results_table(project, results))
        for result in results:
            if result.status == "failed":
                failed = True
                console.print(
                    f"--- {result.workflow} / {result.job} / {result.step} ---\n{result.output}",
                    markup=False,
                    highlight=False,
                )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
