"""Before ``copier update``: refuse to delete module files the user has edited.

Copier deletes the files a module owns when the module is turned off, edited or not. This
guard runs as a ``before`` migration with copier's own Python (so it needs nothing but
copier). It renders the project's current template version twice, with the recorded
answers and with the new ones; files only the first render has are the ones the update
would delete. Any of them that differs from what the template rendered has been edited, and
the update stops with the list, unless ``-d confirm_module_removal=true`` was given.

Usage (from copier.yml): update_guard.py <template checkout> '<new answers as JSON>'
"""

from __future__ import annotations

import json
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

import copier
import yaml

ANSWERS_FILE = ".copier-answers.yml"
CONFIRM = "confirm_module_removal"


def rendered_files(template: str, commit: str, answers: dict[str, Any], dst: Path) -> set[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        copier.run_copy(
            template,
            str(dst),
            data=answers,
            defaults=True,
            quiet=True,
            unsafe=False,
            vcs_ref=commit,
        )
    return {str(path.relative_to(dst)) for path in dst.rglob("*") if path.is_file()}


def edited_files_to_delete(
    project: Path, template: str, new_data: dict[str, Any]
) -> tuple[list[str], list[str]]:
    """(files the update would delete, those among them the user edited)."""
    recorded = yaml.safe_load((project / ANSWERS_FILE).read_text(encoding="utf-8")) or {}
    commit = str(recorded.get("_commit", "HEAD"))
    last = {key: value for key, value in recorded.items() if not key.startswith("_")}
    new = {**last, **{k: v for k, v in new_data.items() if k != CONFIRM}}
    if new == last:
        return [], []
    with tempfile.TemporaryDirectory(prefix="keel-update-guard.") as scratch:
        before = Path(scratch, "before")
        after = Path(scratch, "after")
        old_files = rendered_files(template, commit, last, before)
        new_files = rendered_files(template, commit, new, after)
        removed = sorted(old_files - new_files - {ANSWERS_FILE})
        edited = [
            name
            for name in removed
            if (project / name).is_file()
            and (project / name).read_bytes() != (before / name).read_bytes()
        ]
    return removed, edited


def confirmed(new_data: dict[str, Any]) -> bool:
    return str(new_data.get(CONFIRM, "")).strip().lower() in {"true", "yes", "1", "y"}


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    template, data_json = argv
    new_data = json.loads(data_json) if data_json.strip() else {}
    removed, edited = edited_files_to_delete(Path.cwd(), template, new_data)
    if not edited or confirmed(new_data):
        if removed:
            print(f"Keel: this update removes {len(removed)} module file(s).", file=sys.stderr)
        return 0
    listing = "\n".join(f"  - {name}" for name in edited)
    print(
        "Keel stopped this update: it would delete module files you have edited:\n"
        f"{listing}\n"
        "Nothing was changed. To go ahead, either keep a copy of your changes and run the\n"
        f"update again with `-d {CONFIRM}=true`, or keep the module turned on.",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
