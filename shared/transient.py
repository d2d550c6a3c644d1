"""Is this error about the moment (an engine away or slow) or about the message?

:func:`unavailable` names the dependency that could not be reached (``database``,
``search``, ``broker`` or ``network``) or returns None. A consumer pauses and retries on
the first kind, however long the outage lasts, and dead-letters only on the second: the
dead-letter topic is for messages that are bad, not for moments when an engine is away.

The cause chain (``__cause__`` / ``__context__``) is followed, so a domain error raised
``from`` a connection error still counts as an outage.
"""

from __future__ import annotations

import asyncio

import httpx
from aiokafka import errors as kafka_errors
from opensearchpy import exceptions as search_errors
from pymongo import errors as mongo_errors

# OpenSearch answering but unable to take the request now (throttled, a node away).
_SEARCH_BUSY = {429, 502, 503, 504}
_KAFKA_AWAY = (
    kafka_errors.KafkaConnectionError,
    kafka_errors.KafkaTimeoutError,
    kafka_errors.NodeNotReadyError,
    kafka_errors.RequestTimedOutError,
)


def _one(exc: BaseException) -> str | None:
    if isinstance(exc, mongo_errors.ConnectionFailure | mongo_errors.ExecutionTimeout):
        return "database"  # AutoReconnect, NetworkTimeout, ServerSelectionTimeoutError
    if isinstance(exc, mongo_errors.PyMongoError) and (
        "database is locked" in str(exc) or exc.has_error_label("RetryableWriteError")
    ):
        return "database"  # FerretDB's SQLite busy under concurrent writes
    if isinstance(exc, search_errors.ConnectionError):  # incl. ConnectionTimeout
        return "search"
    if isinstance(exc, search_errors.TransportError) and exc.status_code in _SEARCH_BUSY:
        return "search"
    if isinstance(exc, _KAFKA_AWAY) or (
        isinstance(exc, kafka_errors.KafkaError) and getattr(exc, "retriable", False)
    ):
        return "broker"
    if isinstance(exc, httpx.TransportError):  # a peer service (identity's JWKS, ...)
        return "network"
    if isinstance(exc, ConnectionError | TimeoutError | asyncio.TimeoutError):
        return "network"
    return None


def unavailable(exc: BaseException) -> str | None:
    """The dependency ``exc`` says is unreachable now, or None (a fault of the message
    or of the code: retrying a few times, then the dead-letter topic)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        found = _one(current)
        if found:
            return found
        current = current.__cause__ or current.__context__
    return None
