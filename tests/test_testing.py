"""The testing profiles: what each renders, and how CI runs it."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import yaml

from scripts.check_sample import ci_runs_every_test
from scripts.common import load_sample, render

FULL_ONLY = [
    "loadtests/locustfile.py",
    "tests/unit/test_properties.py",
    "tests/unit/test_benchmarks.py",
    "tests/integration/test_contract.py",
    "tests/e2e/test_load.py",
]


def ci_test_job(project: Path) -> dict[str, Any]:
    workflow = yaml.safe_load((project / ".github" / "workflows" / "ci.yml").read_text("utf-8"))
    job: dict[str, Any] = workflow["jobs"]["test"]
    return job


def test_standard_has_the_e2e_layer_but_none_of_the_full_tools(tmp_path: Path) -> None:
    project = render(load_sample("default"), tmp_path / "standard")

    assert (project / "tests" / "e2e" / "test_service.py").is_file()
    assert [path for path in FULL_ONLY if (project / path).exists()] == []
    dev = tomllib.loads((project / "pyproject.toml").read_text("utf-8"))["dependency-groups"]
    assert not any(dep.startswith(("hypothesis", "schemathesis", "locust")) for dep in dev["dev"])
    runs = [step.get("run", "") for step in ci_test_job(project)["steps"]]
    assert "uv run poe test -n auto" in runs
    # So the deep check leaves the test run to the generated CI, which it runs locally.
    assert ci_runs_every_test(project)


def test_full_adds_its_tests_tasks_and_a_nightly_full_suite(tmp_path: Path) -> None:
    project = render(load_sample("testing-full"), tmp_path / "full")

    assert [path for path in FULL_ONLY if not (project / path).is_file()] == []
    pyproject = tomllib.loads((project / "pyproject.toml").read_text("utf-8"))
    assert {"bench", "load"} <= set(pyproject["tool"]["poe"]["tasks"])
    assert "--benchmark-disable" in pyproject["tool"]["pytest"]["ini_options"]["addopts"]
    workflow = yaml.safe_load((project / ".github" / "workflows" / "ci.yml").read_text("utf-8"))
    assert workflow[True]["schedule"], "the full suite runs nightly"
    steps = {step.get("if"): step.get("run", "") for step in ci_test_job(project)["steps"]}
    assert steps["github.event_name != 'schedule'"] == "uv run poe test-quick"
    assert "uv run poe test\n" in steps["github.event_name == 'schedule'"]
    assert not ci_runs_every_test(project)  # the deep check runs every test itself
