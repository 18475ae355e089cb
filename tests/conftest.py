"""Fixtures for Keel's own tests."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from scripts.common import ROOT, load_sample

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Keel Tests",
    "GIT_AUTHOR_EMAIL": "tests@example.com",
    "GIT_COMMITTER_NAME": "Keel Tests",
    "GIT_COMMITTER_EMAIL": "tests@example.com",
}


def pytest_configure(config: pytest.Config) -> None:
    # pytest-copie renders from --template; copier update needs it absolute.
    config.option.template = str(ROOT)


@pytest.fixture(autouse=True)
def git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    """copier update commits with git; a fresh machine has no git identity."""
    for name, value in GIT_IDENTITY.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def default_answers() -> dict[str, Any]:
    return load_sample("default")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` with its bytes, keyed by relative path."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return result.stdout


def template_copy(destination: Path) -> Path:
    """A git repository holding the template's working tree (tracked and new files)."""
    listed = git(ROOT, "ls-files", "--cached", "--others", "--exclude-standard", "-z")
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    git(destination, "init", "--quiet", "--initial-branch=main")
    commit_all(destination, "template")
    return destination


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--message", message)


@pytest.fixture
def template_repo(tmp_path: Path) -> Path:
    repo = template_copy(tmp_path / "template")
    git(repo, "tag", "v1.0.0")
    return repo
