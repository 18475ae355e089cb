"""copier update brings template changes and keeps the user's edits."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import copier

from scripts.common import render
from tests.conftest import commit_all, git

CONFLICT_MARKER = re.compile(r"^(<<<<<<<|>>>>>>>) ", re.MULTILINE)


def conflict_markers(project: Path) -> list[str]:
    return [
        str(path.relative_to(project))
        for path in project.rglob("*")
        if path.is_file()
        and ".git" not in path.parts
        and CONFLICT_MARKER.search(path.read_text(encoding="utf-8", errors="replace"))
    ]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_update_keeps_user_edits_and_brings_template_changes(
    tmp_path: Path, template_repo: Path, default_answers: dict[str, Any]
) -> None:
    project = render(default_answers, tmp_path / "project", src=template_repo, vcs_ref="v1.0.0")
    git(project, "init", "--quiet", "--initial-branch=main")
    commit_all(project, "start from the template")
    package = project / "src" / "keel_default"

    # The user's edits: a template file changed, a new module, a README section.
    edit(
        package / "settings.py", "port: int = Field(default=8000", "port: int = Field(default=8080"
    )
    (package / "greetings.py").write_text('GREETING = "hello"\n', encoding="utf-8")
    with (project / "README.md").open("a", encoding="utf-8") as readme:
        readme.write("\n## Our runbook\n\nPage the on-call engineer.\n")
    commit_all(project, "our changes")

    # A new template version: a new file and a change in a file the user did not touch.
    edit(
        template_repo / "template" / "docs" / "configuration.md",
        "# Configuration\n",
        "# Configuration\n\nUpdated by the template.\n",
    )
    (template_repo / "template" / "SECURITY.md").write_text("Report issues privately.\n")
    commit_all(template_repo, "template change")
    git(template_repo, "tag", "v1.1.0")

    copier.run_update(
        str(project), defaults=True, overwrite=True, quiet=True, unsafe=True, vcs_ref="v1.1.0"
    )

    settings_text = (package / "settings.py").read_text(encoding="utf-8")
    assert "default=8080" in settings_text
    assert (package / "greetings.py").read_text(encoding="utf-8") == 'GREETING = "hello"\n'
    assert "## Our runbook" in (project / "README.md").read_text(encoding="utf-8")
    configuration = (project / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert "Updated by the template." in configuration
    assert (project / "SECURITY.md").read_text(encoding="utf-8") == "Report issues privately.\n"
    assert "_commit: v1.1.0" in (project / ".copier-answers.yml").read_text(encoding="utf-8")
    assert list(project.rglob("*.rej")) == []
    assert conflict_markers(project) == []
    assert "SECURITY.md" in git(project, "status", "--porcelain")
