"""The containers module: its questions, the files each answer renders, and the checks that
prove the container and deploy files without a Docker engine."""

from __future__ import annotations

import dataclasses
import json
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from scripts import container_checks, run_workflows
from scripts.common import load_sample, render, tool
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
    existing_folder: Path, default_answers: dict[str, Any], answers: dict[str, Any], hint: str
) -> None:
    before = snapshot(existing_folder)

    with pytest.raises(ValueError, match=hint):
        render({**default_answers, **answers}, existing_folder)

    assert snapshot(existing_folder) == before


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


def test_the_migration_is_what_compose_runs_in_the_image(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(
        'FROM python:3.12-slim\nENTRYPOINT ["svc"]\nCMD ["serve"]\n', encoding="utf-8"
    )
    compose = tmp_path / "compose.yaml"
    cases: list[tuple[dict[str, Any], list[str] | None]] = [
        (
            {"entrypoint": ["alembic"], "command": ["upgrade", "head"]},
            ["alembic", "upgrade", "head"],
        ),
        ({"entrypoint": "alembic upgrade head"}, ["alembic", "upgrade", "head"]),
        ({"command": ["migrate"]}, ["svc", "migrate"]),  # the image's ENTRYPOINT stays
        ({}, ["svc", "serve"]),
    ]
    for service, expected in cases:
        compose.write_text(yaml.safe_dump({"services": {"migrate": service}}), encoding="utf-8")
        assert container_checks.migration_command(tmp_path) == expected, service
    compose.write_text(yaml.safe_dump({"services": {"app": {}}}), encoding="utf-8")
    assert container_checks.migration_command(tmp_path) is None


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


DATABASE_SERVICES = {"postgresql": "postgres", "mysql": "mysql"}


@pytest.fixture(scope="module")
def with_database(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Containers with Kubernetes, the task queue and each database, rendered once."""
    base = {**load_sample("default"), "containers": "enabled", "deploy_targets": ["kubernetes"]}
    folder = tmp_path_factory.mktemp("databases")
    return {
        database: render({**base, "database": database, "task_queue": "celery"}, folder / database)
        for database in ("postgresql", "mysql", "sqlite")
    }


def package_of(project: Path) -> str:
    [package] = [path.name for path in (project / "src").iterdir() if path.is_dir()]
    return package


@pytest.mark.parametrize("database", ["postgresql", "mysql", "sqlite"])
def test_compose_migrates_the_database_before_the_app_and_worker(
    with_database: dict[str, Path], database: str
) -> None:
    project = with_database[database]
    services = yaml.safe_load((project / "compose.yaml").read_text(encoding="utf-8"))["services"]
    migrate = services["migrate"]

    assert container_checks.compose_config(project) == []
    assert container_checks.dockerfile_context(project) == []
    hadolint = subprocess.run(
        [tool("hadolint"), "Dockerfile"], cwd=project, capture_output=True, text=True, check=False
    )
    assert hadolint.returncode == 0, hadolint.stdout + hadolint.stderr
    assert (migrate["entrypoint"], migrate["command"]) == (["alembic"], ["upgrade", "head"])
    assert migrate["image"] == services["app"]["image"]
    assert migrate["restart"] == "no"
    for name in ("app", "worker"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
        assert (
            services[name]["environment"]["DATABASE_URL"]
            == (migrate["environment"]["DATABASE_URL"])
        )
    url = urlsplit(migrate["environment"]["DATABASE_URL"])
    example = urlsplit(container_checks.example_settings(project)["DATABASE_URL"])
    assert url.scheme == example.scheme
    if database in DATABASE_SERVICES:
        server = DATABASE_SERVICES[database]
        assert url.hostname == server
        assert "healthcheck" in services[server]
        assert ":" in services[server]["image"]
        for name in ("app", "migrate"):
            assert services[name]["depends_on"][server] == {"condition": "service_healthy"}
        [volume] = services[server]["volumes"]
        assert (
            volume.split(":")[0]
            in yaml.safe_load((project / "compose.yaml").read_text(encoding="utf-8"))["volumes"]
        )
    else:
        # The app's root filesystem is read-only: the SQLite file lives on a shared volume,
        # which the image creates owned by the service user.
        assert url.path == f"//app/data/{package_of(project)}.db"
        for name in ("app", "migrate", "worker"):
            assert "app-data:/app/data" in services[name]["volumes"]
        runtime = container_checks.runtime_stage(project / "Dockerfile")
        assert any(
            "install -d -o 10001 -g 10001 /app/data" in arguments
            for keyword, arguments in runtime
            if keyword == "RUN"
        )


def test_the_runtime_stage_carries_the_migrations(with_database: dict[str, Path]) -> None:
    project = with_database["postgresql"]

    copies = container_checks.runtime_copies(project)

    assert copies == [
        container_checks.ContextCopy("alembic.ini", ".", into_folder=True),
        container_checks.ContextCopy("migrations", "migrations", into_folder=False),
    ]
    assert container_checks.migration_command(project) == ["alembic", "upgrade", "head"]


def test_kubernetes_migrates_with_a_job_and_runs_the_worker(
    with_database: dict[str, Path], full: Path
) -> None:
    project = with_database["mysql"]
    folder = project / "deploy" / "kubernetes"
    package = package_of(project)

    assert container_checks.kubernetes_manifests(project) == []
    resources = yaml.safe_load((folder / "kustomization.yaml").read_text())["resources"]
    assert {"migrate-job.yaml", "worker-deployment.yaml"} <= set(resources)
    job = yaml.safe_load((folder / "migrate-job.yaml").read_text(encoding="utf-8"))
    web = yaml.safe_load((folder / "deployment.yaml").read_text(encoding="utf-8"))
    worker = yaml.safe_load((folder / "worker-deployment.yaml").read_text(encoding="utf-8"))
    assert job["kind"] == "Job"
    assert job["spec"]["backoffLimit"] >= 1
    assert job["spec"]["ttlSecondsAfterFinished"] > 0
    [migrate] = job["spec"]["template"]["spec"]["containers"]
    [app] = web["spec"]["template"]["spec"]["containers"]
    assert migrate["command"] + migrate["args"] == ["alembic", "upgrade", "head"]
    assert migrate["image"] == app["image"]
    assert worker["kind"] == "Deployment"
    [celery] = worker["spec"]["template"]["spec"]["containers"]
    assert celery["command"] == ["celery", "-A", f"{package}.tasks.worker"]
    assert celery["args"][0] == "worker"
    assert "inspect ping" in celery["livenessProbe"]["exec"]["command"][-1]
    assert set(celery["resources"]) == {"requests", "limits"}
    for manifest, container in ((job, migrate), (worker, celery)):
        pod = manifest["spec"]["template"]["spec"]
        assert pod["securityContext"] == web["spec"]["template"]["spec"]["securityContext"]
        assert container["securityContext"] == app["securityContext"]
        assert container["envFrom"] == app["envFrom"]
    # Without a database or a task queue, neither is rendered nor listed.
    plain = full / "deploy" / "kubernetes"
    assert not (plain / "migrate-job.yaml").exists()
    assert not (plain / "worker-deployment.yaml").exists()
    assert set(yaml.safe_load((plain / "kustomization.yaml").read_text())["resources"]) == {
        "configmap.yaml",
        "deployment.yaml",
        "service.yaml",
        "hpa.yaml",
    }


def test_the_host_run_refuses_an_image_that_cannot_migrate(
    with_database: dict[str, Path], tmp_path: Path
) -> None:
    project = shutil.copytree(with_database["sqlite"], tmp_path / "project")
    dockerfile = project / "Dockerfile"
    text = dockerfile.read_text(encoding="utf-8")
    compose = project / "compose.yaml"
    services = yaml.safe_load(compose.read_text(encoding="utf-8"))

    dockerfile.write_text(text.replace("COPY migrations ./migrations\n", ""), encoding="utf-8")
    [problem] = container_checks.host_run(project)
    assert "the image has no migrations/" in problem
    assert "must COPY it" in problem

    dockerfile.write_text(text.replace("COPY alembic.ini ./\n", ""), encoding="utf-8")
    [problem] = container_checks.host_run(project)
    assert "the image has no alembic.ini" in problem

    dockerfile.write_text(text, encoding="utf-8")
    del services["services"]["migrate"]
    for service in services["services"].values():
        (service.get("depends_on") or {}).pop("migrate", None)
    compose.write_text(yaml.safe_dump(services), encoding="utf-8")
    assert container_checks.host_run(project) == [
        "the project has a database (DATABASE_URL in .env.example), but compose.yaml has "
        "no migrate service to migrate it"
    ]


def test_the_host_run_migrates_with_the_image_alone(
    with_database: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The migrate service's command runs in a folder holding only what the image holds."""
    project = with_database["sqlite"]
    seen: dict[str, Any] = {}
    migrate = container_checks.migrate

    def recording(root: Path, command: list[str], *args: Any) -> None:
        migrate(root, command, *args)
        seen["files"] = sorted(path.name for path in root.iterdir())
        database = root / "data" / f"{package_of(project)}.db"
        with sqlite3.connect(database) as connection:
            seen["revisions"] = connection.execute("SELECT * FROM alembic_version").fetchall()

    monkeypatch.setattr(container_checks, "migrate", recording)

    assert container_checks.host_run(project) == []
    assert seen["files"] == [".venv", "alembic.ini", "data", "migrations"]
    assert len(seen["revisions"]) == 1
