"""Prometheus metrics of the HTTP server, served at ``GET /metrics``.

Routes are labelled by their template (``/widgets/{widget_id}``), never by the raw path,
so the number of series stays bounded. With several worker processes, export
``PROMETHEUS_MULTIPROC_DIR`` (an empty folder) before the service starts: every worker
writes its samples there and ``/metrics`` adds them up, whichever worker answers.
"""

from fastapi import APIRouter, Request, Response
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, multiprocess
from prometheus_client.exposition import choose_encoder

UNMATCHED = "unmatched"


class HttpMetrics:
    """The request counter, duration histogram and in-flight gauge of one application."""

    def __init__(self, *, multiprocess_dir: str | None = None) -> None:
        self.registry = CollectorRegistry()
        self.multiprocess_dir = multiprocess_dir
        self.requests = Counter(
            "http_requests",
            "HTTP requests answered, by method, route template and status code.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.duration = Histogram(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by method and route template.",
            ["method", "route"],
            registry=self.registry,
        )
        self.in_progress = Gauge(
            "http_requests_in_progress",
            "HTTP requests being answered right now.",
            registry=self.registry,
            multiprocess_mode="livesum",
        )

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.duration.labels(method, route).observe(seconds)

    def exposition(self, accept: str) -> tuple[bytes, str]:
        """The metrics in the format ``accept`` asks for, and its content type."""
        registry = self.registry
        if self.multiprocess_dir is not None:
            registry = CollectorRegistry()
            # prometheus_client's multiprocess helpers carry no annotations.
            multiprocess.MultiProcessCollector(  # type: ignore[no-untyped-call]
                registry, path=self.multiprocess_dir
            )
        encoder, content_type = choose_encoder(accept)
        return encoder(registry), content_type


def metrics_router(metrics: HttpMetrics) -> APIRouter:
    router = APIRouter(tags=["observability"])

    @router.get("/metrics", include_in_schema=False)
    def prometheus_metrics(request: Request) -> Response:
        body, content_type = metrics.exposition(request.headers.get("accept", ""))
        return Response(content=body, media_type=content_type)

    return router
