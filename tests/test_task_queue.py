"""The task queue module: its questions, and what a render with it on or off contains."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts.common import load_sample, render
from tests.conftest import snapshot

BAD_ANSWERS: list[tuple[str, Any, str]] = [
    ("task_queue", "kafka", "'disabled', 'celery'"),
    ("task_queue", "Celery", "'disabled', 'celery'"),
    ("queue_broker", "kafka", "'redis', 'rabbitmq'"),
    ("queue_broker", "sqs", "'redis', 'rabbitmq'"),
]
CASE_IDS = [f"{question}={value}" for question, value, _ in BAD_ANSWERS]


@pytest.mark.parametrize(("question", "value", "hint"), BAD_ANSWERS, ids=CASE_IDS)
def test_bad_answer_is_refused_and_nothing_is_written(
    existing_folder: Path, question: str, value: Any, hint: str
) -> None:
    before = snapshot(existing_folder)

    with pytest.raises(ValueError, match=question) as excinfo:
        render({**load_sample("queue-redis"), question: value}, existing_folder)

    assert hint in str(excinfo.value)
    assert snapshot(existing_folder) == before


def test_validators_name_the_question_and_the_fix() -> None:
    questions = yaml.safe_load(
        (Path(__file__).parent.parent / "questions" / "task_queue.yml").read_text("utf-8")
    )

    assert "answer disabled or celery" in questions["task_queue"]["validator"]
    assert "answer redis or rabbitmq" in questions["queue_broker"]["validator"]
    assert questions["queue_broker"]["when"] == "{{ task_queue != 'disabled' }}"


@pytest.fixture(scope="module")
def renders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("queue")
    renders = {
        name: render(load_sample(name), folder / name)
        for name in ("default", "queue-redis", "queue-rabbitmq")
    }
    with_database = {**load_sample("queue-redis"), "database": "sqlite"}
    renders["queue-sqlite"] = render(with_database, folder / "queue-sqlite")
    return renders


def text(project: Path, path: str) -> str:
    return (project / path).read_text(encoding="utf-8")


def test_the_module_off_leaves_no_trace(renders: dict[str, Path]) -> None:
    project = renders["default"]
    package = project / "src" / "keel_default"

    assert not (package / "tasks").exists()
    assert list(project.glob("tests/**/test_tasks*.py")) == []
    assert not (project / "docs" / "modules" / "task-queue.md").exists()
    for path in ("pyproject.toml", "src/keel_default/modules.py", ".env.example", "mkdocs.yml"):
        assert "celery" not in text(project, path).lower()
        assert "TASK_" not in text(project, path)
    assert "queue_broker" not in text(project, ".copier-answers.yml")
    assert "services:" not in text(project, ".github/workflows/ci.yml")


@pytest.mark.parametrize(
    ("sample", "package", "broker"),
    [
        ("queue-redis", "keel_queue_redis", "redis://127.0.0.1:6379/0"),
        (
            "queue-rabbitmq",
            "keel_queue_rabbit",
            "amqp://guest:guest@127.0.0.1:5672//",  # pragma: allowlist secret
        ),
    ],
)
def test_the_module_on_is_wired_in(
    renders: dict[str, Path], sample: str, package: str, broker: str
) -> None:
    project = renders[sample]

    for name in ("api", "celery_app", "idempotency", "jobs", "retry", "settings", "worker"):
        assert (project / "src" / package / "tasks" / f"{name}.py").is_file()
    assert "install_tasks(app, settings)" in text(project, f"src/{package}/modules.py")
    assert "TaskQueueSettings," in text(project, f"src/{package}/settings.py")
    assert f'default="{broker}"' in text(project, f"src/{package}/tasks/settings.py")
    assert f"TASK_BROKER_URL={broker}" in text(project, ".env.example")
    pyproject = text(project, "pyproject.toml")
    assert '"celery[redis]>=5.5"' in pyproject
    assert f"celery -A {package}.tasks.worker worker" in pyproject
    assert f"celery -A {package}.tasks.worker beat" in pyproject
    assert "modules/task-queue.md" in text(project, "mkdocs.yml")
    assert '"task_always_eager": True' in text(project, "tests/conftest.py")


def test_the_database_task_comes_only_with_a_database(renders: dict[str, Path]) -> None:
    package = "src/keel_queue_redis"
    without, with_database = renders["queue-redis"], renders["queue-sqlite"]

    for path in (f"{package}/tasks/items.py", "tests/unit/test_tasks_items.py"):
        assert not (without / path).exists()
        assert (with_database / path).is_file()
    assert (with_database / "tests/integration/test_tasks_items.py").is_file()
    assert "items" not in text(without, f"{package}/tasks/celery_app.py")
    assert "tasks.items" not in text(without, f"{package}/modules.py")
    assert "item-imports" not in text(without, "docs/modules/task-queue.md")
    assert '"keel_queue_redis.tasks.items",' in text(
        with_database, f"{package}/tasks/celery_app.py"
    )
    modules = text(with_database, f"{package}/modules.py")
    assert "app.include_router(item_imports_router)" in modules
    assert "POST /tasks/item-imports" in text(with_database, "docs/modules/task-queue.md")


def test_ci_starts_the_brokers_the_tests_need(renders: dict[str, Path]) -> None:
    def test_job(sample: str) -> dict[str, Any]:
        workflow = yaml.safe_load(text(renders[sample], ".github/workflows/ci.yml"))
        job: dict[str, Any] = workflow["jobs"]["test"]
        return job

    redis, rabbitmq = test_job("queue-redis"), test_job("queue-rabbitmq")

    assert sorted(redis["services"]) == ["redis"]
    assert sorted(rabbitmq["services"]) == ["rabbitmq", "redis"]
    assert redis["env"] == {"TEST_REDIS_URL": "redis://127.0.0.1:6379/0"}
    assert rabbitmq["env"]["TEST_RABBITMQ_URL"].startswith("amqp://")
    for job in (redis, rabbitmq):
        for service in job["services"].values():
            assert ":" in service["image"], "pin the image's version"
            assert "--health-cmd" in service["options"]
