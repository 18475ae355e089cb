"""Deep check: every sample renders and passes every check of check_sample, raw."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.check_sample import STEPS, check_project
from scripts.common import load_sample, render, sample_names

pytestmark = pytest.mark.deep


@pytest.mark.parametrize("sample", sample_names())
def test_sample_passes_every_check(tmp_path: Path, template_snapshot: Path, sample: str) -> None:
    project = render(load_sample(sample), tmp_path / sample, src=template_snapshot, vcs_ref=None)

    report = check_project(project)

    assert [outcome.step for outcome in report.outcomes] == [step.name for step in STEPS]
    assert report.ok, report.describe_failures()


def test_a_lint_error_fails_the_check(tmp_path: Path) -> None:
    project = render(load_sample("minimal"), tmp_path / "minimal")
    app = next(project.glob("src/*/app.py"))
    app.write_text(app.read_text(encoding="utf-8") + "\nimport os\n", encoding="utf-8")
    steps = [step for step in STEPS if step.name.startswith(("uv sync", "lint"))]

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
    steps = [step for step in STEPS if step.name.startswith(("uv sync", "lint"))]

    report = check_project(project, steps=steps)

    assert [outcome.status for outcome in report.outcomes] == ["failed", "not run"]
