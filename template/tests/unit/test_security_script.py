"""scripts/security.py turns each scanner's report into findings and a verdict."""

from email.message import Message
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from packaging.version import Version
from rich.console import Console
from scripts import security
from scripts.security import Finding, Options, ScannerError, ScanResult

from tests.support import advisories

ROOT = Path("/project")
OPTIONS = Options("standard", ROOT, {})
# detect-secrets reports fingerprints under this key, never the secrets themselves.
DIGEST = "hashed_secret"


def finding(severity: str, tool: str = "bandit") -> Finding:
    return Finding(tool, severity, "src/app.py:3", "B602: shell", "fix it")


def test_bandit_issue_becomes_a_finding_with_its_location() -> None:
    report = {
        "results": [
            {
                "test_id": "B602",
                "test_name": "subprocess_popen_with_shell_equals_true",
                "issue_severity": "HIGH",
                "issue_text": "subprocess call with shell=True identified.",
                "filename": "./src/app.py",
                "line_number": 7,
                "more_info": "https://bandit.readthedocs.io/b602.html",
            }
        ]
    }

    (found,) = security.bandit_findings(report, ROOT)

    assert found.severity == "high"
    assert found.location == "src/app.py:7"
    assert found.problem.startswith("B602 subprocess_popen_with_shell_equals_true")
    assert "# nosec B602" in found.advice


def test_vulnerability_names_package_fix_and_advisory() -> None:
    report = {
        "dependencies": [
            {
                "name": "jinja2",
                "version": "3.1.5",
                "vulns": [
                    {
                        "id": "GHSA-cpwx-vrp4-4pq7",
                        "aliases": ["CVE-2025-27516"],
                        "fix_versions": ["3.1.6"],
                        "description": "sandbox\nbreakout",
                    }
                ],
            },
            {"name": "fastapi", "version": "0.115.0", "vulns": []},
        ]
    }

    (found,) = security.pip_audit_findings(report, {}, "uv.lock")

    assert found.location == "uv.lock: jinja2 3.1.5"
    assert found.problem == "GHSA-cpwx-vrp4-4pq7: sandbox breakout"
    assert found.advice == (
        "upgrade jinja2 to 3.1.6 or later (GHSA-cpwx-vrp4-4pq7, CVE-2025-27516)"
    )


def test_fix_is_the_nearest_release_above_the_locked_one() -> None:
    vuln = {"id": "GHSA-34jh-p97f-mpxf", "fix_versions": ["1.26.19", "2.2.2"]}

    assert security.vulnerability_advice("urllib3", vuln, "2.2.1").startswith(
        "upgrade urllib3 to 2.2.2 or later"
    )
    assert security.vulnerability_advice("urllib3", vuln, "1.26.5").startswith(
        "upgrade urllib3 to 1.26.19 or later"
    )
    assert security.nearest_fix("not-a-version", ["1.0"]) == "1.0"


def test_vulnerability_without_a_fix_says_so() -> None:
    vuln: dict[str, Any] = {"id": "PYSEC-1", "fix_versions": []}

    assert security.vulnerability_advice("oldlib", vuln).startswith("no fixed release of oldlib")


def test_accepted_vulnerability_is_left_out_by_any_of_its_ids() -> None:
    vuln = {"id": "GHSA-x", "aliases": ["CVE-1"], "fix_versions": ["2"]}
    report = {"dependencies": [{"name": "lib", "version": "1", "vulns": [vuln]}]}

    assert security.pip_audit_findings(report, {"CVE-1": "not reachable"}, "uv.lock") == []


def test_skipped_dependency_is_reported() -> None:
    report = {"dependencies": [{"name": "local", "skip_reason": "not on PyPI"}]}

    assert security.skipped_dependencies(report) == ["local (not on PyPI)"]


def test_secret_in_the_baseline_is_accepted_and_a_new_one_found() -> None:
    baseline = {"results": {"a.py": [{DIGEST: "old", "is_secret": False}]}}
    report = {
        "results": {
            "a.py": [
                {"type": "Secret Keyword", DIGEST: "old", "line_number": 1},
                {"type": "AWS Access Key", DIGEST: "new", "line_number": 9},
            ]
        }
    }

    (found,) = security.secret_findings(report, security.baseline_secrets(baseline))

    assert (found.location, found.problem) == ("a.py:9", "AWS Access Key in the code")


def test_secret_confirmed_in_the_baseline_still_fails() -> None:
    baseline = {"results": {"a.py": [{DIGEST: "real", "is_secret": True}]}}

    assert security.baseline_secrets(baseline) == set()


def zizmor_issue(severity: str, *, ignored: bool = False) -> dict[str, Any]:
    return {
        "ident": "template-injection",
        "desc": "code injection via template expansion",
        "url": "https://docs.zizmor.sh/audits/#template-injection",
        "determinations": {"severity": severity},
        "ignored": ignored,
        "locations": [
            {
                "symbolic": {
                    "kind": "Primary",
                    "annotation": "may expand into attacker-controllable code",
                    "key": {"Local": {"verbatim_path": "/project/.github/workflows/ci.yml"}},
                },
                "concrete": {"location": {"start_point": {"row": 11}}},
            }
        ],
    }


def test_zizmor_finding_points_at_its_line() -> None:
    report = [
        zizmor_issue("High"),
        zizmor_issue("Informational"),
        zizmor_issue("Low", ignored=True),
    ]

    found = security.zizmor_findings(report, ROOT)

    assert [(f.severity, f.location) for f in found] == [
        ("high", ".github/workflows/ci.yml:12"),
        ("info", ".github/workflows/ci.yml:12"),
    ]


def test_hadolint_levels_map_to_severities() -> None:
    report = [
        {"level": "error", "file": "Dockerfile", "line": 3, "code": "DL3002", "message": "root"},
        {"level": "style", "file": "Dockerfile", "line": 5, "code": "DL3059", "message": "RUN"},
    ]

    found = security.hadolint_findings(report)

    assert [(f.severity, f.location) for f in found] == [
        ("high", "Dockerfile:3"),
        ("info", "Dockerfile:5"),
    ]


def test_ruff_finding_names_rule_and_line() -> None:
    report = [
        {
            "code": "S602",
            "message": "`subprocess` call with `shell=True`",
            "filename": "/project/src/app.py",
            "location": {"row": 4},
            "url": "https://docs.astral.sh/ruff/rules/",
        }
    ]

    (found,) = security.ruff_findings(report, ROOT)

    assert (found.location, found.problem.split(":")[0]) == ("src/app.py:4", "S602")


def test_threshold_depends_on_the_tier() -> None:
    low = finding("low")

    assert not security.fails(low, "standard")
    assert security.fails(low, "strict")
    assert security.fails(finding("medium"), "standard")
    assert not security.fails(finding("info"), "strict")


def test_exit_code_is_two_when_a_scanner_could_not_run() -> None:
    ran = ScanResult("bandit", "bandit", [finding("high")])
    broken = ScanResult("pip-audit", "could not run", error="no network")

    assert security.exit_code([ran], "standard") == 1
    assert security.exit_code([ran, broken], "standard") == 2
    assert security.exit_code([ScanResult("bandit", "bandit", [finding("low")])], "standard") == 0


def test_scanner_that_cannot_run_is_reported_never_passed() -> None:
    def broken(_options: Options) -> ScanResult:
        raise ScannerError("bandit is not installed")

    def nothing_to_scan(_options: Options) -> None:
        return None

    results = security.run_scanners(OPTIONS, [("bandit", broken), ("hadolint", nothing_to_scan)])

    console = Console(width=200, record=True)
    console.print(security.scanners_table(results, "standard"))
    assert [(r.tool, r.error) for r in results] == [("bandit", "bandit is not installed")]
    assert "could not run" in console.export_text()


def test_sarif_report_has_one_run_per_tool() -> None:
    results = [
        ScanResult("bandit", "bandit", [finding("high")]),
        ScanResult("pip-audit", "pip-audit", [finding("high", "pip-audit")]),
    ]

    sarif = security.sarif_report(results)

    assert [run["tool"]["driver"]["name"] for run in sarif["runs"]] == ["bandit", "pip-audit"]
    (result,) = sarif["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]
    assert (result["level"], location["region"]["startLine"]) == ("error", 3)


class FakeDistribution(metadata.Distribution):
    def __init__(self, **fields: str | list[str]) -> None:
        self._metadata = Message()
        for key, value in fields.items():
            for item in value if isinstance(value, list) else [value]:
                self._metadata[key.replace("_", "-")] = item

    @property
    def metadata(self) -> Any:
        return self._metadata

    @property
    def version(self) -> str:
        return "1.0"

    def read_text(self, filename: str) -> str | None:
        return None

    def locate_file(self, path: str | Any) -> Any:
        return Path(path)


@pytest.mark.parametrize(
    ("fields", "allowed"),
    [
        ({"License_Expression": "MIT"}, True),
        ({"License_Expression": "Apache-2.0 OR GPL-2.0-only"}, True),
        ({"License_Expression": "MIT AND GPL-3.0-only"}, False),
        ({"Classifier": ["License :: OSI Approved :: BSD License"]}, True),
        ({"Classifier": ["License :: OSI Approved :: GNU General Public License (GPL)"]}, False),
        ({"License": "MIT"}, True),
        ({"License": "3-Clause BSD License"}, True),
        ({"License": "Proprietary"}, False),
        ({}, False),
    ],
)
def test_license_allow_list(fields: dict[str, str | list[str]], allowed: bool) -> None:
    def find(_name: str) -> metadata.Distribution:
        return FakeDistribution(**fields)

    found = security.license_findings(["somelib"], find)

    assert (found == []) is allowed


def test_license_of_a_missing_distribution_is_a_finding() -> None:
    def find(name: str) -> metadata.Distribution:
        raise metadata.PackageNotFoundError(name)

    (found,) = security.license_findings(["ghost"], find)

    assert found.problem == "not installed"


@pytest.mark.parametrize(
    ("version", "affected"),
    [("2.11.3", True), ("3.1.5", True), ("3.1.6", False), ("4.0", False)],
)
def test_stand_in_matches_advisory_ranges(version: str, affected: bool) -> None:
    events = [{"introduced": "0"}, {"fixed": "3.1.6"}]

    assert advisories.in_range(Version(version), events) is affected


def test_stand_in_finds_advisories_by_normalised_name() -> None:
    vulns = advisories.load_advisories()

    ids = {vuln["id"] for vuln in advisories.matching(vulns, "Jinja2", "3.1.5")}

    assert ids == {"GHSA-cpwx-vrp4-4pq7"}
    assert advisories.matching(vulns, "jinja2", "not a version") == []


def test_summary_lists_each_scanner_and_whether_findings_fail() -> None:
    results = [
        ScanResult("bandit", "bandit", [finding("low")], seconds=1.25),
        ScanResult("pip-audit", "could not run", error="offline"),
    ]

    overview = security.summary(results, "standard")

    assert overview["exit_code"] == 2
    assert [(s["tool"], s["status"]) for s in overview["scanners"]] == [
        ("bandit", "passed"),
        ("pip-audit", "could not run"),
    ]
    assert overview["findings"][0]["fails"] is False
