"""Logs, traces and metrics for the plumbing every service shares.

- Logs are JSON lines carrying ``service``, ``correlationid`` and ``traceparent`` so one
  business flow can be followed across services with a grep.
- Traces use OpenTelemetry with W3C trace context. The chain is HTTP request → the
  envelope written to the outbox (its ``traceparent``) → the Kafka header → the handler's
  span, so a consumer's work is a child of the request that caused it.
- Metrics are Prometheus counters/gauges/histograms labelled by service; ``/metrics``
  serves them (see :mod:`shared.web`).
"""

from __future__ import annotations

import logging
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from prometheus_client import Counter, Gauge, Histogram
from pythonjsonlogger.json import JsonFormatter

_correlation_id: ContextVar[str | None] = ContextVar("correlationid", default=None)
_propagator = TraceContextTextMapPropagator()

# --- metrics (process-wide default registry; one service per process in production) ---
EVENTS_PUBLISHED = Counter(
    "duijie_events_published_total", "Events the outbox relay published", ["service", "topic"]
)
EVENTS_CONSUMED = Counter(
    "duijie_events_consumed_total",
    "Events a subscriber finished with, by outcome (ok, duplicate, skipped, dead_lettered)",
    ["service", "topic", "outcome"],
)
EVENTS_RETRIED = Counter(
    "duijie_events_retried_total",
    "Handler attempts that failed and were retried",
    ["service", "topic"],
)
EVENTS_DEAD_LETTERED = Counter(
    "duijie_events_dead_lettered_total", "Messages sent to a DLQ", ["service", "topic", "reason"]
)
OUTBOX_BACKLOG = Gauge(
    "duijie_outbox_backlog",
    "Pending outbox events seen by the last relay sweep",
    ["service", "collection"],
)
HANDLER_LATENCY = Histogram(
    "duijie_handler_latency_seconds",
    "Time a subscriber spent on one message, retries included",
    ["service", "topic"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)

DB_COMMAND_LATENCY = Histogram(
    "duijie_db_command_seconds",
    "MongoDB-wire commands as the client saw them (where the database's time goes)",
    ["database", "collection", "command"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)


# --- correlation ids ---
def current_correlation_id() -> str | None:
    return _correlation_id.get()


def new_correlation_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def bound_correlation_id(correlationid: str | None) -> Iterator[str]:
    """Make ``correlationid`` (or a fresh one) current for the block."""
    cid = correlationid or new_correlation_id()
    token = _correlation_id.set(cid)
    try:
        yield cid
    finally:
        _correlation_id.reset(token)


# --- tracing ---
def setup_tracing(service: str) -> None:
    """Install an SDK tracer provider once, so spans get real ids that propagate.

    Exporters are configured by the deployment (OTEL_* env); without one, spans are
    still created so trace ids flow through logs, outbox envelopes and Kafka headers.
    """
    if isinstance(trace.get_tracer_provider(), TracerProvider):
        return
    trace.set_tracer_provider(TracerProvider(resource=Resource.create({"service.name": service})))


def tracer() -> trace.Tracer:
    return trace.get_tracer("duijie")


def current_traceparent() -> str | None:
    """The W3C ``traceparent`` of the current span, or None outside any trace."""
    carrier: dict[str, str] = {}
    _propagator.inject(carrier)
    return carrier.get("traceparent")


def context_from_traceparent(traceparent: str | None) -> otel_context.Context:
    """An OpenTelemetry context whose parent is the given ``traceparent``."""
    if not traceparent:
        return otel_context.Context()
    return _propagator.extract({"traceparent": traceparent})


# --- logging ---
class _ContextFilter(logging.Filter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        record.correlationid = _correlation_id.get()
        record.traceparent = current_traceparent()
        return True


def setup_logging(service: str, level: str = "INFO") -> None:
    """JSON logs on stdout with service, correlationid and traceparent on every line."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s"
            " %(service)s %(correlationid)s %(traceparent)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    )
    handler.addFilter(_ContextFilter(service))
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_duijie", False):
            root.removeHandler(old)
    handler._duijie = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    # opensearch-py logs every request at INFO: two thirds of all log lines, and CPU
    logging.getLogger("opensearch").setLevel(max(logging.WARNING, root.level))


def setup_observability(service: str, level: str = "INFO") -> None:
    setup_logging(service, level)
    setup_tracing(service)
