"""A bounded load test of a running service: ``uv run poe load`` (see docs/modules/testing.md).

Each simulated user mostly checks liveness, sometimes readiness and the API document,
with a short pause between requests. Any non-2xx answer counts as a failure, and
``--exit-code-on-error 1`` turns failures into a failed run.
"""

from locust import HttpUser, between, task


class ServiceUser(HttpUser):
    wait_time = between(0.05, 0.2)

    @task(10)
    def health(self) -> None:
        self.client.get("/health")

    @task(3)
    def ready(self) -> None:
        self.client.get("/ready")

    @task(1)
    def openapi(self) -> None:
        self.client.get("/openapi.json")
