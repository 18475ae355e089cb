"""Fixtures for Keel's own tests."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from scripts.common import ROOT, load_sample, snapshot_template

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Keel Tests",
    "GIT_AUTHOR_EMAIL": "tests@example.com",
    "GIT_COMMITTER_NAME": "Keel Tests",
    "GIT_COMMITTER_EMAIL": "tests@example.com",
}


def pytest_configure(config: pytest.Config) -> None:
    # pytest-copie renders from --template; copier update needs it absolute.
    config.option.template = str(ROOT)


def deep_cost(item: pytest.Item) -> int:
    """A rough cost of a deep test: its full check's size, from the modules its answers turn on.

    Only an order: the deep run starts the dearest tests first, so that two workers do not
    end with one of them idle while the other runs an all-modules check alone.
    """
    if item.get_closest_marker("deep") is None:
        return 0
    from tests.test_add_module import AddCase, modules_on

    params = getattr(getattr(item, "callspec", None), "params", {})
    if isinstance(params.get("case"), AddCase) and params["case"].sample is not None:
        return 200 + 20 * modules_on(load_sample(params["case"].sample))
    if "sample" in params:
        return 150 + 20 * modules_on(load_sample(params["sample"]))
    if isinstance(params.get("row"), dict):
        return 50 + 5 * sum(
            1 for value in params["row"].values() if value not in {"disabled", False, ()}
        )
    return 100


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=deep_cost, reverse=True)  # stable: the rest keep their order


@pytest.fixture(autouse=True)
def git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    """copier update commits with git; a fresh machine has no git identity."""
    for name, value in GIT_IDENTITY.items():
        monkeypatch.setenv(name, value)


@pytest.fixture(scope="session")
def template_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The working tree, committed and tagged: what deep checks render from."""
    return snapshot_template(tmp_path_factory.mktemp("snapshot") / "template")


@pytest.fixture
def default_answers() -> dict[str, Any]:
    return load_sample("default")


@pytest.fixture
def existing_folder(tmp_path: Path) -> Path:
    """A destination that already holds a user's file, for renders that must write nothing."""
    destination = tmp_path / "existing"
    (destination / "notes").mkdir(parents=True)
    (destination / "notes" / "keep.txt").write_text("mine\n", encoding="utf-8")
    return destination


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


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--message", message)


@pytest.fixture
def template_repo(tmp_path: Path) -> Path:
    return snapshot_template(tmp_path / "template", tag="v1.0.0")
