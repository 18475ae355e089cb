"""The edits a team makes to its project in its first months, for update tests and benchmarks."""

from __future__ import annotations

import subprocess
from pathlib import Path


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return result.stdout


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "--all")
    git(
        repo,
        "-c",
        "user.name=Keel",
        "-c",
        "user.email=keel@example.invalid",
        "commit",
        "--quiet",
        "--message",
        message,
    )


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def make_user_edits(project: Path, package: str) -> dict[str, str]:
    """The edits a team makes in its first months; returns path -> text that must survive."""
    source = project / "src" / package
    (source / "greetings.py").write_text(
        "from fastapi import APIRouter\n\n"
        'router = APIRouter(tags=["greetings"])\n\n\n'
        '@router.get("/greetings/{name}")\n'
        "async def greet(name: str) -> dict[str, str]:\n"
        '    return {"greeting": f"Hello, {name}!"}\n',
        encoding="utf-8",
    )
    replace_once(
        source / "app.py",
        f"from {package}.health import Readiness\n",
        f"from {package}.greetings import router as greetings_router\n"
        f"from {package}.health import Readiness\n",
    )
    replace_once(
        source / "app.py",
        "    app.include_router(health_router)\n",
        "    app.include_router(health_router)\n    app.include_router(greetings_router)\n",
    )
    (project / "tests" / "unit" / "test_greetings.py").write_text(
        "from fastapi.testclient import TestClient\n\n\n"
        "def test_greeting(client: TestClient) -> None:\n"
        '    response = client.get("/greetings/Ada")\n\n'
        '    assert response.json() == {"greeting": "Hello, Ada!"}\n',
        encoding="utf-8",
    )
    replace_once(
        source / "settings.py",
        "readiness_timeout: float = Field(default=2.0",
        "readiness_timeout: float = Field(default=3.0",
    )
    replace_once(
        project / "pyproject.toml",
        '    "fastapi>=0.115",\n',
        '    "fastapi>=0.115",\n    "orjson>=3.10",\n',
    )
    with (project / "README.md").open("a", encoding="utf-8") as readme:
        readme.write("\n## On-call\n\nPage the payments rota for incidents.\n")
    return {
        f"src/{package}/greetings.py": 'return {"greeting": f"Hello, {name}!"}',
        f"src/{package}/app.py": "app.include_router(greetings_router)",
        "tests/unit/test_greetings.py": "def test_greeting(client: TestClient)",
        f"src/{package}/settings.py": "readiness_timeout: float = Field(default=3.0",
        "pyproject.toml": '"orjson>=3.10"',
        "README.md": "## On-call",
    }
