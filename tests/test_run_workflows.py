"""The local workflow runner evaluates what GitHub would, and fails when GitHub would."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.run_workflows import (
    evaluate,
    map_services,
    matrix_combinations,
    point_urls_at,
    read_pairs,
    run_workflows,
    service_databases,
    substitute,
)

CONTEXT = {
    "matrix": {"python": "3.12"},
    "steps": {"check": {"outputs": {"available": "true"}}},
    "github": {"event_name": "push"},
    "env": {},
}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("steps.check.outputs.available == 'true'", True),
        ("steps.check.outputs.available != 'true'", False),
        ("steps.missing.outputs.x == 'true'", False),
        ("github.event_name == 'schedule' || matrix.python == '3.12'", True),
        ("!(github.event_name == 'push') && always()", False),
        ("contains('push pull_request', github.event_name)", True),
        ("startsWith(matrix.python, '3.')", True),
    ],
)
def test_expressions(expression: str, expected: bool) -> None:
    assert evaluate(expression, CONTEXT) is expected


def test_failure_and_success_follow_the_job_state() -> None:
    assert evaluate("failure()", CONTEXT, failed=True) is True
    assert evaluate("success()", CONTEXT, failed=True) is False


def test_substitution_in_values() -> None:
    assert substitute("py${{ matrix.python }}-${{ github.event_name }}", CONTEXT) == "py3.12-push"


def test_outputs_file_with_single_and_multiline_values(tmp_path: Path) -> None:
    outputs = tmp_path / "out"
    outputs.write_text("branch=update/1\nnotes<<EOF\nline one\nline two\nEOF\nok=true\n")

    assert read_pairs(outputs) == {
        "branch": "update/1",
        "notes": "line one\nline two",
        "ok": "true",
    }


def test_service_hostnames_point_at_loopback() -> None:
    env = {"DATABASE_URL": "postgresql://postgres@postgres:5432/app", "OTHER": "postgres"}

    assert map_services(env, {"postgres": {}}) == {
        "DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/app",
        "OTHER": "postgres",
    }


def test_databases_of_service_containers_are_found() -> None:
    services = {
        "postgres": {"image": "postgres:17", "env": {"POSTGRES_DB": "orders"}},
        "mysql": {"image": "docker.io/library/mysql:8.4", "env": {"MYSQL_DATABASE": "shop"}},
        "redis": {"image": "redis:7"},
        "odd": {"image": "postgres:17", "env": {"POSTGRES_DB": "x; DROP DATABASE y"}},
    }

    assert service_databases(services) == [("postgres", "orders"), ("mysql", "shop")]


def test_database_urls_follow_the_renamed_database() -> None:
    env = {
        "DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:5432/orders",
        "WITH_QUERY": "mysql+pymysql://root@127.0.0.1/orders?charset=utf8mb4",
        "ADMIN_URL": "postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
        "SIMILAR": "postgresql://h/orders_archive",
        "NAME": "orders",
    }

    pointed = point_urls_at(env, {"orders": "orders_ci_1a2b3c4d"})

    assert pointed == {
        **env,
        "DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:5432/orders_ci_1a2b3c4d",
        "WITH_QUERY": "mysql+pymysql://root@127.0.0.1/orders_ci_1a2b3c4d?charset=utf8mb4",
    }


def test_matrix_expands_to_every_combination() -> None:
    job = {"strategy": {"matrix": {"a": [1, 2], "b": ["x", "y"]}}}

    assert len(list(matrix_combinations(job))) == 4
    assert list(matrix_combinations({})) == [{}]


def write_workflow(project: Path, text: str) -> None:
    folder = project / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / "ci.yml").write_text(text)


def test_a_failing_step_fails_and_later_steps_are_skipped(tmp_path: Path) -> None:
    write_workflow(
        tmp_path,
        """
on: push
jobs:
  build:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
      - id: first
        run: echo "greeting=hello" >> "$GITHUB_OUTPUT"
      - name: uses the output
        env:
          GREETING: ${{ steps.first.outputs.greeting }}
        run: test "$GREETING" = hello
      - name: breaks
        run: exit 3
      - name: after the failure
        run: echo never
      - name: cleanup
        if: always()
        run: echo always
""",
    )

    results = {result.step: result.status for result in run_workflows(tmp_path)}

    assert results["uses the output"] == "passed"
    assert results["breaks"] == "failed"
    assert results["after the failure"] == "skipped"
    assert results["cleanup"] == "passed"


def test_an_unknown_action_is_a_failure_not_a_pass(tmp_path: Path) -> None:
    write_workflow(
        tmp_path,
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - uses: someone/unknown-action@0123456789012345678901234567890123456789\n",
    )

    (result,) = run_workflows(tmp_path)

    assert result.status == "failed"
    assert "no local equivalent" in result.output
