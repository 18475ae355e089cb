import socket
from collections.abc import Iterator

import pytest

from tests.support.services import in_ci, require_service


@pytest.fixture
def closed_port() -> int:
    """A port on loopback that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture
def open_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_reachable_service_lets_the_test_run(open_port: int) -> None:
    require_service("Cache", f"redis://127.0.0.1:{open_port}/0", 6379, "start it")


def test_missing_service_skips_locally_with_a_hint(
    monkeypatch: pytest.MonkeyPatch, closed_port: int
) -> None:
    monkeypatch.delenv("CI", raising=False)

    with pytest.raises(pytest.skip.Exception, match="start the database"):
        require_service(
            "Database", f"postgresql://127.0.0.1:{closed_port}/x", 5432, "start the database"
        )


def test_missing_service_fails_under_ci(monkeypatch: pytest.MonkeyPatch, closed_port: int) -> None:
    monkeypatch.setenv("CI", "true")

    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        require_service("Broker", f"amqp://127.0.0.1:{closed_port}//", 5672, "start RabbitMQ")


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("1", True), ("", False)])
def test_ci_is_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: bool
) -> None:
    monkeypatch.setenv("CI", value)

    assert in_ci() is expected
