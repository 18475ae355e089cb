"""The template repository holds itself to the standard it sets for projects."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from scripts.common import ROOT, sample_names, tool
from tests.test_update import conflict_markers


def ci_test_command() -> str:
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    marker = lines.index("# README test command (keep identical to the README):")
    return lines[marker + 1]


def run_tool(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [tool(argv[0]), *argv[1:]], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_ci_runs_the_readme_test_command() -> None:
    command = ci_test_command()

    assert command == 'uv run pytest -n auto -m "not deep"'
    readme_lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert command in readme_lines


def test_ci_matrix_covers_every_sample() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())

    assert sorted(workflow["jobs"]["sample"]["strategy"]["matrix"]["sample"]) == sample_names()


@pytest.mark.parametrize(
    "argv",
    [
        ("ruff", "check", "."),
        ("ruff", "format", "--check", "."),
        ("mypy",),
        ("zizmor", "--offline", "--no-progress", ".github"),
        ("yamllint", "--strict", "."),
    ],
    ids=lambda argv: argv[0] + (f" {argv[1]}" if argv[0] == "ruff" else ""),
)
def test_template_code_and_workflows_are_clean(argv: tuple[str, ...]) -> None:
    result = run_tool(*argv)

    assert result.returncode == 0, result.stdout + result.stderr


def test_conflict_markers_are_found_only_at_line_start(tmp_path: Path) -> None:
    (tmp_path / "merged.py").write_text("a = 1\n<<<<<<< before\nb = 2\n", encoding="utf-8")
    (tmp_path / "hook.yaml").write_text("entry: '^(<<<<<<< |=======$)'\n", encoding="utf-8")

    assert conflict_markers(tmp_path) == ["merged.py"]
