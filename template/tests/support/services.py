"""Real services for integration tests.

A test that needs a server calls :func:`require_service`. When the server is not
reachable the test is skipped with a hint saying what to start; under ``CI=true`` a
missing service fails the run instead, so CI never goes green by skipping.
"""

import os
import socket
from urllib.parse import urlsplit

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def reachable(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def require_service(name: str, url: str, default_port: int, hint: str) -> None:
    """Skip (or, in CI, fail) the calling test unless ``url``'s server accepts connections."""
    parts = urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    port = parts.port or default_port
    if reachable(host, port):
        return
    message = f"{name} is not reachable at {host}:{port}. {hint}"
    if in_ci():
        pytest.fail(f"{message} (CI=true: a missing service fails the run)", pytrace=False)
    pytest.skip(message)
