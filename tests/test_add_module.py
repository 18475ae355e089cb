"""A module added months later with ``copier update`` keeps every user edit.

The cases come from the question files: for each module's question (the first question with
choices in ``questions/<module>.yml``), every value other than its "off" value. A new choice
is covered without editing this file; it only needs a sample that uses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import copier
import pytest
import yaml

from scripts.check_sample import check_project
from scripts.common import QUESTIONS_DIR, load_sample, render, sample_names
from scripts.user_edits import make_user_edits
from tests.conftest import commit_all, git
from tests.test_update import conflict_markers

NOT_MODULES = {"core"}


@dataclass(frozen=True)
class AddCase:
    question: str
    value: str
    off: str
    sample: str | None

    def __str__(self) -> str:
        return f"{self.question}={self.value}"


def module_questions() -> list[tuple[str, dict[str, Any]]]:
    """(question, spec) of each module's first question with choices."""
    found = []
    for path in sorted(QUESTIONS_DIR.glob("*.yml")):
        if path.stem in NOT_MODULES:
            continue
        spec_by_name = yaml.safe_load(path.read_text(encoding="utf-8"))
        for name, spec in spec_by_name.items():
            if not name.startswith("_") and isinstance(spec, dict) and "choices" in spec:
                found.append((name, spec))
                break
    return found


def choice_values(spec: dict[str, Any]) -> list[str]:
    choices = spec["choices"]
    return [str(value) for value in (choices.values() if isinstance(choices, dict) else choices)]


def off_value(spec: dict[str, Any]) -> str:
    return "disabled" if "disabled" in choice_values(spec) else str(spec["default"])


def modules_on(answers: dict[str, Any]) -> int:
    """How many module questions ``answers`` turn on."""
    return sum(
        1
        for question, spec in module_questions()
        if question in answers and str(answers[question]) != off_value(spec)
    )


def add_cases() -> list[AddCase]:
    samples = {name: load_sample(name) for name in sample_names()}
    cases = []
    for question, spec in module_questions():
        off = off_value(spec)
        for value in choice_values(spec):
            if value == off:
                continue
            # Among the samples with this value, the one with the fewest other modules on:
            # the case then adds the module to a project that has only what it needs.
            matching = [
                name for name, answers in samples.items() if str(answers.get(question)) == value
            ]
            sample = min(matching, key=lambda name: (modules_on(samples[name]), name), default=None)
            cases.append(AddCase(question, value, off, sample))
    return cases


def relative_files(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file()}


@pytest.mark.deep
@pytest.mark.parametrize("case", add_cases(), ids=str)
def test_module_added_later_keeps_user_edits(
    tmp_path: Path, template_repo: Path, case: AddCase
) -> None:
    assert case.sample is not None, f"add a sample in samples/ with {case.question}: {case.value}"
    answers = load_sample(case.sample)
    without = {**answers, case.question: case.off}
    project = render(without, tmp_path / "project", src=template_repo, vcs_ref="v1.0.0")
    base = relative_files(project)
    git(project, "init", "--quiet", "--initial-branch=main")
    commit_all(project, "start from Keel")
    package = next(path.name for path in (project / "src").iterdir() if path.is_dir())
    must_survive = make_user_edits(project, package)
    commit_all(project, "our first months of work")

    copier.run_update(
        str(project),
        data=answers,
        defaults=True,
        overwrite=True,
        quiet=True,
        unsafe=True,  # Keel's update guard runs as a migration
        vcs_ref="v1.0.0",
    )

    assert list(project.rglob("*.rej")) == []
    assert conflict_markers(project) == []
    for path, text in must_survive.items():
        assert text in (project / path).read_text(encoding="utf-8"), f"edit lost in {path}"
    fresh = relative_files(render(answers, tmp_path / "fresh", src=template_repo, vcs_ref="v1.0.0"))
    module_files = fresh - base
    assert module_files, f"{case} adds no file"
    assert sorted(module_files - relative_files(project)) == []
    report = check_project(project)
    assert report.ok, report.describe_failures()


def test_cases_cover_every_value_except_off() -> None:
    cases = add_cases()

    for question, spec in module_questions():
        values = set(choice_values(spec))
        covered = {case.value for case in cases if case.question == question}
        assert len(values - covered) == 1, f"{question}: exactly one value should be off"
