"""Project scripts: `uv run poe security` runs scripts/security.py."""
