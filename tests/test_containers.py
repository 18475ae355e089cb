"""The containers module: its questions, the files each answer renders, and the checks that
prove the container and deploy files without a Docker engine."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts import container_checks, run_workflows
from scripts.common import load_sample, render
from tests.conftest import snapshot

TARGET_FILES = {
    "kubernetes": {
        "deploy/kubernetes/kustomization.yaml",
        "deploy/kubernetes/configmap.yaml",
        "deploy/kubernetes/deployment.yaml",
        "deploy/kubernetes/service.yaml",
        "deploy/kubernetes/hpa.yaml",
    },
    "cloud-run": {"deploy/cloud-run/service.yaml"},
    "fly": {"fly.toml"},
    "aws-ecs": {"deploy/aws-ecs/task-definition.json"},
}
IMAGE_FILES = {
    "Dockerfile",
    ".dockerignore",
    "compose.yaml",
    ".github/workflows/container.yml",
    "docs/modules/containers.md",
    "tests/unit/test_container.py",
}
ALL_TARGETS = ["kubernetes", "cloud-run", "fly", "aws-ecs"]


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The containers sample: the image, compose and every deploy target."""
    return render(load_sample("containers"), tmp_path_factory.mktemp("full") / "project")


def files_of(project: Path) -> set[str]:
    return {str(path.relative_to(project)) for path in project.rglob("*") if path.is_file()}


def module_files() -> set[str]:
    return IMAGE_FILES.union(*TARGET_FILES.values())


@pytest.mark.parametrize(
    ("answers", "hint"),
    [
        ({"containers": "docker"}, "containers"),
        ({"containers": "enabled", "deploy_targets": ["heroku"]}, "deploy_targets"),
        ({"containers": "enabled", "deploy_targets": ["kubernetes", "nomad"]}, "deploy_targets"),
    ],
    ids=["containers=docker", "deploy_targets=heroku", "deploy_targets=kubernetes+nomad"],
)
def test_bad_answers_are_refused_and_nothing_is_written(
    tmp_path: Path, default_answers: dict[str, Any], answers: dict[str, Any], hint: str
) -> None:
    destination = tmp_path / "existing"
    destination.mkdir()
    (destination / "keep.txt").write_text("mine\n", encoding="utf-8")
    before = snapshot(destination)

    with pytest.raises(ValueError, match=hint):
        render({**default_answers, **answers}, destination)

    assert snapshot(destination) == before


def test_off_by_default_renders_no_container_file(
    tmp_path: Path, default_answers: dict[str, Any]
) -> None:
    project = render(default_answers, tmp_path / "project")

    assert files_of(project) & module_files() == set()
    assert not (project / "deploy").exists()
    assert "container-lint" not in (project / "pyproject.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize("target", [None, *ALL_TARGETS])
def test_each_target_renders_only_its_own_files(
    tmp_path: Path, default_answers: dict[str, Any], target: str | None
) -> None:
    targets = [target] if target else []
    answers = {**default_answers, "containers": "enabled", "deploy_targets": targets}

    project = render(answers, tmp_path / "project")

    expected = IMAGE_FILES.union(*(TARGET_FILES[name] for name in targets))
    assert files_of(project) & module_files() == expected
    assert (project / "deploy").exists() == (target not in {None, "fly"})


def test_deploy_targets_without_containers_render_nothing(
    tmp_path: Path, default_answers: dict[str, Any]
) -> None:
    answers = {**default_answers, "deploy_targets": ALL_TARGETS}

    project = render(answers, tmp_path / "project")

    assert files_of(project) & module_files() == set()


def test_the_base_image_is_pinned_to_an_exact_python_release(
    tmp_path: Path, default_answers: dict[str, Any]
) -> None:
    for version in ("3.11", "3.12", "3.13"):
        answers = {**default_answers, "containers": "enabled", "python_version": version}
        project = render(answers, tmp_path / version)
        froms = [
            arguments.split()[0]
            for keyword, arguments in container_checks.instructions(project / "Dockerfile")
            if keyword == "FROM"
        ]
        assert froms[0].startswith("ghcr.io/astral-sh/uv:0.")
        assert all(image.startswith(f"python:{version}.") for image in froms[1:]), froms
        assert all(image.endswith("-slim-trixie") for image in froms[1:]), froms


def test_every_check_passes_on_the_full_sample(full: Path) -> None:
    assert container_checks.dockerfile_context(full) == []
    assert container_checks.compose_config(full) == []
    assert container_checks.kubernetes_manifests(full) == []
    assert container_checks.other_targets(full) == []


def test_a_copy_of_a_missing_or_ignored_file_is_found(full: Path, tmp_path: Path) -> None:
    project = shutil.copytree(full, tmp_path / "project")
    dockerfile = project / "Dockerfile"
    text = dockerfile.read_text(encoding="utf-8")
    dockerfile.write_text(
        text.replace("COPY src ./src", "COPY src ./src\nCOPY alembic.ini tests/ ./"),
        encoding="utf-8",
    )

    problems = container_checks.dockerfile_context(project)

    assert problems == [
        "the Dockerfile copies alembic.ini, which the project does not have",
        "the Dockerfile copies alembic.ini, which .dockerignore excludes",
        "the Dockerfile copies tests/, which .dockerignore excludes",
    ]


def test_dockerignore_keeps_only_the_build_inputs(full: Path) -> None:
    kept = [
        path
        for path in sorted(files_of(full))
        if not container_checks.dockerignore_excludes(full, path)
    ]

    assert all(path.startswith("src/") for path in kept if "/" in path)
    assert {path for path in kept if "/" not in path} == {"pyproject.toml", "README.md", "LICENSE"}


def test_compose_pointing_at_a_service_it_does_not_run_is_found(full: Path, tmp_path: Path) -> None:
    project = shutil.copytree(full, tmp_path / "project")
    compose = yaml.safe_load((project / "compose.yaml").read_text(encoding="utf-8"))
    compose["services"]["app"]["environment"]["REDIS_URL"] = "redis://cache:6379/0"
    (project / "compose.yaml").write_text(yaml.safe_dump(compose), encoding="utf-8")

    assert container_checks.compose_config(project) == [
        "app: REDIS_URL points at cache, which compose does not run"
    ]


def test_an_invalid_compose_file_is_refused(full: Path, tmp_path: Path) -> None:
    project = shutil.copytree(full, tmp_path / "project")
    compose = yaml.safe_load((project / "compose.yaml").read_text(encoding="utf-8"))
    compose["services"]["app"]["depends_on"] = {"db": {"condition": "service_healthy"}}
    (project / "compose.yaml").write_text(yaml.safe_dump(compose), encoding="utf-8")

    [problem] = container_checks.compose_config(project)

    assert "docker compose config refused compose.yaml" in problem
    assert "db" in problem


def test_an_invalid_kubernetes_manifest_is_refused(full: Path, tmp_path: Path) -> None:
    project = shutil.copytree(full, tmp_path / "project")
    path = project / "deploy" / "kubernetes" / "deployment.yaml"
    deployment = yaml.safe_load(path.read_text(encoding="utf-8"))
    deployment["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] = "yes"
    path.write_text(yaml.safe_dump(deployment), encoding="utf-8")
    (project / "deploy" / "kubernetes" / "extra.yaml").write_text("kind: Secret\n")

    problems = container_checks.kubernetes_manifests(project)

    assert problems[0] == "extra.yaml is not listed in kustomization.yaml"
    assert problems[1].startswith("deployment.yaml: Deployment: 'yes' is not of type")


def test_invalid_deploy_targets_are_refused(full: Path, tmp_path: Path) -> None:
    project = shutil.copytree(full, tmp_path / "project")
    ecs = project / "deploy" / "aws-ecs" / "task-definition.json"
    task = json.loads(ecs.read_text(encoding="utf-8"))
    task["containerDefinitions"][0]["portMappings"][0]["containerPort"] = "8000"
    ecs.write_text(json.dumps(task), encoding="utf-8")
    service = project / "deploy" / "cloud-run" / "service.yaml"
    service.write_text(
        service.read_text(encoding="utf-8").replace("containerPort: 8080", "port: 8080"),
        encoding="utf-8",
    )
    fly = project / "fly.toml"
    fly.write_text(fly.read_text(encoding="utf-8").replace('path = "/ready"\n', ""))

    problems = container_checks.other_targets(project)

    assert len(problems) == 3, problems
    assert problems[0].startswith("service.yaml revision template: Pod: ")
    assert problems[1].startswith("fly.toml: a check has no path")
    assert "containerPort, value: 8000" in problems[2]


def test_the_image_command_must_be_in_exec_form() -> None:
    with pytest.raises(ValueError, match="exec form"):
        container_checks.exec_form("uvicorn app:app --host 0.0.0.0", "CMD")
    with pytest.raises(ValueError, match="no ENTRYPOINT"):
        container_checks.exec_form(None, "ENTRYPOINT")


def test_docker_steps_need_an_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run_workflows, "docker_engine", lambda: False)
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / "image.yml").write_text(
        "on: push\njobs:\n  image:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - run: echo building\n"
        "      - run: docker build .\n"
        "      - run: echo dockerfile-free && false\n",
        encoding="utf-8",
    )

    results = run_workflows.run_workflows(tmp_path)

    assert [result.status for result in results] == ["passed", "needs-engine", "failed"]


def test_the_host_run_fails_when_the_image_command_cannot_serve(full: Path, tmp_path: Path) -> None:
    good = container_checks.image_command(full)
    copy = container_checks.copy_render(full, tmp_path / "copy")
    container_checks.sync_runtime(copy)

    assert container_checks.check_running(copy, good) == []
    missing = dataclasses.replace(good, command=["no-such-script", "serve"])
    with pytest.raises(RuntimeError, match="ENTRYPOINT no-such-script is not installed"):
        container_checks.check_running(copy, missing)
    exits = dataclasses.replace(good, command=[good.command[0], "version"])
    with pytest.raises(RuntimeError, match="exited with 0 before answering"):
        container_checks.check_running(copy, exits)
    wrong_probe = dataclasses.replace(good, probe=["python", "-c", "raise SystemExit(1)"])
    [problem] = container_checks.check_running(copy, wrong_probe)
    assert problem.startswith("the HEALTHCHECK command failed")


def test_secrets_left_empty_in_the_env_example_are_given_at_deploy_time(tmp_path: Path) -> None:
    (tmp_path / ".env.example").write_text(
        "# JWT_SECRET= in a comment\nHOST=127.0.0.1\nJWT_SECRET=\nAPI_KEY= \n", encoding="utf-8"
    )

    assert container_checks.deploy_time_secrets(tmp_path) == ["JWT_SECRET", "API_KEY"]
    assert container_checks.deploy_time_secrets(tmp_path / "nowhere") == []


def test_the_host_run_migrates_the_projects_database_task(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.poe.tasks]\ndb-upgrade = { cmd = "alembic upgrade head", help = "Migrate" }\n',
        encoding="utf-8",
    )
    assert container_checks.db_upgrade_command(tmp_path) == ["alembic", "upgrade", "head"]
    (tmp_path / "pyproject.toml").write_text("[tool.poe.tasks]\n", encoding="utf-8")
    assert container_checks.db_upgrade_command(tmp_path) is None


def test_the_host_run_keeps_loopback_brokers_and_ignores_other_urls(tmp_path: Path) -> None:
    (tmp_path / ".env.example").write_text(
        "TASK_BROKER_URL=redis://127.0.0.1:6379/0\n"
        "OTHER_URL=redis://cache.internal:6379/0\n"
        "DATABASE_URL=sqlite:///./data/app.db\n"
        "JWT_SECRET=\n",
        encoding="utf-8",
    )

    with container_checks.backing_services(tmp_path) as services:
        assert services == {"TASK_BROKER_URL": "redis://127.0.0.1:6379/0"}
