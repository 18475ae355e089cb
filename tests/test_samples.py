"""Deep check: every sample renders and passes every check of check_sample, raw.

A sample that an add-a-module case uses (tests/test_add_module.py) gets its deep check there,
on the project that gained the module by ``copier update`` (the sample's answers plus a
user's edits), so it is not checked a second time here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.check_sample import ALL_STEPS, STEPS, check_project
from scripts.common import load_sample, render, sample_names
from tests.test_add_module import add_cases

pytestmark = pytest.mark.deep


CHECKED_AFTER_AN_UPDATE = {case.sample for case in add_cases() if case.sample is not None}


@pytest.mark.parametrize(
    "sample", [name for name in sample_names() if name not in CHECKED_AFTER_AN_UPDATE]
)
def test_sample_passes_every_check(tmp_path: Path, template_snapshot: Path, sample: str) -> None:
    project = render(load_sample(sample), tmp_path / sample, src=template_snapshot, vcs_ref=None)

    report = check_project(project)

    applicable = [step.name for step in STEPS if step.applies(project)]
    assert [outcome.step for outcome in report.outcomes] == applicable
    assert report.ok, report.describe_failures()


def test_a_lint_error_fails_the_check(tmp_path: Path) -> None:
    project = render(load_sample("minimal"), tmp_path / "minimal")
    app = next(project.glob("src/*/app.py"))
    app.write_text(app.read_text(encoding="utf-8") + "\nimport os\n", encoding="utf-8")
    steps = [step for step in ALL_STEPS if step.name.startswith(("uv sync", "lint"))]

    report = check_project(project, steps=steps)

    assert not report.ok
    assert [outcome.step for outcome in report.failures] == [steps[1].name]
    assert "F401" in report.failures[0].output


def test_a_failed_sync_stops_the_later_steps(tmp_path: Path) -> None:
    project = render(load_sample("minimal"), tmp_path / "minimal")
    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8").replace(
            '"typer>=0.15"', '"typer>=0.15", "keel-no-such-package-anywhere>=1"'
        ),
        encoding="utf-8",
    )
    steps = [step for step in ALL_STEPS if step.name.startswith(("uv sync", "lint"))]

    report = check_project(project, steps=steps)

    assert [outcome.status for outcome in report.outcomes] == ["failed", "not run"]
