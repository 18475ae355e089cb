"""Structured logs: structlog renders every line, the standard library's included.

Each line carries the bound context (the request ID), the trace and span IDs of the
current span, and never the value of a secret-looking field.
"""

import logging
import sys
from collections.abc import Mapping
from typing import Any, Literal, TextIO

import structlog
from opentelemetry import trace
from structlog.typing import EventDict, Processor, WrappedLogger

REDACTED = "[redacted]"
SENSITIVE = (
    "authorization",
    "cookie",
    "password",
    "passwd",
    "secret",
    "token",
    "api_key",
    "apikey",
)

Renderer = Literal["json", "console"]


class StructuredHandler(logging.StreamHandler[TextIO]):
    """The root handler this module installs (replaced, never stacked, on reconfiguration).

    Without a stream it writes to whatever ``sys.stdout`` is when each line is emitted.
    """

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__(stream or sys.stdout)
        self.follows_stdout = stream is None

    def emit(self, record: logging.LogRecord) -> None:
        if self.follows_stdout:
            self.stream = sys.stdout
        super().emit(record)


def is_sensitive(key: object) -> bool:
    if isinstance(key, bytes):
        key = key.decode("latin-1")
    if not isinstance(key, str):
        return False
    name = key.lower().replace("-", "_")
    return any(word in name for word in SENSITIVE)


def redact(value: Any) -> Any:
    """``value`` with every secret-looking mapping key or header pair's value replaced."""
    if isinstance(value, Mapping):
        return {k: REDACTED if is_sensitive(k) else redact(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        if len(value) == 2 and isinstance(value[0], str | bytes) and is_sensitive(value[0]):
            return (value[0], REDACTED)
        items = [redact(item) for item in value]
        return tuple(items) if isinstance(value, tuple) else items
    return value


def redact_secrets(_logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
    """Replace the values of Authorization, cookies, passwords, tokens and other secrets."""
    for key, value in event_dict.items():
        if key == "event":
            continue
        event_dict[key] = REDACTED if is_sensitive(key) else redact(value)
    return event_dict


def add_trace_context(_logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
    """Add the current span's trace and span IDs, as the OpenTelemetry backends show them."""
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        event_dict["trace_id"] = format(context.trace_id, "032x")
        event_dict["span_id"] = format(context.span_id, "016x")
    return event_dict


SHARED: list[Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    add_trace_context,
]


def formatter(renderer: Renderer, *, colors: bool = False) -> structlog.stdlib.ProcessorFormatter:
    final: list[Processor]
    if renderer == "json":
        final = [structlog.processors.dict_tracebacks, structlog.processors.JSONRenderer()]
    else:
        final = [structlog.dev.ConsoleRenderer(colors=colors)]
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*SHARED, structlog.stdlib.ExtraAdder()],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            redact_secrets,
            *final,
        ],
    )


def configure_logging(level: str, renderer: Renderer, stream: TextIO | None = None) -> None:
    """Route structlog and the standard library's logging to one handler on ``stream``."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *SHARED,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = StructuredHandler(stream)
    colors = renderer == "console" and handler.stream.isatty()
    handler.setFormatter(formatter(renderer, colors=colors))
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, StructuredHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    # uvicorn's own lines go through the same handler; its access log is replaced by ours.
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True
