"""The database module: its question, and what each engine's render holds."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts.common import load_sample, render
from tests.conftest import snapshot

ENGINES = ["sqlite", "postgresql", "mysql"]
MODULE_FILES = [
    "alembic.ini",
    "migrations/env.py",
    "migrations/versions/0001_create_items.py",
    "src/{package}/db/__init__.py",
    "src/{package}/db/settings.py",
    "src/{package}/items/router.py",
    "src/{package}/models.py",
    "tests/support/database.py",
    "tests/unit/database/test_items_api.py",
    "tests/integration/database/test_migrations.py",
    "docs/modules/database.md",
]


@pytest.fixture(scope="module")
def renders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = load_sample("default")
    folder = tmp_path_factory.mktemp("database")
    return {
        value: render({**base, "database": value}, folder / value)
        for value in ["disabled", *ENGINES]
    }


def package_of(project: Path) -> str:
    return next(path.name for path in (project / "src").iterdir() if path.is_dir())


def read(project: Path, relative: str) -> str:
    return (project / relative.format(package=package_of(project))).read_text(encoding="utf-8")


@pytest.mark.parametrize("value", ["oracle", "postgres", "SQLite", ""])
def test_bad_answer_is_refused_and_nothing_is_written(
    tmp_path: Path, default_answers: dict[str, Any], value: str
) -> None:
    existing = tmp_path / "existing"
    existing.mkdir()
    (existing / "keep.txt").write_text("mine\n", encoding="utf-8")
    before = snapshot(existing)

    with pytest.raises(ValueError, match="database"):
        render({**default_answers, "database": value}, tmp_path / "new")
    with pytest.raises(ValueError, match="database"):
        render({**default_answers, "database": value}, existing)

    assert not (tmp_path / "new").exists()
    assert snapshot(existing) == before


def test_validator_names_the_question_and_the_choices() -> None:
    spec = yaml.safe_load(Path("questions/database.yml").read_text(encoding="utf-8"))
    validator = spec["database"]["validator"]

    assert 'database "{{ database }}" is not offered' in validator
    assert "answer disabled, sqlite, postgresql or mysql" in validator
    assert list(spec["database"]["choices"].values()) == ["disabled", *ENGINES]


def test_disabled_renders_no_database_file(renders: dict[str, Path]) -> None:
    project = renders["disabled"]

    for relative in MODULE_FILES:
        assert not (project / relative.format(package=package_of(project))).exists(), relative
    assert not (project / "src" / package_of(project) / "items").exists()
    assert "sqlalchemy" not in read(project, "pyproject.toml")
    assert "db-upgrade" not in read(project, ".github/workflows/ci.yml")
    assert "DATABASE_URL" not in read(project, ".env.example")


@pytest.mark.parametrize("engine", ENGINES)
def test_every_engine_gets_the_module(renders: dict[str, Path], engine: str) -> None:
    project = renders[engine]

    for relative in MODULE_FILES:
        assert (project / relative.format(package=package_of(project))).is_file(), relative
    modules = read(project, "src/{package}/modules.py")
    assert "install_database(app, settings)" in modules
    assert "app.include_router(items_router)" in modules
    assert "DatabaseSettings," in read(project, "src/{package}/settings.py")
    assert "modules/database.md" in read(project, "mkdocs.yml")
    assert "uv run poe db-upgrade" in read(project, ".github/workflows/ci.yml")


@pytest.mark.parametrize(
    ("engine", "driver", "url"),
    [
        ("sqlite", None, "sqlite:///./data/keel_default.db"),
        ("postgresql", "psycopg[binary]", "postgresql+psycopg://postgres@127.0.0.1:5432/"),
        ("mysql", "pymysql[rsa]", "mysql+pymysql://root@127.0.0.1:3306/"),
    ],
)
def test_engine_driver_and_default_url(
    renders: dict[str, Path], engine: str, driver: str | None, url: str
) -> None:
    project = renders[engine]
    pyproject = read(project, "pyproject.toml")

    drivers = {"psycopg[binary]", "pymysql[rsa]"}
    present = {name for name in drivers if f'"{name}' in pyproject}
    assert present == ({driver} if driver else set())
    assert url in read(project, "src/{package}/db/settings.py")
    assert f"DATABASE_URL={url}" in read(project, ".env.example")


@pytest.mark.parametrize(
    ("engine", "image"), [("sqlite", None), ("postgresql", "postgres:17"), ("mysql", "mysql:8.4")]
)
def test_ci_has_the_engines_service_container(
    renders: dict[str, Path], engine: str, image: str | None
) -> None:
    workflow = yaml.safe_load(read(renders[engine], ".github/workflows/ci.yml"))
    test_job = workflow["jobs"]["test"]
    steps = [step.get("run") for step in test_job["steps"]]

    images = [service["image"] for service in (test_job.get("services") or {}).values()]
    assert images == ([image] if image else [])
    if image:
        assert "TEST_DATABASE_ADMIN_URL" in test_job["env"]
        assert test_job["env"]["DATABASE_URL"].endswith("/keel_default")
    assert steps.index("uv run poe db-upgrade") < steps.index("uv run poe test -n auto")


def test_recovery_test_only_for_server_engines(renders: dict[str, Path]) -> None:
    recovery = "tests/integration/database/test_recovery.py"

    assert not (renders["sqlite"] / recovery).exists()
    assert (renders["postgresql"] / recovery).is_file()
    assert (renders["mysql"] / recovery).is_file()


def test_the_first_migration_is_0001(renders: dict[str, Path]) -> None:
    migration = read(renders["postgresql"], "migrations/versions/0001_create_items.py")

    assert re.search(r'^revision: str = "0001"$', migration, re.MULTILINE)
    assert re.search(r"^down_revision: .* = None$", migration, re.MULTILINE)


def test_module_code_needs_no_jinja_inside(renders: dict[str, Path]) -> None:
    """The subpackage reads the same in every engine's render, apart from the default URL."""
    texts = {engine: read(renders[engine], "src/{package}/db/engine.py") for engine in ENGINES}

    assert len(set(texts.values())) == 1
