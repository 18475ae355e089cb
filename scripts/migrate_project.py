"""Before ``copier update``: carry a project's answers and files across template versions.

Runs as a ``before`` migration with copier's own Python (it needs nothing but copier and
what copier depends on), in the project folder. It reads ``scripts/migrations.yml`` of the
new template version and applies every entry whose version the update crosses: renamed
questions keep their answers, and questions introduced since the project was rendered get
the answer that keeps the project as it was (a new module stays off).

Usage (from copier.yml): migrate_project.py <template checkout> <version from> <version to>
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml
from packaging.version import InvalidVersion, Version

ANSWERS_FILE = ".copier-answers.yml"
MIGRATIONS_FILE = Path("scripts") / "migrations.yml"


def crossed(
    entries: list[dict[str, Any]], version_from: Version, version_to: Version
) -> list[dict[str, Any]]:
    """The entries for versions after ``version_from`` up to and including ``version_to``."""
    return [
        entry for entry in entries if version_from < Version(str(entry["version"])) <= version_to
    ]


def migrate_answers(answers: dict[str, Any], entries: list[dict[str, Any]]) -> list[str]:
    """Apply renames and introductions to ``answers`` in place; returns what changed."""
    changes = []
    for entry in entries:
        for old, new in (entry.get("renamed") or {}).items():
            if old in answers and new not in answers:
                answers[new] = answers.pop(old)
                changes.append(f"answer {old} is now {new}")
        for question, value in (entry.get("introduced") or {}).items():
            if question not in answers:
                answers[question] = value
                changes.append(f"{question}: {value} (new in {entry['version']})")
    return changes


def parse_version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    template, text_from, text_to = argv
    version_from, version_to = parse_version(text_from), parse_version(text_to)
    if version_from is None or version_to is None:
        return 0  # an untagged template has no versions to migrate between
    entries = yaml.safe_load((Path(template) / MIGRATIONS_FILE).read_text(encoding="utf-8"))
    entries = crossed(entries or [], version_from, version_to)
    if not entries:
        return 0
    project = Path.cwd()
    answers_path = project / ANSWERS_FILE
    answers = yaml.safe_load(answers_path.read_text(encoding="utf-8")) or {}
    changes = migrate_answers(answers, entries)
    if changes:
        header = answers_path.read_text(encoding="utf-8").split("\n", 1)[0]
        body = yaml.safe_dump(answers, sort_keys=False, allow_unicode=True)
        prefix = f"{header}\n" if header.startswith("#") else ""
        answers_path.write_text(prefix + body, encoding="utf-8")
        listing = "\n".join(f"  - {change}" for change in changes)
        print(f"Keel migrated this project to {version_to}:\n{listing}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
