"""The service as it runs in production, driven over HTTP from outside the process."""

import signal
import sys

import httpx2
import pytest

from tests.support.server import Server


def test_probes_answer_once_started(http: httpx2.Client) -> None:
    health = http.get("/health")
    ready = http.get("/ready")

    assert health.status_code == 200
    assert health.json()["status"] == "ok"
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"


def test_openapi_document_lists_the_probes(http: httpx2.Client) -> None:
    response = http.get("/openapi.json")

    assert response.status_code == 200
    assert {"/health", "/ready"} <= set(response.json()["paths"])


def test_unknown_route_is_a_json_404(http: httpx2.Client) -> None:
    response = http.get("/no-such-route")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM is a POSIX signal")
def test_sigterm_shuts_down_gracefully(server: Server) -> None:
    exit_code = server.stop()

    # uvicorn finishes its shutdown, then re-raises the signal it caught.
    assert exit_code in {0, -signal.SIGTERM}, server.output()
    assert "Application shutdown complete." in server.output()
    assert "Finished server process" in server.output()
