"""Fixtures for Keel's own tests."""

from __future__ import annotations

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
