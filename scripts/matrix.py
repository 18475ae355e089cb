"""The pairwise render matrix, derived from the question files.

    uv run python scripts/matrix.py               # list the combinations
    uv run python scripts/matrix.py --check       # render each and run the fast checks

Factors are ``python_version`` and every module question with choices. A multiselect gives one
yes/no factor per option (``deploy_targets:fly``), so each option meets every value of every
other factor, and the options meet each other. Rows are built greedily until every pair of values
of any two factors that some valid render can hold appears in at least one row. Validity is
decided by the questions themselves: a row a validator refuses is never produced, and a
follow-up question keeps its default unless its ``when`` holds.

The samples are rows already: each one gets the deep check (tests/test_samples.py, or
tests/test_add_module.py on the project that gained its module), which runs every fast
check too. So the matrix adds only the rows that cover the pairs no sample holds.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import yaml
from jinja2 import StrictUndefined, Template, meta
from jinja2.sandbox import SandboxedEnvironment
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.check_sample import FAST_STEPS, check_project
from scripts.common import (
    BUILD_DIR,
    QUESTIONS_DIR,
    load_sample,
    render,
    sample_names,
    snapshot_template,
)

NOT_MODULES = {"core"}
BASE_SAMPLE = "default"

Value = Any  # a str; a bool for one option of a multiselect; a tuple of str for a multiselect
Pair = tuple[tuple[str, Value], tuple[str, Value]]


@dataclass(frozen=True)
class Factor:
    name: str
    values: tuple[Value, ...]
    default: Value
    when: str | None
    validator: str | None
    # For one option of a multiselect: the question it belongs to, and the option.
    question: str | None = None
    option: str | None = None


@cache
def jinja() -> SandboxedEnvironment:
    return SandboxedEnvironment(
        extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"],
        undefined=StrictUndefined,
    )


@cache
def referenced(template: str) -> frozenset[str]:
    return frozenset(meta.find_undeclared_variables(jinja().parse(template)))


@cache
def compiled(template: str) -> Template:
    return jinja().from_string(template)


def to_factors(name: str, spec: dict[str, Any]) -> list[Factor]:
    choices = spec["choices"]
    values = [str(v) for v in (choices.values() if isinstance(choices, dict) else choices)]
    when = str(spec["when"]) if spec.get("when") is not None else None
    validator = spec.get("validator")
    if spec.get("multiselect"):
        chosen = {str(v) for v in spec.get("default") or ()}
        return [
            Factor(
                f"{name}:{option}",
                (False, True),
                option in chosen,
                when,
                validator if index == 0 else None,  # the question's, checked once
                question=name,
                option=option,
            )
            for index, option in enumerate(values)
        ]
    return [Factor(name, tuple(values), str(spec.get("default", values[0])), when, validator)]


@cache
def factors() -> tuple[Factor, ...]:
    core = yaml.safe_load((QUESTIONS_DIR / "core.yml").read_text(encoding="utf-8"))
    found = to_factors("python_version", core["python_version"])
    for path in sorted(QUESTIONS_DIR.glob("*.yml")):
        if path.stem in NOT_MODULES:
            continue
        for name, spec in yaml.safe_load(path.read_text(encoding="utf-8")).items():
            if not name.startswith("_") and isinstance(spec, dict) and "choices" in spec:
                found += to_factors(name, spec)
    return tuple(found)


def as_answer(value: Value) -> Any:
    return list(value) if isinstance(value, tuple) else value


def answers_of(factors: Sequence[Factor], row: dict[str, Value]) -> dict[str, Any]:
    """The copier answers a (partial) row gives: a multiselect's options gathered in a list."""
    answers: dict[str, Any] = {}
    for factor in factors:
        if factor.name not in row:
            continue
        if factor.question is None:
            answers[factor.name] = as_answer(row[factor.name])
            continue
        chosen = answers.setdefault(factor.question, [])
        if row[factor.name]:
            chosen.append(factor.option)
    named = {factor.name for factor in factors}
    answers |= {name: as_answer(value) for name, value in row.items() if name not in named}
    return answers


def pairs_of(row: dict[str, Value]) -> set[Pair]:
    items = sorted(row.items())
    return {(a, b) for a, b in itertools.combinations(items, 2)}


class Space:
    """The combinations of some factors that the questions accept."""

    def __init__(self, factors: Sequence[Factor], checked: Sequence[dict[str, Any]] = ()) -> None:
        self.factors = tuple(factors)
        # Answers already rendered and checked elsewhere (the samples), as rows.
        self.checked = tuple(self.as_row(answers) for answers in checked)
        # Each multiselect question, with its options' factors.
        self.options = {
            question: [f for f in self.factors if f.question == question]
            for question in {f.question for f in self.factors if f.question is not None}
        }

    def as_row(self, answers: dict[str, Any]) -> dict[str, Value]:
        """``answers`` as a row: each factor's answer, or its default when not answered.

        An option of a multiselect is yes when the question's answer lists it.
        """
        row: dict[str, Value] = {}
        for factor in self.factors:
            if factor.question is None:
                row[factor.name] = str(answers.get(factor.name, factor.default))
            elif factor.question in answers:
                row[factor.name] = factor.option in answers[factor.question]
            else:
                row[factor.name] = factor.default
        return row

    def refusal(self, row: dict[str, Value]) -> str | None:
        """Why the questions refuse this (partial) row, or None when they accept it.

        Only checks whose variables the row already fixes are evaluated, so a partial row
        is refused only when every completion of it would be.
        """
        known = {f.name for f in self.factors if f.name in row}
        context = answers_of(self.factors, row)
        known |= {q for q, options in self.options.items() if all(f.name in row for f in options)}
        for factor in self.factors:
            if factor.name not in row:
                continue
            if factor.when and referenced(factor.when) <= known:
                shown = compiled(factor.when).render(context).strip().lower()
                if shown in {"false", "", "0", "none"} and row[factor.name] != factor.default:
                    return f"{factor.name} is only asked when {factor.when}"
            if factor.validator and referenced(factor.validator) <= known:
                message = compiled(factor.validator).render(context).strip()
                if message:
                    return message
        return None

    def all_pairs(self) -> set[Pair]:
        result: set[Pair] = set()
        ordered = sorted(self.factors, key=lambda f: f.name)
        for first, second in itertools.combinations(ordered, 2):
            for a in first.values:
                for b in second.values:
                    result.add(((first.name, a), (second.name, b)))
        return result

    def complete(self, row: dict[str, Value], wanted: set[Pair]) -> dict[str, Value] | None:
        """Fill the missing factors greedily (most wanted pairs first); None if none is valid."""
        row = dict(row)
        for factor in self.factors:
            if factor.name in row:
                continue
            best: tuple[int, Value] | None = None
            for value in factor.values:
                candidate = {**row, factor.name: value}
                if self.refusal(candidate) is not None:
                    continue
                gained = len(pairs_of(candidate) & wanted)
                if best is None or gained > best[0]:
                    best = (gained, value)
            if best is None:
                return None
            row[factor.name] = best[1]
        return row if self.refusal(row) is None else None

    @cached_property
    def coverable_pairs(self) -> frozenset[Pair]:
        """The pairs at least one accepted full row holds."""
        everything = self.all_pairs()
        return frozenset(
            pair
            for pair in everything
            if self.refusal(dict(pair)) is None and self.complete(dict(pair), everything)
        )

    @cached_property
    def rows(self) -> tuple[dict[str, Value], ...]:
        """Accepted rows that, with the checked ones, hold every coverable pair and value."""
        uncovered = set(self.coverable_pairs).difference(*map(pairs_of, self.checked))
        rows: list[dict[str, Value]] = []
        while uncovered:
            best_row: dict[str, Value] | None = None
            best_gain = 0
            for pair in sorted(uncovered, key=repr)[:40]:
                row = self.complete(dict(pair), uncovered)
                gain = len(pairs_of(row) & uncovered) if row else 0
                if row is not None and gain > best_gain:
                    best_row, best_gain = row, gain
            if best_row is None:
                msg = f"cannot cover {len(uncovered)} pair(s), e.g. {min(uncovered, key=repr)}"
                raise RuntimeError(msg)
            rows.append(best_row)
            uncovered -= pairs_of(best_row)
        for factor in self.factors:
            for value in factor.values:
                if not any(row[factor.name] == value for row in (*self.checked, *rows)):
                    row = self.complete({factor.name: value}, set())
                    if row is not None:
                        rows.append(row)
        return tuple(rows)

    def refused_pairs(self) -> list[tuple[Pair, str]]:
        """Pairs of values the validators refuse (not merely hidden by ``when``), with why."""
        refused = []
        for pair in sorted(self.all_pairs() - self.coverable_pairs, key=repr):
            reason = self.refusal(dict(pair))
            if reason is not None and "is only asked when" not in reason:
                refused.append((pair, reason))
        return refused


@cache
def question_space() -> Space:
    return Space(factors(), [load_sample(name) for name in sample_names()])


def answers_for(row: dict[str, Value]) -> dict[str, Any]:
    return {**load_sample(BASE_SAMPLE), **answers_of(factors(), row)}


def row_label(row: dict[str, Value]) -> str:
    every = factors()
    defaults = answers_of(every, {factor.name: factor.default for factor in every})
    parts = []
    for name, value in answers_of(every, row).items():
        if value != defaults.get(name):
            shown = "+".join(value) if isinstance(value, list) else value
            parts.append(f"{name}={shown or 'none'}")
    return ",".join(parts) or "defaults"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="render and fast-check each row")
    parser.add_argument("--out", type=Path, default=BUILD_DIR / "matrix")
    args = parser.parse_args(argv)
    console = Console()
    started = time.perf_counter()
    space = question_space()
    rows = space.rows
    console.print(
        f"{len(space.factors)} factors, {len(space.coverable_pairs)} coverable pairs, "
        f"{len(space.checked)} samples (deep-checked) and {len(rows)} more combinations, "
        f"{len(space.refused_pairs())} refused pairs "
        f"(built in {time.perf_counter() - started:.1f}s)"
    )
    table = Table(title="Pairwise combinations")
    table.add_column("#", justify="right")
    table.add_column("combination")
    table.add_column("result")
    table.add_column("seconds", justify="right")
    failures = []
    if args.check:
        template = snapshot_template(BUILD_DIR / "template-snapshot")
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("matrix", total=len(rows))
            for index, row in enumerate(rows, start=1):
                progress.update(task, description=row_label(row))
                begun = time.perf_counter()
                project = render(
                    answers_for(row), args.out / f"row-{index:02d}", src=template, vcs_ref=None
                )
                report = check_project(project, steps=FAST_STEPS)
                seconds = time.perf_counter() - begun
                result = "[green]passed[/]" if report.ok else "[red]failed[/]"
                table.add_row(str(index), row_label(row), result, f"{seconds:.0f}")
                if not report.ok:
                    failures.append(report.describe_failures())
                progress.advance(task)
    else:
        for index, row in enumerate(rows, start=1):
            table.add_row(str(index), row_label(row), "", "")
    console.print(table)
    for text in failures:
        console.print(text, markup=False, highlight=False)
    console.print(f"matrix took {time.perf_counter() - started:.0f}s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
