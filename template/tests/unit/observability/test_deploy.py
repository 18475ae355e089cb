"""The Grafana dashboard and the alert rules use only metrics the service exports."""

import json
import re
from pathlib import Path
from typing import Any

import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient

DEPLOY = Path(__file__).resolve().parents[3] / "deploy" / "observability"
# PromQL without its label matchers, ranges, grouping clauses, strings and variables.
NOT_NAMES = [
    re.compile(r"\{[^}]*\}"),
    re.compile(r"\[[^\]]*\]"),
    re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)"),
    re.compile(r'"[^"]*"'),
    re.compile(r"\$\w+"),
]
IDENTIFIER = re.compile(r"(?<![\w.])([A-Za-z_:][\w:]*)\b(\s*\()?")
KEYWORDS = {"and", "or", "unless", "bool", "offset", "group_left", "group_right"}


def metric_names(expr: str) -> set[str]:
    for pattern in NOT_NAMES:
        expr = pattern.sub(" ", expr)
    return {
        match[1]
        for match in IDENTIFIER.finditer(expr)
        if match[2] is None and match[1] not in KEYWORDS
    }


def dashboard() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (DEPLOY / "grafana-dashboard.json").read_text(encoding="utf-8")
    )
    return loaded


def alert_rules() -> list[dict[str, Any]]:
    loaded = yaml.safe_load((DEPLOY / "alerts.yml").read_text(encoding="utf-8"))
    return [rule for group in loaded["groups"] for rule in group["rules"]]


def dashboard_names() -> set[str]:
    names: set[str] = set()
    for panel in dashboard()["panels"]:
        for target in panel["targets"]:
            names |= metric_names(target["expr"])
    for variable in dashboard()["templating"]["list"]:
        if variable["type"] == "query":
            names |= set(re.findall(r"label_values\((\w+),", variable["definition"]))
    return names


def exported_names(app: FastAPI) -> set[str]:
    with TestClient(app) as client:
        client.get("/health")
        client.get("/ready")
    registry = app.state.metrics.registry
    return {sample.name for family in registry.collect() for sample in family.samples}


def test_the_expression_parser_finds_metric_names() -> None:
    expr = (
        'histogram_quantile(0.95, sum by (job, le) (rate(a_bucket{job=~"$job"}[5m])))'
        " / on (job) group_left b_total > bool 0.5"
    )

    assert metric_names(expr) == {"a_bucket", "b_total"}


# A module's marker metric -> the metrics the dashboard must chart and the alerts it adds.
POOL = {"db_pool_connections_checked_out", "db_pool_size"}
MODULE_METRICS = {
    "db_pool_size": (POOL, {"DatabasePoolSaturated"}),
    "tasks_enqueued_total": ({"tasks_enqueued_total"}, set()),
}


def expected_for(exported: set[str]) -> tuple[set[str], set[str]]:
    """The metric names the dashboard must chart and the alerts it must have, for ``exported``."""
    names = {"http_requests_total", "http_request_duration_seconds_bucket"}
    alerts = {"HighErrorRate", "HighLatencyP95", "ReadinessFailing"}
    for marker, (module_names, module_alerts) in MODULE_METRICS.items():
        if marker in exported:
            names |= module_names
            alerts |= module_alerts
    return names, alerts


def test_the_dashboard_uses_only_exported_metrics(app: FastAPI) -> None:
    names = dashboard_names()
    exported = exported_names(app)

    assert expected_for(exported)[0] <= names
    assert names <= exported


def test_the_alert_rules_use_only_exported_metrics(app: FastAPI) -> None:
    rules = alert_rules()
    names = set().union(*(metric_names(rule["expr"]) for rule in rules))
    exported = exported_names(app)

    assert {rule["alert"] for rule in rules} == expected_for(exported)[1]
    assert names <= exported
    for rule in rules:
        assert {"summary", "description"} <= set(rule["annotations"])
        assert rule["labels"]["severity"] in {"page", "ticket"}


def test_every_panel_has_a_unique_id_and_a_query() -> None:
    panels = dashboard()["panels"]

    assert len({panel["id"] for panel in panels}) == len(panels)
    assert all(panel["targets"] for panel in panels)
