"""What Keel's scripts and tests share: where things are, how to render, how to run tools."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import copier
import yaml
from uv import find_uv_bin

ROOT = Path(__file__).resolve().parent.parent
SAMPLES_DIR = ROOT / "samples"
QUESTIONS_DIR = ROOT / "questions"
BUILD_DIR = ROOT / "build"
TOOLS_BIN = Path(sys.executable).parent
MIN_PYTHON = (3, 11)


def sample_names() -> list[str]:
    """Every sample answer file in ``samples/``, by name."""
    return sorted(path.stem for path in SAMPLES_DIR.glob("*.yml"))


def load_sample(name: str) -> dict[str, Any]:
    path = SAMPLES_DIR / f"{name}.yml"
    if not path.is_file():
        known = ", ".join(sample_names())
        msg = f"no sample named {name!r} (known: {known})"
        raise FileNotFoundError(msg)
    answers = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(answers, dict):
        msg = f"{path} must hold a mapping of question to answer"
        raise ValueError(msg)
    return answers


def render(
    answers: dict[str, Any],
    dst: Path,
    *,
    src: Path = ROOT,
    vcs_ref: str | None = "HEAD",
) -> Path:
    """Render the template (its working tree by default) into ``dst`` with copier's API.

    ``vcs_ref=None`` renders the newest tag, as a user's ``copier copy`` does.
    """
    with warnings.catch_warnings():
        # Rendering the working tree, uncommitted changes included, is the point.
        warnings.simplefilter("ignore", copier.errors.DirtyLocalWarning)
        copier.run_copy(
            str(src),
            str(dst),
            data=answers,
            defaults=True,
            overwrite=True,
            quiet=True,
            unsafe=False,
            vcs_ref=vcs_ref,
        )
    return dst


def uv_bin() -> str:
    """The uv binary of Keel's own environment (never a pyenv shim)."""
    return find_uv_bin()


def tool(name: str) -> str:
    """A console script installed in Keel's own environment (zizmor, yamllint...)."""
    path = TOOLS_BIN / name
    if not path.exists():
        msg = f"{name} is not installed in {TOOLS_BIN}: run `uv sync` in the template"
        raise FileNotFoundError(msg)
    return str(path)


def interpreter_dirs() -> list[Path]:
    """The bin folders of the Python 3.11+ interpreters pyenv installed, found at run time."""
    pyenv = shutil.which("pyenv")
    if pyenv is None:
        return []
    result = subprocess.run([pyenv, "root"], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        return []
    found = []
    for version_dir in Path(result.stdout.strip(), "versions").iterdir():
        match = re.fullmatch(r"(\d+)\.(\d+)\.\d+", version_dir.name)
        if match and (int(match[1]), int(match[2])) >= MIN_PYTHON:
            found.append(version_dir / "bin")
    return sorted(found)


def project_env() -> dict[str, str]:
    """The environment for commands run inside a rendered project.

    Keel's own virtual environment and pytest's variables are left out, and the
    interpreters pyenv installed are put on PATH so uv finds each project's Python.
    """
    dropped = ("VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT", "PYTEST_", "COV_CORE_", "PYTHONPATH")
    env = {key: value for key, value in os.environ.items() if not key.startswith(dropped)}
    env["PATH"] = os.pathsep.join([*map(str, interpreter_dirs()), env.get("PATH", "")])
    return env


def _git(cwd: Path, *args: str) -> str:
    identity = ["-c", "user.name=Keel", "-c", "user.email=keel@example.invalid"]
    result = subprocess.run(
        ["git", *identity, *args], cwd=cwd, capture_output=True, text=True, check=True
    )
    return result.stdout


def snapshot_template(destination: Path, *, tag: str = "v0.0.0") -> Path:
    """A git repository holding the template's working tree, committed and tagged.

    Renders from it record a real commit and version, so ``copier update`` and
    ``copier check-update`` work on them, unlike renders of a dirty working tree.
    """
    if destination.exists():
        shutil.rmtree(destination)
    listed = _git(ROOT, "ls-files", "--cached", "--others", "--exclude-standard", "-z")
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    _git(destination, "init", "--quiet", "--initial-branch=main")
    _git(destination, "add", "--all")
    _git(destination, "commit", "--quiet", "--message", "template snapshot")
    _git(destination, "tag", tag)
    return destination
