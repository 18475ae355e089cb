"""Projects rendered at an older template version update to the current one.

``scripts/migrations.yml`` lists what changed between versions (renamed questions, questions
introduced with an "off" answer for older projects); ``scripts/migrate_project.py``
applies it as a ``before`` migration of ``copier update``.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import copier
import pytest
import yaml
from packaging.version import Version

from scripts.check_sample import FAST_STEPS, check_project
from scripts.common import ROOT, load_sample, render, snapshot_template
from scripts.matrix import jinja
from scripts.migrate_project import crossed, migrate_answers
from tests.conftest import commit_all, git
from tests.test_update import conflict_markers, edit

# Released template versions and their commits (see CHANGELOG.md).
RELEASES = {
    "v0.1.0": "a3fc31394039d135582a1b72278c56b8d36bdef4",  # pragma: allowlist secret
    "v0.2.0": "6df794dac2154dd049b8b7e300ca09ade143f1f0",  # pragma: allowlist secret
}
MIGRATIONS = yaml.safe_load((ROOT / "scripts" / "migrations.yml").read_text(encoding="utf-8"))


def questions() -> set[str]:
    """Every question the current template asks."""
    names: set[str] = set()
    for path in (ROOT / "questions").glob("*.yml"):
        names.update(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    return {name for name in names if not name.startswith("_")}


def answers_of(project: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(
        (project / ".copier-answers.yml").read_text(encoding="utf-8")
    )
    return loaded


def update(project: Path, vcs_ref: str, **data: str) -> None:
    copier.run_update(
        str(project),
        data=data,
        defaults=True,
        overwrite=True,
        quiet=True,
        unsafe=True,  # Keel's migrations run only when trusted
        vcs_ref=vcs_ref,
    )


def start_project(template: Path, answers: dict[str, Any], destination: Path, ref: str) -> Path:
    project = render(answers, destination, src=template, vcs_ref=ref)
    git(project, "init", "--quiet", "--initial-branch=main")
    commit_all(project, "start from Keel")
    return project


def test_only_the_versions_an_update_crosses_apply() -> None:
    entries = [{"version": "0.2.0"}, {"version": "0.3.0"}, {"version": "1.0.0"}]

    chosen = crossed(entries, Version("0.2.0"), Version("1.0.0"))

    assert [entry["version"] for entry in chosen] == ["0.3.0", "1.0.0"]


def test_renamed_and_introduced_answers() -> None:
    answers: dict[str, Any] = {"old_gate": "80", "database": "sqlite"}
    entries = [
        {"version": "0.3.0", "renamed": {"old_gate": "gate"}},
        {"version": "0.3.0", "introduced": {"tracing": "none", "database": "disabled"}},
    ]

    changes = migrate_answers(answers, entries)

    assert answers == {"gate": "80", "database": "sqlite", "tracing": "none"}
    assert changes == ["answer old_gate is now gate", "tracing: none (new in 0.3.0)"]


def test_every_migration_names_a_released_or_upcoming_version() -> None:
    versions = [Version(str(entry["version"])) for entry in MIGRATIONS]
    oldest_release = min(Version(tag.removeprefix("v")) for tag in RELEASES)

    assert versions == sorted(versions)
    assert all(version > oldest_release for version in versions)


def exclusion_patterns() -> list[str]:
    patterns: list[str] = []
    for path in sorted((ROOT / "questions").glob("*.yml")):
        patterns += (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("_exclude", [])
    return patterns


def test_exclusions_render_with_only_the_first_releases_answers() -> None:
    """``copier update`` renders the old version with the new version's exclusions.

    Those patterns then see only the answers the project's old version asked for, so a
    pattern naming a newer question must give it a default (the module off).
    """
    first_release = {"package_name": "pkg", "project_slug": "pkg", "python_version": "3.12"}
    patterns = exclusion_patterns()
    assert any("{%" in pattern for pattern in patterns)

    rendered = [jinja().from_string(pattern).render(first_release) for pattern in patterns]

    assert "testing/loadtests" not in rendered
    assert "loadtests" in rendered  # the testing module's files count as off
    assert "src/pkg/db" in rendered


@pytest.fixture
def released_template(tmp_path: Path) -> Path:
    """The current template tagged v0.2.0, beside the v0.1.0 release from this repository."""
    template = snapshot_template(tmp_path / "template", tag="v0.2.0")
    archive = subprocess.run(
        ["git", "archive", "--format=tar", RELEASES["v0.1.0"]],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    git(template, "checkout", "--quiet", "--orphan", "release-0.1")
    git(template, "rm", "-r", "--quiet", "--force", ".")
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(template, filter="data")
    commit_all(template, "Keel 0.1.0")
    git(template, "tag", "v0.1.0")
    git(template, "checkout", "--quiet", "main")
    return template


@pytest.mark.deep
def test_project_from_the_first_release_updates_to_the_current_version(
    tmp_path: Path, released_template: Path
) -> None:
    project = start_project(released_template, load_sample("default"), tmp_path / "p", "v0.1.0")
    package = project / "src" / "keel_default"
    edit(
        package / "settings.py",
        "readiness_timeout: float = Field(default=2.0",
        "readiness_timeout: float = Field(default=3.0",
    )
    with (project / "README.md").open("a", encoding="utf-8") as readme:
        readme.write("\n## Runbook\n\nPage the on-call engineer.\n")
    commit_all(project, "our changes")

    update(project, "v0.2.0")

    recorded = answers_of(project)
    assert recorded["_commit"] == "v0.2.0"
    for entry in MIGRATIONS:
        for question, value in (entry.get("introduced") or {}).items():
            if question in questions():
                assert recorded[question] == value, f"{question} should stay {value}"
    assert "default=3.0" in (package / "settings.py").read_text(encoding="utf-8")
    assert "## Runbook" in (project / "README.md").read_text(encoding="utf-8")
    assert list(project.rglob("*.rej")) == []
    assert conflict_markers(project) == []
    report = check_project(project, steps=FAST_STEPS)
    assert report.ok, report.describe_failures()


def rename_a_question(template: Path) -> None:
    """A new template version (v1.1.0) that renames a question."""
    for path in [template / "questions" / "testing.yml", *template.rglob("*.jinja")]:
        text = path.read_text(encoding="utf-8")
        if "coverage_threshold" in text:
            path.write_text(text.replace("coverage_threshold", "coverage_gate"), encoding="utf-8")
    (template / "scripts" / "migrations.yml").write_text(
        yaml.safe_dump(
            [
                {
                    "version": "1.1.0",
                    "renamed": {"coverage_threshold": "coverage_gate"},
                }
            ]
        ),
        encoding="utf-8",
    )
    commit_all(template, "rename coverage_threshold")
    git(template, "tag", "v1.1.0")


@pytest.mark.deep
def test_renamed_question_keeps_its_answer(tmp_path: Path, template_repo: Path) -> None:
    answers = {**load_sample("minimal"), "coverage_threshold": "85"}
    project = start_project(template_repo, answers, tmp_path / "project", "v1.0.0")
    rename_a_question(template_repo)

    update(project, "v1.1.0")

    recorded = answers_of(project)
    assert recorded["coverage_gate"] == "85"
    assert "coverage_threshold" not in recorded
    assert "--cov-fail-under=85" in (project / "pyproject.toml").read_text(encoding="utf-8")
    assert list(project.rglob("*.rej")) == []
    assert conflict_markers(project) == []


def test_release_tags_of_this_repository_are_the_recorded_releases() -> None:
    listed = subprocess.run(
        ["git", "tag", "--list", "v*.*.*"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    for tag in listed.stdout.split():
        commit = subprocess.run(
            ["git", "rev-parse", f"{tag}^{{commit}}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        assert RELEASES.get(tag) == commit.stdout.strip(), f"{tag} is not recorded in RELEASES"
