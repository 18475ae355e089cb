"""The auth module: refused answers, the files it adds, and where it plugs into the project."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts.common import ROOT, load_sample, render
from tests.conftest import snapshot

AUTH_FILES = [
    "src/{package}/auth/__init__.py",
    "src/{package}/auth/settings.py",
    "src/{package}/auth/passwords.py",
    "src/{package}/auth/common_passwords.txt",
    "src/{package}/auth/tokens.py",
    "src/{package}/auth/ratelimit.py",
    "src/{package}/auth/models.py",
    "src/{package}/auth/service.py",
    "src/{package}/auth/dependencies.py",
    "src/{package}/auth/router.py",
    "src/{package}/auth/cli.py",
    "migrations/versions/0002_create_users.py",
    "tests/unit/auth/test_api.py",
    "tests/support/auth.py",
    "docs/modules/auth.md",
]


@pytest.fixture
def with_auth(default_answers: dict[str, Any]) -> dict[str, Any]:
    return {**default_answers, "database": "sqlite", "auth": "jwt"}


def package_of(project: Path) -> str:
    return next(path.name for path in (project / "src").iterdir() if path.is_dir())


@pytest.mark.parametrize(
    ("answers", "hint"),
    [
        (
            {"auth": "jwt", "database": "disabled"},
            "answer database with sqlite, postgresql or mysql",
        ),
        ({"auth": "jwt"}, "answer database with sqlite, postgresql or mysql"),
        ({"auth": "oauth", "database": "sqlite"}, "auth"),
    ],
    ids=["jwt-without-database", "jwt-database-default", "unknown-value"],
)
def test_bad_auth_answer_is_refused_and_nothing_is_written(
    existing_folder: Path, default_answers: dict[str, Any], answers: dict[str, Any], hint: str
) -> None:
    before = snapshot(existing_folder)

    with pytest.raises(ValueError, match="auth") as excinfo:
        render({**default_answers, **answers}, existing_folder)

    assert hint in str(excinfo.value)
    assert snapshot(existing_folder) == before


def test_jwt_render_has_the_module(tmp_path: Path, with_auth: dict[str, Any]) -> None:
    project = render(with_auth, tmp_path / "project")
    package = package_of(project)

    missing = [
        path.format(package=package)
        for path in AUTH_FILES
        if not (project / path.format(package=package)).is_file()
    ]
    assert missing == []
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    dependencies = " ".join(pyproject["project"]["dependencies"])
    for requirement in ("argon2-cffi", "pyjwt", "python-multipart"):
        assert requirement in dependencies
    modules = (project / "src" / package / "modules.py").read_text(encoding="utf-8")
    assert "install_auth(app, settings)" in modules
    settings = (project / "src" / package / "settings.py").read_text(encoding="utf-8")
    assert "AuthSettings," in settings
    models = (project / "src" / package / "models.py").read_text(encoding="utf-8")
    assert f"from {package}.auth.models import RefreshToken, User" in models
    cli = (project / "src" / package / "cli.py").read_text(encoding="utf-8")
    assert 'cli.command("create-superuser")(create_superuser)' in cli
    env_example = (project / ".env.example").read_text(encoding="utf-8")
    assert re.search(r"^JWT_SECRET=$", env_example, flags=re.MULTILINE)
    nav = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]
    assert {"Auth": "modules/auth.md"} in nav


def test_item_writes_need_a_user_only_with_auth(tmp_path: Path, with_auth: dict[str, Any]) -> None:
    with_module = render(with_auth, tmp_path / "with")
    without = render({**with_auth, "auth": "disabled"}, tmp_path / "without")

    def items_router(project: Path) -> str:
        return (project / "src" / package_of(project) / "items" / "router.py").read_text(
            encoding="utf-8"
        )

    assert items_router(with_module).count("dependencies=LOGGED_IN") == 3  # post, patch, delete
    assert "auth" not in items_router(without)


def test_disabled_render_has_no_trace_of_the_module(
    tmp_path: Path, with_auth: dict[str, Any]
) -> None:
    project = render({**with_auth, "auth": "disabled"}, tmp_path / "project")
    package = package_of(project)

    present = [
        path.format(package=package)
        for path in AUTH_FILES
        if (project / path.format(package=package)).exists()
    ]
    assert present == []
    for path in project.rglob("*"):
        if path.is_file() and path.suffix in {".py", ".toml", ".yml", ".md", ".example"}:
            text = path.read_text(encoding="utf-8").lower()
            assert "jwt" not in text, path
            assert "argon2" not in text, path


def test_users_revision_follows_the_database_revision() -> None:
    versions = ROOT / "template" / "migrations" / "versions"
    users = (versions / "0002_create_users.py").read_text(encoding="utf-8")

    assert 'revision: str = "0002"' in users
    assert 'down_revision: str | Sequence[str] | None = "0001"' in users
    assert list(versions.glob("0001_*.py")), "the database module's first revision is missing"


def test_auth_sample_uses_postgresql() -> None:
    answers = load_sample("auth-postgres")

    assert (answers["database"], answers["auth"]) == ("postgresql", "jwt")
