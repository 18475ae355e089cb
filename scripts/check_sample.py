"""Run every check on a rendered project, exactly as rendered: nothing is auto-fixed first.

    uv run python scripts/check_sample.py build/samples/default [more projects...]
    uv run python scripts/check_sample.py --sample default       # build/samples/default

Prints a table of step / result / seconds and exits non-zero with the output of each
failing step.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import yaml
from rich.console import Console
from rich.status import Status
from rich.table import Table

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts import container_checks
from scripts.common import BUILD_DIR, project_env, tool, uv_bin
from scripts.run_workflows import run_workflows

# Jinja left in a rendered file; GitHub's ${{ expressions }} are not Jinja.
JINJA_RESIDUE = re.compile(r"(?<!\$)\{\{|\{%|\{#")
NOT_RENDERED = {".venv", ".git", "site", ".mypy_cache", ".pytest_cache", ".ruff_cache"}
STEP_TIMEOUT = 900


@dataclass
class Outcome:
    step: str
    status: str  # "passed", "failed" or "not run"
    seconds: float = 0.0
    output: str = ""


@dataclass(frozen=True)
class Step:
    """One check. ``argv`` runs in the project; ``func`` runs here and returns problems."""

    name: str
    argv: Callable[[], list[str]] | None = None
    func: Callable[[Path], list[str]] | None = None
    applies: Callable[[Path], bool] = field(default=lambda _project: True)
    required: bool = False  # when it fails, the later steps cannot run
    deep: bool = True  # part of the full check of a sample
    fast: bool = True  # part of the fast check of each pairwise combination


@dataclass
class Report:
    project: Path
    outcomes: list[Outcome]

    @property
    def ok(self) -> bool:
        return all(outcome.status == "passed" for outcome in self.outcomes)

    @property
    def failures(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.status != "passed"]

    def describe_failures(self) -> str:
        return "\n\n".join(
            f"--- {self.project.name}: {outcome.step} {outcome.status} ---\n{outcome.output}"
            for outcome in self.failures
        )


def rendered_files(project: Path) -> list[Path]:
    files = []
    for path in sorted(project.rglob("*")):
        if path.is_file() and not NOT_RENDERED.intersection(path.relative_to(project).parts):
            files.append(path)
    return files


def find_jinja_residue(project: Path) -> list[str]:
    problems = []
    for path in rendered_files(project):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if JINJA_RESIDUE.search(line):
                problems.append(f"{path.relative_to(project)}:{number}: {line.strip()}")
    return problems


@contextmanager
def advisory_stand_in(project: Path) -> Iterator[dict[str, str]]:
    """Point pip-audit at the project's loopback advisory stand-in, when it has one.

    PyPI's vulnerability API is unreachable from this machine, so a project with security
    scanning audits its locked dependencies against ``tests/support/advisories.py``: copies
    of a few published advisories, served on 127.0.0.1 (the scan's table names the URL).
    """
    stand_in = project / "tests" / "support" / "advisories.py"
    python = project / ".venv" / "bin" / "python"
    if not (stand_in.is_file() and python.is_file()):
        yield {}
        return
    process = subprocess.Popen(
        [str(python), "-m", "tests.support.advisories"],
        cwd=project,
        env=project_env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        if not url.startswith("http://127.0.0.1:"):
            msg = f"the advisory stand-in did not start (it printed {url!r})"
            raise RuntimeError(msg)
        yield {"PIP_AUDIT_VULNERABILITY_SERVICE": "osv", "PIP_AUDIT_OSV_URL": url}
    finally:
        process.terminate()
        process.wait(timeout=10)


def failed_workflow_steps(project: Path) -> list[str]:
    with advisory_stand_in(project) as extra_env:
        results = run_workflows(project, extra_env=extra_env)
    return [
        f"{result.workflow} / {result.job} / {result.step} ({result.status}):\n{result.output}"
        for result in results
        if result.status in {"failed", "github-only"}
    ]


# The generated CI step that runs the whole suite as the deep check's test step would.
EVERY_TEST = "uv run poe test -n auto"


def ci_runs_every_test(project: Path) -> bool:
    """Whether the project's CI test job runs every test, in parallel, on every event.

    Then the deep check's own test run would repeat it: the generated CI, run locally as the
    deep check's last step, runs it once on this machine's services (``-n auto`` is two
    workers here; random order and the coverage gate come from the project's settings).
    """
    workflow = project / ".github" / "workflows" / "ci.yml"
    if not workflow.is_file():
        return False
    loaded = yaml.safe_load(workflow.read_text(encoding="utf-8")) or {}
    steps = ((loaded.get("jobs") or {}).get("test") or {}).get("steps") or []
    return any(step.get("run") == EVERY_TEST and "if" not in step for step in steps)


def uv_run(*args: str) -> Callable[[], list[str]]:
    return lambda: [uv_bin(), "run", "--no-sync", *args]


# The deep check runs the project's own workflows (lint, types, docs, the security scan), so
# it does not repeat those steps; the fast check of a pairwise combination runs them directly.
ALL_STEPS: list[Step] = [
    Step("no Jinja residue", func=find_jinja_residue),
    Step("uv sync", argv=lambda: [uv_bin(), "sync"], required=True),
    Step("lint (ruff, ruff format, yamllint)", argv=uv_run("poe", "lint"), deep=False),
    Step("typecheck (mypy --strict)", argv=uv_run("poe", "typecheck"), deep=False),
    Step("unit tests", argv=uv_run("pytest", "-m", "unit", "-q", "--no-cov"), deep=False),
    Step(
        "test (random order, -n 2, coverage gate)",
        argv=uv_run("poe", "test", "-n", "2"),
        fast=False,
        applies=lambda project: not ci_runs_every_test(project),
    ),
    Step("docs (mkdocs --strict)", argv=uv_run("poe", "docs"), deep=False),
    Step(
        "zizmor (workflows)",
        argv=lambda: [tool("zizmor"), "--offline", "--no-progress", ".github"],
        applies=lambda project: (project / ".github").is_dir(),
    ),
    Step(
        "hadolint (Dockerfile)",
        argv=lambda: [tool("hadolint"), "Dockerfile"],
        applies=lambda project: (project / "Dockerfile").is_file(),
    ),
    Step(
        "Dockerfile build context",
        func=container_checks.dockerfile_context,
        applies=lambda project: (project / "Dockerfile").is_file(),
    ),
    Step(
        "compose config (docker compose)",
        func=container_checks.compose_config,
        applies=lambda project: (project / "compose.yaml").is_file(),
    ),
    Step(
        "kubernetes manifests (kubernetes-validate)",
        func=container_checks.kubernetes_manifests,
        applies=lambda project: (project / "deploy" / "kubernetes").is_dir(),
    ),
    Step(
        "deploy targets (Cloud Run, Fly, ECS)",
        func=container_checks.other_targets,
        applies=container_checks.has_other_targets,
    ),
    Step(
        "image command on the host (uv sync --no-dev, /health, SIGTERM)",
        func=container_checks.host_run,
        applies=lambda project: (project / "Dockerfile").is_file(),
        fast=False,
    ),
    # Lint, types, docs and `poe security` (with the advisory stand-in) run here.
    Step(
        "generated CI, run locally",
        func=failed_workflow_steps,
        applies=lambda project: (project / ".github" / "workflows").is_dir(),
        fast=False,
    ),
]
STEPS = [step for step in ALL_STEPS if step.deep]
FAST_STEPS = [step for step in ALL_STEPS if step.fast]


def run_step(step: Step, project: Path, env: dict[str, str]) -> Outcome:
    started = time.perf_counter()
    if step.func is not None:
        problems = step.func(project)
        status = "failed" if problems else "passed"
        return Outcome(step.name, status, time.perf_counter() - started, "\n".join(problems))
    assert step.argv is not None
    try:
        result = subprocess.run(
            step.argv(),
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=STEP_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Outcome(step.name, "failed", time.perf_counter() - started, str(exc))
    output = (result.stdout + result.stderr).strip()
    status = "passed" if result.returncode == 0 else "failed"
    return Outcome(step.name, status, time.perf_counter() - started, output)


def check_project(
    project: Path,
    *,
    steps: Sequence[Step] = STEPS,
    on_step: Callable[[str], None] | None = None,
) -> Report:
    """Run ``steps`` on ``project`` in order and report every outcome."""
    project = project.resolve()
    env = project_env()
    outcomes: list[Outcome] = []
    blocked = False
    for step in steps:
        if not step.applies(project):
            continue
        if blocked:
            outcomes.append(Outcome(step.name, "not run", output="an earlier step failed"))
            continue
        if on_step is not None:
            on_step(step.name)
        outcome = run_step(step, project, env)
        outcomes.append(outcome)
        blocked = step.required and outcome.status != "passed"
    return Report(project, outcomes)


def report_table(report: Report) -> Table:
    table = Table(title=f"Checks of {report.project}")
    table.add_column("step")
    table.add_column("result")
    table.add_column("seconds", justify="right")
    colours = {"passed": "green", "failed": "red", "not run": "yellow"}
    for outcome in report.outcomes:
        colour = colours[outcome.status]
        table.add_row(outcome.step, f"[{colour}]{outcome.status}[/]", f"{outcome.seconds:.1f}")
    return table


def announce(status: Status, project_name: str, step_name: str) -> None:
    status.update(f"{project_name}: {step_name}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("projects", nargs="*", type=Path, help="rendered project folders")
    parser.add_argument(
        "--sample",
        action="append",
        default=[],
        help="check build/samples/<name> (rendered by scripts/render_samples.py)",
    )
    args = parser.parse_args(argv)
    projects = [*args.projects, *(BUILD_DIR / "samples" / name for name in args.sample)]
    if not projects:
        parser.error("name at least one project folder or --sample")

    console = Console()
    reports = []
    for project in projects:
        if not (project / ".copier-answers.yml").is_file():
            console.print(f"[red]{project} is not a rendered Keel project[/]")
            return 2
        with console.status(f"checking {project}") as status:
            report = check_project(project, on_step=partial(announce, status, project.name))
        console.print(report_table(report))
        reports.append(report)

    failed = [report for report in reports if not report.ok]
    for report in failed:
        console.print(report.describe_failures(), markup=False, highlight=False)
    passed = len(reports) - len(failed)
    console.print(f"{passed} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
