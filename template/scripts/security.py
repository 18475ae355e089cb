"""Run every security scanner of a tier and print one summary of what to fix.

    uv run poe security                              # the tier chosen for this project
    uv run python scripts/security.py --tier strict  # another tier, once

Tiers:

- standard: bandit (medium and high severity fail), pip-audit on the locked runtime
  dependencies, detect-secrets against `.secrets.baseline`, zizmor on the workflows, and
  hadolint on every Dockerfile.
- strict: everything in standard, plus ruff's security rules (S) over all the code,
  low-severity bandit and zizmor findings, the dev and docs dependencies audited too, a
  CycloneDX SBOM of the runtime dependencies and a license allow-list check.

Every finding at or above the tier's threshold fails the run (exit code 1). A scanner that
cannot run is reported as such and fails the run too (exit code 2): it is never a pass.
The findings are also written as SARIF to `build/security/security.sarif` for code scanning,
and with each scanner's outcome and time to `build/security/summary.json`.

pip-audit asks PyPI's vulnerability service by default. `PIP_AUDIT_VULNERABILITY_SERVICE`
and `PIP_AUDIT_OSV_URL` choose another service, e.g. an OSV mirror.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess  # nosec B404 - runs the scanners installed in this environment
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
REPORT_DIR = Path("build") / "security"
SCAN_TIMEOUT = 600
# "info" findings are shown but never fail a run, whatever the tier.
SEVERITIES = ("info", "low", "medium", "high", "critical")
THRESHOLDS = {"standard": "medium", "strict": "low"}
# Python code bandit scans; tests are held to ruff's S rules through `poe lint`.
CODE_DIRS = ("src", "scripts")
# Never scanned for secrets: tools' caches, environments, build output and lock files
# (whose hashes look like secrets). `.env` holds local settings and is never committed.
LEAK_SCAN_EXCLUDE = (
    r"(^|/)(\.git|\.venv|\.mypy_cache|\.pytest_cache|\.ruff_cache|build|dist|site|htmlcov)/"
    r"|(^|/)uv\.lock$|(^|/)\.secrets\.baseline$|(^|/)\.env$|(^|/)\.coverage"
)
# Licenses a runtime dependency may carry (SPDX identifiers): permissive ones, and the weak
# copyleft LGPL (e.g. psycopg), which a service may use unmodified. Add one only after
# checking that it fits how the service is distributed.
ALLOWED_LICENSES = frozenset(
    {
        "0BSD",
        "Apache-2.0",
        "BSD-2-Clause",
        "BSD-3-Clause",
        "CNRI-Python",
        "HPND",
        "ISC",
        "LGPL-2.1-only",
        "LGPL-2.1-or-later",
        "LGPL-3.0-only",
        "LGPL-3.0-or-later",
        "MIT",
        "MIT-0",
        "MIT-CMU",
        "MPL-2.0",
        "PSF-2.0",
        "Python-2.0",
        "Unlicense",
        "Zlib",
    }
)
# Trove classifiers and free-text license names, as SPDX identifiers.
LICENSE_NAMES = {
    "3-clause bsd license": "BSD-3-Clause",
    "apache 2.0": "Apache-2.0",
    "apache license 2.0": "Apache-2.0",
    "apache software license": "Apache-2.0",
    "apache-2.0": "Apache-2.0",
    "bsd": "BSD-3-Clause",
    "bsd license": "BSD-3-Clause",
    "bsd-2-clause": "BSD-2-Clause",
    "bsd-3-clause": "BSD-3-Clause",
    "bsd 3-clause": "BSD-3-Clause",
    "new bsd license": "BSD-3-Clause",
    "gnu lesser general public license v2 or later (lgplv2+)": "LGPL-2.1-or-later",
    "gnu lesser general public license v3 (lgplv3)": "LGPL-3.0-only",
    "gnu lesser general public license v3 or later (lgplv3+)": "LGPL-3.0-or-later",
    "historical permission notice and disclaimer (hpnd)": "HPND",
    "isc license (iscl)": "ISC",
    "mit": "MIT",
    "mit license": "MIT",
    "mozilla public license 2.0 (mpl 2.0)": "MPL-2.0",
    "python software foundation license": "PSF-2.0",
    "the unlicense (unlicense)": "Unlicense",
}
LICENSE_OPERATORS = re.compile(r"\s+(?:AND|OR|WITH)\s+|[()]")


@dataclass(frozen=True)
class Finding:
    tool: str
    severity: str  # one of SEVERITIES
    location: str
    problem: str
    advice: str


@dataclass
class ScanResult:
    """What one scanner found, or why it could not run (``error``)."""

    tool: str
    ran: str
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0


@dataclass(frozen=True)
class Options:
    tier: str
    root: Path
    ignored_vulnerabilities: dict[str, str]


class ScannerError(Exception):
    """A scanner could not run or gave output that cannot be read."""


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


def fails(finding: Finding, tier: str) -> bool:
    return severity_rank(finding.severity) >= severity_rank(THRESHOLDS[tier])


def tool_path(name: str) -> Path:
    """A console script of this environment: the scanners are dev dependencies."""
    path = Path(sys.executable).parent / name
    if not path.exists():
        msg = f"{name} is not installed in {path.parent}: run `uv sync`"
        raise ScannerError(msg)
    return path


def run(argv: Sequence[str | Path], root: Path, *, ok: Iterable[int] = (0,)) -> str:
    """Run a scanner and return its standard output; unexpected exit codes raise."""
    try:
        result = subprocess.run(  # noqa: S603 # nosec B603 - fixed argv, no shell
            [str(arg) for arg in argv],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=SCAN_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ScannerError(str(exc)) from exc
    if result.returncode not in set(ok):
        output = (result.stderr or result.stdout).strip()
        msg = f"exit code {result.returncode}: {output[-2000:]}"
        raise ScannerError(msg)
    return result.stdout


def parse_json(text: str, tool: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        msg = f"{tool} gave output that is not JSON: {text[:300]!r}"
        raise ScannerError(msg) from exc


def relative(path: str, root: Path) -> str:
    candidate = Path(path)
    if candidate.is_absolute() and candidate.is_relative_to(root):
        return str(candidate.relative_to(root))
    return str(candidate).removeprefix("./")


# bandit ------------------------------------------------------------------------------------


def bandit_findings(report: dict[str, Any], root: Path) -> list[Finding]:
    findings = []
    for issue in report.get("results", []):
        test = f"{issue['test_id']} {issue['test_name']}"
        findings.append(
            Finding(
                tool="bandit",
                severity=issue["issue_severity"].lower(),
                location=f"{relative(issue['filename'], root)}:{issue['line_number']}",
                problem=f"{test}: {issue['issue_text']}",
                advice=(
                    f"fix the code ({issue['more_info']}), or mark the line "
                    f"`# nosec {issue['test_id']} - <reason>`"
                ),
            )
        )
    return findings


def scan_bandit(options: Options) -> ScanResult:
    targets = [name for name in CODE_DIRS if (options.root / name).is_dir()]
    ran = f"bandit over {', '.join(targets)}"
    output = run(
        [tool_path("bandit"), "--recursive", "--format", "json", "--quiet", *targets],
        options.root,
        ok=(0, 1),
    )
    report = parse_json(output, "bandit")
    if report.get("errors"):
        problems = "; ".join(f"{e['filename']}: {e['reason']}" for e in report["errors"])
        raise ScannerError(f"bandit could not read every file: {problems}")
    return ScanResult("bandit", ran, bandit_findings(report, options.root))


# pip-audit ---------------------------------------------------------------------------------


def advisory_ids(vuln: dict[str, Any]) -> list[str]:
    """The advisory's ids, GitHub's (GHSA) first, then PyPA's (PYSEC), then CVEs."""
    order = ("GHSA-", "PYSEC-", "CVE-")
    ids = sorted({vuln["id"], *vuln.get("aliases", [])})
    return sorted(ids, key=lambda i: next((n for n, p in enumerate(order) if i.startswith(p)), 3))


def nearest_fix(installed: str, fixes: Sequence[str]) -> str | None:
    """The lowest fixed version above ``installed`` (fixes may span release branches)."""
    try:
        current = Version(installed)
        above = [Version(fix) for fix in fixes if Version(fix) > current]
    except InvalidVersion:
        return fixes[-1] if fixes else None
    return str(min(above)) if above else None


def vulnerability_advice(name: str, vuln: dict[str, Any], installed: str = "0") -> str:
    ids = ", ".join(advisory_ids(vuln))
    fixed = nearest_fix(installed, vuln.get("fix_versions") or [])
    if fixed:
        return f"upgrade {name} to {fixed} or later ({ids})"
    return f"no fixed release of {name} yet: remove it or replace it ({ids})"


def pip_audit_findings(
    report: dict[str, Any], ignored: dict[str, str], location: str
) -> list[Finding]:
    findings = []
    for dependency in report.get("dependencies", []):
        name, version = dependency["name"], dependency.get("version", "?")
        for vuln in dependency.get("vulns", []):
            if {vuln["id"], *vuln.get("aliases", [])} & ignored.keys():
                continue
            description = " ".join(str(vuln.get("description") or "").split())
            findings.append(
                Finding(
                    tool="pip-audit",
                    severity="high",
                    location=f"{location}: {name} {version}",
                    problem=f"{advisory_ids(vuln)[0]}: {description[:200]}",
                    advice=vulnerability_advice(name, vuln, version),
                )
            )
    return findings


def skipped_dependencies(report: dict[str, Any]) -> list[str]:
    return [
        f"{dependency['name']} ({dependency['skip_reason']})"
        for dependency in report.get("dependencies", [])
        if dependency.get("skip_reason")
    ]


def audit_requirements(requirements: Path, options: Options, location: str) -> ScanResult:
    """pip-audit over a fully pinned requirements file (no resolution, no pip)."""
    service = os.environ.get("PIP_AUDIT_VULNERABILITY_SERVICE", "pypi")
    where = os.environ.get("PIP_AUDIT_OSV_URL", "") if service == "osv" else ""
    ran = f"pip-audit of {location} against {service} {where}".rstrip()
    argv: list[str | Path] = [
        tool_path("pip-audit"),
        "--requirement",
        requirements,
        "--no-deps",
        "--disable-pip",
        "--strict",
        "--format",
        "json",
        "--progress-spinner",
        "off",
    ]
    output = run(argv, options.root, ok=(0, 1))
    report = parse_json(output, "pip-audit")
    skipped = skipped_dependencies(report)
    if skipped:
        raise ScannerError(f"pip-audit could not audit {', '.join(skipped)}")
    findings = pip_audit_findings(report, options.ignored_vulnerabilities, location)
    return ScanResult("pip-audit", ran, findings)


def uv_path() -> str:
    found = os.environ.get("UV") or shutil.which("uv")
    if not found:
        msg = "uv is not on PATH: it exports the locked dependencies"
        raise ScannerError(msg)
    return found


def export_lock(options: Options, destination: Path, *, all_groups: bool) -> Path:
    if not (options.root / "uv.lock").is_file():
        msg = "uv.lock is missing: run `uv lock` and commit it"
        raise ScannerError(msg)
    groups = "--all-groups" if all_groups else "--no-default-groups"
    run(
        [
            uv_path(),
            "export",
            "--frozen",
            "--format",
            "requirements.txt",
            "--no-emit-project",
            "--no-hashes",
            "--quiet",
            groups,
            "--output-file",
            destination,
        ],
        options.root,
    )
    return destination


def scan_dependencies(options: Options) -> ScanResult:
    strict = options.tier == "strict"
    with tempfile.TemporaryDirectory(prefix="security-") as scratch:
        requirements = export_lock(options, Path(scratch, "locked.txt"), all_groups=strict)
        which = "uv.lock (every group)" if strict else "uv.lock (runtime)"
        return audit_requirements(requirements, options, which)


# detect-secrets ----------------------------------------------------------------------------


def baseline_secrets(baseline: dict[str, Any]) -> set[tuple[str, str]]:
    """(file, hashed secret) of every secret the baseline accepts."""
    return {
        (filename, secret["hashed_secret"])
        for filename, secrets in baseline.get("results", {}).items()
        for secret in secrets
        if secret.get("is_secret") is not True
    }


def secret_findings(report: dict[str, Any], accepted: set[tuple[str, str]]) -> list[Finding]:
    findings = []
    for filename, secrets in sorted(report.get("results", {}).items()):
        for secret in secrets:
            if (filename, secret["hashed_secret"]) in accepted:
                continue
            findings.append(
                Finding(
                    tool="detect-secrets",
                    severity="high",
                    location=f"{filename}:{secret['line_number']}",
                    problem=f"{secret['type']} in the code",
                    advice=(
                        "remove it, rotate it and read it from the environment; if it is "
                        "not a secret, end the line with `# pragma: allowlist secret`"
                    ),
                )
            )
    return findings


def scan_secrets(options: Options) -> ScanResult:
    baseline_path = options.root / ".secrets.baseline"
    if not baseline_path.is_file():
        msg = (
            ".secrets.baseline is missing: create it with `detect-secrets scan > .secrets.baseline`"
        )
        raise ScannerError(msg)
    baseline = parse_json(baseline_path.read_text(encoding="utf-8"), ".secrets.baseline")
    output = run(
        [tool_path("detect-secrets"), "scan", "--all-files", "--exclude-files", LEAK_SCAN_EXCLUDE],
        options.root,
    )
    report = parse_json(output, "detect-secrets")
    findings = secret_findings(report, baseline_secrets(baseline))
    return ScanResult("detect-secrets", "detect-secrets over every file", findings)


# zizmor ------------------------------------------------------------------------------------


def zizmor_findings(report: list[dict[str, Any]], root: Path) -> list[Finding]:
    findings = []
    for issue in report:
        if issue.get("ignored"):
            continue
        severity = issue["determinations"]["severity"].lower()
        primary = next(
            (place for place in issue["locations"] if place["symbolic"]["kind"] == "Primary"),
            issue["locations"][0],
        )
        path = primary["symbolic"]["key"]["Local"]["verbatim_path"]
        line = primary["concrete"]["location"]["start_point"]["row"] + 1
        annotation = primary["symbolic"].get("annotation", "")
        findings.append(
            Finding(
                tool="zizmor",
                severity="info" if severity in {"informational", "unknown"} else severity,
                location=f"{relative(path, root)}:{line}",
                problem=f"{issue['ident']}: {issue['desc']} ({annotation})",
                advice=f"see {issue['url']}, or add `# zizmor: ignore[{issue['ident']}]`",
            )
        )
    return findings


def scan_workflows(options: Options) -> ScanResult:
    if not (options.root / ".github").is_dir():
        return ScanResult("zizmor", "no .github folder: nothing to audit")
    output = run(
        [tool_path("zizmor"), "--offline", "--no-progress", "--format", "json", ".github"],
        options.root,
        ok=(0, *range(10, 15)),  # 10-14: findings of increasing severity
    )
    report = parse_json(output, "zizmor")
    return ScanResult("zizmor", "zizmor over .github", zizmor_findings(report, options.root))


# hadolint ----------------------------------------------------------------------------------


def dockerfiles(root: Path) -> list[Path]:
    found = [
        *root.glob("Dockerfile*"),
        *root.glob("*.Dockerfile"),
        *root.glob("docker/**/Dockerfile*"),
    ]
    return sorted(path.relative_to(root) for path in found if path.is_file())


def hadolint_findings(report: list[dict[str, Any]]) -> list[Finding]:
    levels = {"error": "high", "warning": "medium", "info": "low", "style": "info"}
    return [
        Finding(
            tool="hadolint",
            severity=levels.get(issue["level"], "info"),
            location=f"{issue['file']}:{issue['line']}",
            problem=f"{issue['code']}: {issue['message']}",
            advice=f"fix the instruction, or add `# hadolint ignore={issue['code']}` above it",
        )
        for issue in report
    ]


def scan_dockerfiles(options: Options) -> ScanResult | None:
    files = dockerfiles(options.root)
    if not files:
        return None
    output = run(
        [tool_path("hadolint"), "--format", "json", "--no-fail", *files],
        options.root,
    )
    report = parse_json(output or "[]", "hadolint")
    ran = f"hadolint over {', '.join(map(str, files))}"
    return ScanResult("hadolint", ran, hadolint_findings(report))


# strict only -------------------------------------------------------------------------------


def ruff_findings(report: list[dict[str, Any]], root: Path) -> list[Finding]:
    return [
        Finding(
            tool="ruff",
            severity="medium",
            location=f"{relative(issue['filename'], root)}:{issue['location']['row']}",
            problem=f"{issue['code']}: {issue['message']}",
            advice=f"fix the code ({issue['url']}), or add `# noqa: {issue['code']} - <reason>`",
        )
        for issue in report
    ]


def scan_ruff_security(options: Options) -> ScanResult:
    output = run(
        [tool_path("ruff"), "check", "--select", "S", "--no-fix", "--output-format", "json", "."],
        options.root,
        ok=(0, 1),
    )
    report = parse_json(output, "ruff")
    return ScanResult(
        "ruff", "ruff's S rules over the project", ruff_findings(report, options.root)
    )


def scan_sbom(options: Options) -> ScanResult:
    target = options.root / REPORT_DIR / "sbom.cdx.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="security-") as scratch:
        requirements = export_lock(options, Path(scratch, "runtime.txt"), all_groups=False)
        run(
            [
                tool_path("cyclonedx-py"),
                "requirements",
                "--pyproject",
                "pyproject.toml",
                "--output-reproducible",
                "--output-file",
                target,
                requirements,
            ],
            options.root,
        )
    sbom = parse_json(target.read_text(encoding="utf-8"), "cyclonedx-py")
    components = len(sbom.get("components", []))
    where = target.relative_to(options.root)
    return ScanResult("cyclonedx", f"SBOM of {components} components written to {where}")


def metadata_field(distribution: metadata.Distribution, name: str) -> str:
    """One core-metadata field of a distribution ("" when it has none)."""
    values = distribution.metadata.get_all(name) or []
    return str(values[0]) if values else ""


def spdx_licenses(distribution: metadata.Distribution) -> list[str]:
    """The license identifiers a distribution declares, most precise source first."""
    meta = distribution.metadata
    expression = metadata_field(distribution, "License-Expression")
    if expression:
        return [part for part in LICENSE_OPERATORS.split(expression) if part and part.strip()]
    classifiers = [
        value.rsplit("::", 1)[-1].strip()
        for value in meta.get_all("Classifier") or []
        if value.startswith("License ::") and value.count("::") >= 2
    ]
    names = classifiers or [metadata_field(distribution, "License")]
    return [LICENSE_NAMES.get(name.strip().lower(), name.strip()) for name in names if name]


def license_findings(
    names: Iterable[str], find: Callable[[str], metadata.Distribution]
) -> list[Finding]:
    findings = []
    for name in sorted(names):
        try:
            distribution = find(name)
        except metadata.PackageNotFoundError:
            findings.append(
                Finding("licenses", "medium", f"uv.lock: {name}", "not installed", "run `uv sync`")
            )
            continue
        licenses = spdx_licenses(distribution)
        refused = [item for item in licenses if item not in ALLOWED_LICENSES]
        either = " OR " in metadata_field(distribution, "License-Expression")
        if licenses and (not refused or (either and len(refused) < len(licenses))):
            continue
        found = ", ".join(licenses) or "no license metadata"
        findings.append(
            Finding(
                tool="licenses",
                severity="medium",
                location=f"uv.lock: {name} {distribution.version}",
                problem=f"license not on the allow-list: {found}",
                advice=(
                    "replace the dependency, or, once the license is approved, add its SPDX "
                    "identifier to ALLOWED_LICENSES in scripts/security.py"
                ),
            )
        )
    return findings


def requirement_names(requirements: Path) -> list[str]:
    names = []
    for line in requirements.read_text(encoding="utf-8").splitlines():
        match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==", line.strip())
        if match:
            names.append(match[1])
    return names


def scan_licenses(options: Options) -> ScanResult:
    with tempfile.TemporaryDirectory(prefix="security-") as scratch:
        requirements = export_lock(options, Path(scratch, "runtime.txt"), all_groups=False)
        names = requirement_names(requirements)
    findings = license_findings(names, metadata.distribution)
    return ScanResult("licenses", f"licenses of {len(names)} runtime dependencies", findings)


# running and reporting ---------------------------------------------------------------------

Scanner = Callable[[Options], "ScanResult | None"]
STANDARD: tuple[tuple[str, Scanner], ...] = (
    ("bandit", scan_bandit),
    ("pip-audit", scan_dependencies),
    ("detect-secrets", scan_secrets),
    ("zizmor", scan_workflows),
    ("hadolint", scan_dockerfiles),
)
STRICT: tuple[tuple[str, Scanner], ...] = (
    *STANDARD,
    ("ruff", scan_ruff_security),
    ("cyclonedx", scan_sbom),
    ("licenses", scan_licenses),
)
SCANNERS = {"standard": STANDARD, "strict": STRICT}


def run_scanners(options: Options, scanners: Sequence[tuple[str, Scanner]]) -> list[ScanResult]:
    results = []
    for name, scanner in scanners:
        started = time.perf_counter()
        try:
            result = scanner(options)
        except ScannerError as exc:
            result = ScanResult(name, "could not run", error=str(exc))
        if result is not None:
            result.seconds = time.perf_counter() - started
            results.append(result)
    return results


def status(result: ScanResult, tier: str) -> str:
    if result.error:
        return "could not run"
    failing = sum(fails(finding, tier) for finding in result.findings)
    return f"{failing} failing" if failing else "passed"


def exit_code(results: Sequence[ScanResult], tier: str) -> int:
    if any(result.error for result in results):
        return 2
    if any(fails(finding, tier) for result in results for finding in result.findings):
        return 1
    return 0


def scanners_table(results: Sequence[ScanResult], tier: str) -> Table:
    table = Table(title=f"Security scanners ({tier} tier)")
    for column in ("tool", "result", "seconds", "what ran"):
        table.add_column(column)
    for result in results:
        outcome = status(result, tier)
        colour = "green" if outcome == "passed" else "red"
        seconds = f"{result.seconds:.1f}"
        table.add_row(result.tool, f"[{colour}]{outcome}[/]", seconds, result.error or result.ran)
    return table


def findings_table(results: Sequence[ScanResult], tier: str) -> Table:
    table = Table(title="Findings", show_lines=True)
    for column in ("tool", "severity", "location", "problem", "what to do"):
        table.add_column(column, overflow="fold")
    findings = [finding for result in results for finding in result.findings]
    findings.sort(key=lambda finding: -severity_rank(finding.severity))
    for finding in findings:
        colour = "red" if fails(finding, tier) else "yellow"
        severity = f"[{colour}]{finding.severity}[/]"
        table.add_row(finding.tool, severity, finding.location, finding.problem, finding.advice)
    return table


SARIF_LEVELS = {
    "info": "note",
    "low": "note",
    "medium": "warning",
    "high": "error",
    "critical": "error",
}


def sarif_report(results: Sequence[ScanResult]) -> dict[str, Any]:
    runs = []
    for result in results:
        sarif_results = []
        for finding in result.findings:
            path, _, line = finding.location.partition(":")
            region = {"startLine": int(line)} if line.isdigit() else {"startLine": 1}
            sarif_results.append(
                {
                    "ruleId": finding.problem.split(":", 1)[0],
                    "level": SARIF_LEVELS[finding.severity],
                    "message": {"text": f"{finding.problem}. {finding.advice}"},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": path.strip()},
                                "region": region,
                            }
                        }
                    ],
                }
            )
        runs.append({"tool": {"driver": {"name": result.tool}}, "results": sarif_results})
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": runs,
    }


def summary(results: Sequence[ScanResult], tier: str) -> dict[str, Any]:
    """What build/security/summary.json holds: each scanner's outcome, and the findings."""
    return {
        "tier": tier,
        "threshold": THRESHOLDS[tier],
        "exit_code": exit_code(results, tier),
        "scanners": [
            {
                "tool": result.tool,
                "status": status(result, tier),
                "ran": result.ran,
                "error": result.error,
                "seconds": round(result.seconds, 3),
            }
            for result in results
        ],
        "findings": [
            {**asdict(finding), "fails": fails(finding, tier)}
            for result in results
            for finding in result.findings
        ],
    }


def ignored_vulnerabilities(root: Path) -> dict[str, str]:
    """[tool.security] ignore-vulnerabilities: advisory id -> the reason it is accepted."""
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return {}
    config = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    ignored = config.get("tool", {}).get("security", {}).get("ignore-vulnerabilities", {})
    if not isinstance(ignored, dict):
        msg = "[tool.security] ignore-vulnerabilities must map advisory ids to reasons"
        raise ValueError(msg)
    missing = [vuln for vuln, reason in ignored.items() if not str(reason).strip()]
    if missing:
        msg = f"[tool.security] ignore-vulnerabilities: give a reason for {', '.join(missing)}"
        raise ValueError(msg)
    return {str(vuln): str(reason) for vuln, reason in ignored.items()}


def main(argv: Sequence[str] | None = None, *, root: Path = ROOT) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tier", choices=sorted(SCANNERS), default="standard")
    args = parser.parse_args(argv)
    console = Console(width=max(Console().width, 140))
    try:
        options = Options(args.tier, root, ignored_vulnerabilities(root))
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        console.print(f"[red]pyproject.toml: {exc}[/]")
        return 2

    results = run_scanners(options, SCANNERS[args.tier])

    report_dir = root / REPORT_DIR
    report_dir.mkdir(parents=True, exist_ok=True)
    sarif = json.dumps(sarif_report(results), indent=2)
    (report_dir / "security.sarif").write_text(sarif + "\n", encoding="utf-8")
    overview = json.dumps(summary(results, args.tier), indent=2)
    (report_dir / "summary.json").write_text(overview + "\n", encoding="utf-8")
    console.print(scanners_table(results, args.tier))
    if any(result.findings for result in results):
        console.print(findings_table(results, args.tier))
    for vuln, reason in sorted(options.ignored_vulnerabilities.items()):
        console.print(f"accepted {vuln}: {reason}")
    code = exit_code(results, args.tier)
    verdict = {
        0: "[green]no finding at or above the threshold[/]",
        1: f"[red]findings at or above {THRESHOLDS[args.tier]} severity: fix them[/]",
        2: "[red]a scanner could not run: the scan is incomplete[/]",
    }
    console.print(verdict[code])
    return code


if __name__ == "__main__":
    sys.exit(main())
