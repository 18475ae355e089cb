"""Turning a module off never silently deletes files the user edited."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import copier
import pytest

from scripts.check_sample import check_project
from scripts.common import load_sample, render
from tests.conftest import commit_all, git

MODULE_QUESTION = """\
sample_module:
  type: str
  choices: [disabled, enabled]
  default: disabled
  validator: >-
    {% if sample_module not in ['disabled', 'enabled'] %}choose disabled or enabled{% endif %}
_exclude:
  - "{% if sample_module == 'disabled' %}src/{{ package_name }}/sample_module{% endif %}"
  - "{% if sample_module == 'disabled' %}docs/sample-module.md{% endif %}"
"""


@pytest.fixture
def module_template(template_repo: Path) -> Path:
    """The template plus a small module of its own, tagged v1.1.0."""
    (template_repo / "questions" / "sample_module.yml").write_text(MODULE_QUESTION)
    with (template_repo / "copier.yml").open("a") as config:
        config.write("---\n!include questions/sample_module.yml\n")
    package = template_repo / "template" / "src" / "{{ package_name }}" / "sample_module"
    package.mkdir()
    (package / "__init__.py").write_text('"""A module that can be turned off."""\n\nLIMIT = 10\n')
    (template_repo / "template" / "docs" / "sample-module.md").write_text("# Sample module\n")
    commit_all(template_repo, "a module")
    git(template_repo, "tag", "v1.1.0")
    return template_repo


@pytest.fixture
def project(tmp_path: Path, module_template: Path) -> Path:
    answers: dict[str, Any] = {**load_sample("default"), "sample_module": "enabled"}
    project = render(answers, tmp_path / "project", src=module_template, vcs_ref="v1.1.0")
    git(project, "init", "--quiet", "--initial-branch=main")
    commit_all(project, "start")
    return project


def turn_off(project: Path, **extra: Any) -> None:
    copier.run_update(
        str(project),
        data={"sample_module": "disabled", **extra},
        defaults=True,
        overwrite=True,
        quiet=True,
        unsafe=True,
        vcs_ref="v1.1.0",
    )


def module_file(project: Path) -> Path:
    return project / "src" / "keel_default" / "sample_module" / "__init__.py"


def test_edited_module_file_stops_the_update(
    project: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    module_file(project).write_text('"""Ours now."""\n\nLIMIT = 99\n')
    commit_all(project, "tune the module")

    with pytest.raises(subprocess.CalledProcessError):
        turn_off(project)

    message = capfd.readouterr().err
    assert "would delete module files you have edited" in message
    assert "src/keel_default/sample_module/__init__.py" in message
    assert "docs/sample-module.md" not in message  # unedited: not listed
    assert "confirm_module_removal=true" in message
    assert module_file(project).read_text() == '"""Ours now."""\n\nLIMIT = 99\n'
    assert git(project, "status", "--porcelain") == ""


def test_explicit_consent_removes_edited_files(project: Path) -> None:
    module_file(project).write_text('"""Ours now."""\n\nLIMIT = 99\n')
    commit_all(project, "tune the module")

    turn_off(project, confirm_module_removal=True)

    assert not module_file(project).exists()
    assert not (project / "docs" / "sample-module.md").exists()
    assert "sample_module: disabled" in (project / ".copier-answers.yml").read_text()


@pytest.mark.deep
def test_unedited_module_is_removed_and_the_project_passes_its_checks(project: Path) -> None:
    turn_off(project)

    assert not module_file(project).exists()
    assert not (project / "docs" / "sample-module.md").exists()
    report = check_project(project)
    assert report.ok, report.describe_failures()
