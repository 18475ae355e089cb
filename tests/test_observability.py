"""The observability module: its questions, and what a render with it on or off holds."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts.common import ROOT, load_sample, render
from tests.conftest import snapshot

MODULE_FILES = [
    "src/keel_observability/observability/__init__.py",
    "src/keel_observability/observability/settings.py",
    "tests/unit/observability/test_logs.py",
    "tests/integration/observability/test_multiprocess.py",
    "deploy/observability/grafana-dashboard.json",
    "deploy/observability/alerts.yml",
    "docs/modules/observability.md",
]
DEPENDENCIES = {
    "structlog",
    "prometheus-client",
    "opentelemetry-sdk",
    "opentelemetry-instrumentation-fastapi",
    "opentelemetry-exporter-otlp-proto-http",
}
# (question, bad answer, part of the message that says how to fix it)
BAD_ANSWERS: list[tuple[str, Any, str]] = [
    ("observability", "on", "enabled"),
    ("observability", "prometheus", "disabled"),
    ("tracing_exporter", "zipkin", "otlp"),
    ("tracing_exporter", "jaeger", "none"),
]


@pytest.fixture
def observability_answers() -> dict[str, Any]:
    return load_sample("observability")


def dependency_names(project: Path) -> set[str]:
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    return {re.split(r"[<>=\[ ]", spec)[0] for spec in pyproject["project"]["dependencies"]}


@pytest.mark.parametrize(("question", "value", "hint"), BAD_ANSWERS)
def test_bad_answer_is_refused_and_nothing_is_written(
    existing_folder: Path,
    observability_answers: dict[str, Any],
    question: str,
    value: Any,
    hint: str,
) -> None:
    before = snapshot(existing_folder)

    with pytest.raises(ValueError, match=question) as excinfo:
        render({**observability_answers, question: value}, existing_folder)

    assert hint in str(excinfo.value)
    assert snapshot(existing_folder) == before


def test_the_validators_name_the_question_and_the_fix() -> None:
    questions = yaml.safe_load((ROOT / "questions" / "observability.yml").read_text())

    for name in ("observability", "tracing_exporter"):
        assert name in questions[name]["validator"]
        assert "answer" in questions[name]["validator"]
    assert next(iter(questions)) == "observability"
    assert questions["observability"]["default"] == "disabled"


def test_enabled_render_holds_the_module(
    tmp_path: Path, observability_answers: dict[str, Any]
) -> None:
    project = render(observability_answers, tmp_path / "on")

    for name in MODULE_FILES:
        assert (project / name).is_file(), name
    assert dependency_names(project) >= DEPENDENCIES
    modules = (project / "src/keel_observability/modules.py").read_text(encoding="utf-8")
    assert "install_observability(app, settings)" in modules
    settings = (project / "src/keel_observability/settings.py").read_text(encoding="utf-8")
    assert "ObservabilitySettings," in settings
    conftest = (project / "tests/conftest.py").read_text(encoding="utf-8")
    assert 'overrides["otel_traces_exporter"] = "none"' in conftest
    assert "modules/observability.md" in (project / "mkdocs.yml").read_text(encoding="utf-8")
    assert "**Observability**" in (project / "README.md").read_text(encoding="utf-8")
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert (answers["observability"], answers["tracing_exporter"]) == ("enabled", "otlp")


def test_disabled_render_has_no_trace_of_the_module(tmp_path: Path) -> None:
    project = render(load_sample("default"), tmp_path / "off")

    for name in MODULE_FILES:
        assert not (project / name.replace("keel_observability", "keel_default")).exists()
    assert not (project / "deploy" / "observability").exists()
    assert not DEPENDENCIES & dependency_names(project)
    for path in (project / "src").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "observability" not in text, path
        assert "opentelemetry" not in text, path
    assert "OTEL_" not in (project / ".env.example").read_text(encoding="utf-8")
    answers = (project / ".copier-answers.yml").read_text(encoding="utf-8")
    assert "tracing_exporter" not in answers


@pytest.mark.parametrize("exporter", ["otlp", "console", "none"])
def test_the_exporter_answer_is_the_default_setting(
    tmp_path: Path, observability_answers: dict[str, Any], exporter: str
) -> None:
    project = render({**observability_answers, "tracing_exporter": exporter}, tmp_path / exporter)

    settings = (project / "src/keel_observability/observability/settings.py").read_text()
    assert f'otel_traces_exporter: TracesExporter = "{exporter}"' in settings
    env_example = (project / ".env.example").read_text(encoding="utf-8")
    assert f"OTEL_TRACES_EXPORTER={exporter}\n" in env_example


def test_dashboard_and_alerts_name_only_metrics_the_code_defines(
    tmp_path: Path, observability_answers: dict[str, Any]
) -> None:
    project = render(observability_answers, tmp_path / "on")
    metrics_code = (project / "src/keel_observability/observability/metrics.py").read_text()
    defined = set(re.findall(r'(?:Counter|Histogram|Gauge)\(\s*"(\w+)"', metrics_code))
    exported = {"http_requests_total", "http_requests_in_progress"} | {
        f"http_request_duration_seconds_{suffix}" for suffix in ("bucket", "sum", "count")
    }
    assert defined == {
        "http_requests",
        "http_request_duration_seconds",
        "http_requests_in_progress",
    }
    deploy = project / "deploy" / "observability"
    dashboard = json.loads((deploy / "grafana-dashboard.json").read_text(encoding="utf-8"))
    alerts = yaml.safe_load((deploy / "alerts.yml").read_text(encoding="utf-8"))
    expressions = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    expressions += [rule["expr"] for group in alerts["groups"] for rule in group["rules"]]

    used = {name for expr in expressions for name in re.findall(r"\bhttp_\w+", expr)}

    assert used <= exported
    assert dashboard["title"] == "Keel Observability"
    assert len(dashboard["uid"]) <= 40
