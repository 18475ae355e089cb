"""Metrics and traces of the database: the connection pool's gauges, a span per query.

The gauges follow the pool's ``checkout`` and ``checkin`` events, so they work in
multiprocess mode too, where ``/metrics`` adds up the values of the live workers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Gauge
from sqlalchemy import Engine, event
from sqlalchemy.pool import QueuePool

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider


class PoolMetrics:
    """Gauges of a SQLAlchemy connection pool: connections in use and the pool's size."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.checked_out = Gauge(
            "db_pool_connections_checked_out",
            "Database connections the application is using right now.",
            registry=registry,
            multiprocess_mode="livesum",
        )
        self.size = Gauge(
            "db_pool_size",
            "Connections the pools keep open (DATABASE_POOL_SIZE per process); "
            "more are checked out only as overflow.",
            registry=registry,
            multiprocess_mode="livesum",
        )

    def watch(self, engine: Engine) -> None:
        """Keep the gauges up to date with ``engine``'s pool."""
        pool = engine.pool
        if isinstance(pool, QueuePool):
            self.size.set(pool.size())

        @event.listens_for(pool, "checkout")
        def on_checkout(*_args: object) -> None:
            self.checked_out.inc()

        @event.listens_for(pool, "checkin")
        def on_checkin(*_args: object) -> None:
            self.checked_out.dec()


@contextmanager
def trace_queries(engine: Engine, provider: TracerProvider) -> Iterator[None]:
    """Trace every query ``engine`` runs with ``provider``, until the context ends.

    The instrumentation is process-wide (one application per process): it is undone on
    exit so that the next application of the process can install its own.
    """
    # Imported only when tracing is on, like the rest of the instrumentation.
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    instrumentor = SQLAlchemyInstrumentor()
    # It declares SQLAlchemy < 2.1 as its range, but uses only the engine and pool events,
    # which 2.1 keeps: without skip_dep_check it would log an error and trace nothing.
    instrumentor.instrument(engine=engine, tracer_provider=provider, skip_dep_check=True)
    try:
        yield
    finally:
        instrumentor.uninstrument()
