"""Every question refuses bad answers before anything is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import copier
import pytest
from pytest_copie.plugin import Copie

from scripts.common import ROOT, render
from tests.conftest import snapshot

# (question, bad answer, part of the message that says how to fix it)
BAD_ANSWERS: list[tuple[str, Any, str]] = [
    ("project_name", "", "give the service a name"),
    ("project_name", "   ", "give the service a name"),
    ("project_name", "x" * 65, "use 64 or fewer"),
    ("project_name", "9 Lives", "must start with a letter"),
    ("project_name", "Orders/Service", "must start with a letter"),
    ("project_slug", "Orders Service", "lower-case letters, digits and single dashes"),
    ("project_slug", "1orders", "start with a lower-case letter"),
    ("project_slug", "orders--service", "single dashes"),
    ("project_slug", "orders_service", "single dashes"),
    ("project_slug", "-orders", "start with a lower-case letter"),
    ("project_slug", "o" * 65, "use 64 or fewer"),
    ("package_name", "typing", "shadow the standard library"),
    ("package_name", "test", "shadow the standard library"),
    ("package_name", "fastapi", "shadow the dependency"),
    ("package_name", "pydantic", "shadow the dependency"),
    ("package_name", "class", "is a Python keyword"),
    ("package_name", "Orders", "start with a lower-case letter"),
    ("package_name", "orders-service", "underscores"),
    ("package_name", "2fast", "start with a lower-case letter"),
    ("description", "", "write one line"),
    ("description", "first line\nsecond line", "keep it to one line"),
    ("description", "d" * 201, "200 or fewer"),
    ("description", 'a "quoted" word', "rephrase without them"),
    ("author_name", "", "give a person or team name"),
    ("author_name", 'Ann "The Dev"', "must not contain double quotes"),
    ("author_email", "not-an-email", "use the form name@example.com"),
    ("author_email", "someone@", "use the form name@example.com"),
    ("author_email", "@example.com", "use the form name@example.com"),
    ("author_email", "some one@example.com", "use the form name@example.com"),
    ("author_email", "a@b", "use the form name@example.com"),
    ("license", "GPL-3.0", "MIT"),
    ("python_version", "3.10", "3.11"),
    ("python_version", "3.14", "3.13"),
    ("testing", "complete", "'standard', 'full'"),
    ("coverage_threshold", 101, "whole number from 0 to 100"),
    ("coverage_threshold", -1, "whole number from 0 to 100"),
    ("coverage_threshold", "ninety", "coverage_threshold"),
]
CASE_IDS = [f"{question}={value!r:.20}" for question, value, _ in BAD_ANSWERS]


def answers_with(default: dict[str, Any], question: str, value: Any) -> dict[str, Any]:
    return {**default, question: value}


@pytest.mark.parametrize(("question", "value", "hint"), BAD_ANSWERS, ids=CASE_IDS)
def test_bad_answer_is_refused_and_nothing_is_created(
    tmp_path: Path, default_answers: dict[str, Any], question: str, value: Any, hint: str
) -> None:
    destination = tmp_path / "new-project"

    with pytest.raises(ValueError, match=question) as excinfo:
        render(answers_with(default_answers, question, value), destination)

    assert hint in str(excinfo.value)
    assert not destination.exists()


@pytest.mark.parametrize(("question", "value", "hint"), BAD_ANSWERS, ids=CASE_IDS)
def test_bad_answer_leaves_an_existing_folder_untouched(
    existing_folder: Path, default_answers: dict[str, Any], question: str, value: Any, hint: str
) -> None:
    before = snapshot(existing_folder)

    with pytest.raises(ValueError, match=question):
        render(answers_with(default_answers, question, value), existing_folder)

    assert snapshot(existing_folder) == before


def test_bad_answer_through_pytest_copie_writes_nothing(copie: Copie) -> None:
    result = copie.copy(extra_answers={"project_name": "Orders", "package_name": "typing"})

    assert result.exit_code != 0
    assert "package_name" in str(result.exception)
    # pytest-copie creates the destination folder first; it must stay empty.
    rendered = sorted(Path(copie.test_dir).rglob("*"))
    assert [path for path in rendered if path.is_file()] == []


@pytest.mark.parametrize(
    ("project_name", "slug", "package"),
    [
        ("Orders Service", "orders-service", "orders_service"),
        ("My  API v2", "my-api-v2", "my_api_v2"),
        ("billing.core_2", "billing-core-2", "billing_core_2"),
    ],
)
def test_slug_and_package_are_derived_from_the_name(
    copie: Copie, project_name: str, slug: str, package: str
) -> None:
    result = copie.copy(extra_answers={"project_name": project_name})

    assert result.exit_code == 0, result.exception
    assert result.answers["project_slug"] == slug
    assert result.answers["package_name"] == package
    assert result.project_dir is not None
    assert (result.project_dir / "src" / package / "app.py").is_file()


def test_computed_lists_are_not_stored_in_the_answers(copie: Copie) -> None:
    result = copie.copy(extra_answers={"project_name": "Orders"})

    assert result.project_dir is not None
    answers_file = (result.project_dir / ".copier-answers.yml").read_text(encoding="utf-8")
    assert "project_name: Orders" in answers_file
    assert "stdlib_modules" not in answers_file
    assert "python_keywords" not in answers_file


def test_rendering_needs_no_trust(tmp_path: Path, default_answers: dict[str, Any]) -> None:
    """No tasks or migrations: copier renders without --trust."""
    copier.run_copy(
        str(ROOT),
        str(tmp_path / "p"),
        data=default_answers,
        defaults=True,
        unsafe=False,
        vcs_ref="HEAD",
        quiet=True,
    )

    assert (tmp_path / "p" / "pyproject.toml").is_file()
