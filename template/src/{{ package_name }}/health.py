"""Liveness (``/health``) and readiness (``/ready``) endpoints.

Modules register a probe for each dependency they need; ``/ready`` runs them all
concurrently and answers 503, naming the failing checks, when any of them fails.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Literal

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel

logger = logging.getLogger(__name__)

Probe = Callable[[], Awaitable[None]]


class DependencyUnavailableError(RuntimeError):
    """A service the app cannot start without does not answer; the message says what to do."""


class CheckResult(BaseModel):
    status: Literal["ok", "failed"]
    error: str | None = None


class HealthReport(BaseModel):
    status: Literal["ok"]
    version: str


class ReadinessReport(BaseModel):
    status: Literal["ready", "unavailable"]
    checks: dict[str, CheckResult]


class Readiness:
    """The named probes ``/ready`` runs, each bounded by a timeout in seconds."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._probes: dict[str, Probe] = {}

    def add(self, name: str, probe: Probe) -> None:
        if name in self._probes:
            msg = f"a readiness check named {name!r} is already registered"
            raise ValueError(msg)
        self._probes[name] = probe

    @property
    def names(self) -> list[str]:
        return list(self._probes)

    async def _run_one(self, name: str, probe: Probe) -> CheckResult:
        try:
            await asyncio.wait_for(probe(), timeout=self.timeout)
        except TimeoutError:
            logger.warning("readiness check %s timed out after %ss", name, self.timeout)
            return CheckResult(status="failed", error=f"timed out after {self.timeout}s")
        except Exception as exc:  # a failing dependency must not crash the probe
            logger.warning("readiness check %s failed: %r", name, exc)
            # Only the exception type leaves the process: messages can carry hosts or secrets.
            return CheckResult(status="failed", error=type(exc).__name__)
        return CheckResult(status="ok")

    async def run(self) -> dict[str, CheckResult]:
        names = list(self._probes)
        results = await asyncio.gather(*(self._run_one(n, self._probes[n]) for n in names))
        return dict(zip(names, results, strict=True))


router = APIRouter(tags=["health"])


@router.get("/health", summary="Liveness: the process is up")
async def health(request: Request) -> HealthReport:
    return HealthReport(status="ok", version=request.app.version)


@router.get(
    "/ready",
    summary="Readiness: every dependency answers",
    responses={status.HTTP_503_SERVICE_UNAVAILABLE: {"model": ReadinessReport}},
)
async def ready(request: Request, response: Response) -> ReadinessReport:
    readiness: Readiness = request.app.state.readiness
    checks = await readiness.run()
    if all(check.status == "ok" for check in checks.values()):
        return ReadinessReport(status="ready", checks=checks)
    response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return ReadinessReport(status="unavailable", checks=checks)
