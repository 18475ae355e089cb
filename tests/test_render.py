"""Renders are deterministic, fully rendered, and carry the answers where they belong."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from scripts.check_sample import find_jinja_residue
from scripts.common import load_sample, render, sample_names
from tests.conftest import snapshot


def test_two_renders_of_the_same_answers_are_byte_identical(
    tmp_path: Path, template_repo: Path, default_answers: dict[str, Any]
) -> None:
    # A committed template: a dirty working tree gets a fresh temporary commit per render.
    first = snapshot(render(default_answers, tmp_path / "first", src=template_repo))
    second = snapshot(render(default_answers, tmp_path / "second", src=template_repo))

    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


@pytest.mark.parametrize("sample", sample_names())
def test_no_jinja_residue(tmp_path: Path, sample: str) -> None:
    project = render(load_sample(sample), tmp_path / sample)

    assert find_jinja_residue(project) == []


def test_residue_detector_finds_leftovers_but_not_github_expressions(tmp_path: Path) -> None:
    (tmp_path / "ok.yml").write_text("group: ci-${{ github.ref }}\n", encoding="utf-8")
    (tmp_path / "bad.py").write_text("x = 1\nname = '{{ package_name }}'\n", encoding="utf-8")
    (tmp_path / "bad.md").write_text("{% if x %}\n", encoding="utf-8")

    problems = find_jinja_residue(tmp_path)

    assert sorted(problem.split(":")[0] for problem in problems) == ["bad.md", "bad.py"]
    assert problems[1].startswith("bad.py:2:")


@pytest.mark.parametrize(
    ("license_id", "expected_text", "pyproject_license"),
    [
        ("MIT", "MIT License", "MIT"),
        ("Apache-2.0", "Apache License", "Apache-2.0"),
        ("BSD-3-Clause", "BSD 3-Clause License", "BSD-3-Clause"),
        ("Proprietary", "All rights reserved", "LicenseRef-Proprietary"),
    ],
)
def test_license_file_matches_the_choice(
    tmp_path: Path,
    default_answers: dict[str, Any],
    license_id: str,
    expected_text: str,
    pyproject_license: str,
) -> None:
    answers = {**default_answers, "license": license_id, "author_name": "Ada Team"}
    project = render(answers, tmp_path / "p")

    license_text = (project / "LICENSE").read_text(encoding="utf-8")
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert expected_text in license_text
    assert "Ada Team" in license_text
    assert pyproject["project"]["license"] == pyproject_license


@pytest.mark.parametrize("python_version", ["3.11", "3.12", "3.13"])
def test_python_version_reaches_every_tool(
    tmp_path: Path, default_answers: dict[str, Any], python_version: str
) -> None:
    project = render({**default_answers, "python_version": python_version}, tmp_path / "p")

    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert (project / ".python-version").read_text(encoding="utf-8").strip() == python_version
    assert pyproject["project"]["requires-python"] == f">={python_version}"
    assert pyproject["tool"]["ruff"]["target-version"] == "py" + python_version.replace(".", "")
    assert pyproject["tool"]["mypy"]["python_version"] == python_version
    workflow = (project / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    assert f'UV_PYTHON: "{python_version}"' in workflow


def test_names_land_where_they_belong(tmp_path: Path) -> None:
    answers = {
        "project_name": "Billing API",
        "project_slug": "billing-api",
        "package_name": "billing",
        "description": "Bills customers every month.",
        "author_name": "Payments Team",
        "author_email": "payments@example.com",
    }
    project = render(answers, tmp_path / "p")

    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["name"] == "billing-api"
    assert pyproject["project"]["description"] == "Bills customers every month."
    assert pyproject["project"]["authors"] == [
        {"name": "Payments Team", "email": "payments@example.com"}
    ]
    assert pyproject["project"]["scripts"] == {"billing-api": "billing.cli:main"}
    assert (project / "src" / "billing" / "py.typed").is_file()
    assert "# Billing API" in (project / "README.md").read_text(encoding="utf-8")
