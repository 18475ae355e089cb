"""The pairwise matrix covers every pair a valid render can hold, and only valid renders."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import pytest

from scripts.check_sample import FAST_STEPS, check_project
from scripts.common import load_sample, render, sample_names
from scripts.matrix import Factor, Space, answers_for, pairs_of, question_space, row_label

SYNTHETIC = Space(
    [
        Factor("python_version", ("3.11", "3.12", "3.13"), "3.12", None, None),
        Factor("database", ("disabled", "sqlite", "postgresql"), "disabled", None, None),
        Factor(
            "auth",
            ("disabled", "jwt"),
            "disabled",
            None,
            "{% if auth == 'jwt' and database == 'disabled' %}auth needs a database{% endif %}",
        ),
        Factor("task_queue", ("disabled", "celery"), "disabled", None, None),
        Factor(
            "queue_broker", ("redis", "rabbitmq"), "redis", "{{ task_queue == 'celery' }}", None
        ),
        Factor("deploy_targets", ((), ("k8s",), ("fly",), ("k8s", "fly")), (), None, None),
    ]
)


def test_every_coverable_pair_is_covered_by_accepted_rows() -> None:
    covered = set().union(*(pairs_of(row) for row in SYNTHETIC.rows))

    assert SYNTHETIC.coverable_pairs <= covered
    assert all(SYNTHETIC.refusal(row) is None for row in SYNTHETIC.rows)
    product = 3 * 3 * 2 * 2 * 2 * 4
    assert len(SYNTHETIC.rows) < product / 5


def test_refused_and_hidden_pairs_are_told_apart() -> None:
    refused = dict(SYNTHETIC.refused_pairs())

    assert refused == {(("auth", "jwt"), ("database", "disabled")): "auth needs a database"}
    hidden = (("queue_broker", "rabbitmq"), ("task_queue", "disabled"))
    assert hidden not in SYNTHETIC.coverable_pairs
    assert (("queue_broker", "rabbitmq"), ("task_queue", "celery")) in SYNTHETIC.coverable_pairs


def test_every_value_appears_at_least_once() -> None:
    for factor in SYNTHETIC.factors:
        assert {row[factor.name] for row in SYNTHETIC.rows} == set(factor.values)


def test_the_real_matrix_comes_from_the_question_files() -> None:
    space = question_space()

    assert space.factors[0].name == "python_version"
    names = [factor.name for factor in space.factors]
    assert len(names) == len(set(names))
    for factor in space.factors:
        assert {row[factor.name] for row in (*space.checked, *space.rows)} == set(factor.values)


def test_the_samples_count_as_rows_and_the_matrix_adds_the_pairs_they_miss() -> None:
    space = question_space()
    from_samples = set().union(*(pairs_of(row) for row in space.checked))
    from_rows = set().union(*(pairs_of(row) for row in space.rows))

    assert len(space.checked) == len(sample_names())
    assert all(space.refusal(row) is None for row in space.checked)
    assert space.coverable_pairs <= from_samples | from_rows
    assert all(pairs_of(row) - from_samples for row in space.rows)
    assert len(space.rows) < len(Space(space.factors).rows)


def test_a_multiselect_is_one_yes_no_factor_per_option() -> None:
    space = question_space()
    options = [factor for factor in space.factors if factor.question == "deploy_targets"]
    full = load_sample("full-postgres-redis")

    assert [factor.option for factor in options] == full["deploy_targets"]
    assert all(factor.values == (False, True) and not factor.default for factor in options)
    row = space.as_row(full)
    assert all(row[factor.name] for factor in options)
    assert answers_for(row)["deploy_targets"] == full["deploy_targets"]
    assert "deploy_targets=kubernetes+cloud-run+fly+aws-ecs" in row_label(row)
    hidden = space.complete({"containers": "disabled", options[0].name: True}, set())
    assert hidden is None


def test_refused_combinations_are_refused_by_copier_and_write_nothing(tmp_path: Path) -> None:
    space = question_space()
    for index, (pair, reason) in enumerate(space.refused_pairs()):
        row = space.complete({}, set()) or {}
        destination = tmp_path / f"refused-{index}"
        with pytest.raises(ValueError, match=re.escape(reason.split(":")[0])):
            render(answers_for({**row, **dict(pair)}), destination)
        assert not destination.exists()


@pytest.mark.deep
@pytest.mark.parametrize("row", question_space().rows, ids=row_label)
def test_combination_passes_the_fast_checks(
    tmp_path: Path, template_snapshot: Path, row: dict[str, Any]
) -> None:
    project = render(answers_for(row), tmp_path / "p", src=template_snapshot, vcs_ref=None)

    report = check_project(project, steps=FAST_STEPS)

    assert report.ok, report.describe_failures()


def test_pairs_are_unordered_and_complete() -> None:
    row = {"b": 1, "a": 2, "c": 3}

    assert pairs_of(row) == {
        (("a", 2), ("b", 1)),
        (("a", 2), ("c", 3)),
        (("b", 1), ("c", 3)),
    }
    assert len(list(itertools.combinations(row, 2))) == len(pairs_of(row))
