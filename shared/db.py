"""MongoDB-wire access (PyMongo's async API; FerretDB locally, MongoDB elsewhere).

Each service owns one database, ``<db_prefix>_<service>``; no service opens another's.
FerretDB 1.x has no multi-document transactions, no change streams and no atomic
conditional update; state changes go through the aggregate store (:mod:`shared.store`),
whose unique change insert is the compare-and-set and the outbox row at once.
"""

from __future__ import annotations

from typing import Any

from pymongo import AsyncMongoClient, monitoring
from pymongo.asynchronous.database import AsyncDatabase

from shared.observability import DB_COMMAND_LATENCY
from shared.settings import Settings, get_settings

_Finished = monitoring.CommandSucceededEvent | monitoring.CommandFailedEvent


class CommandTimer(monitoring.CommandListener):
    """Feeds ``duijie_db_command_seconds`` per database, collection and command, so a
    slow collection scan shows by name in ``/metrics``. Filters and documents are never
    looked at (they may carry personal data)."""

    def __init__(self) -> None:
        self._started: dict[tuple[Any, int], tuple[str, str, str]] = {}

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        target = event.command.get(event.command_name)
        collection = target if isinstance(target, str) else "-"
        key = (event.connection_id, event.request_id)
        self._started[key] = (event.database_name, collection, event.command_name)

    def _done(self, event: _Finished) -> None:
        labels = self._started.pop((event.connection_id, event.request_id), None)
        if labels is not None:
            DB_COMMAND_LATENCY.labels(*labels).observe(event.duration_micros / 1e6)

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        self._done(event)

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        self._done(event)


def create_mongo_client(settings: Settings | None = None, **kwargs: Any) -> AsyncMongoClient[Any]:
    """A client with timezone-aware datetimes, bounded server selection and command
    timings in the service's metrics."""
    settings = settings or get_settings()
    kwargs.setdefault("tz_aware", True)
    kwargs.setdefault("serverSelectionTimeoutMS", 5_000)
    kwargs.setdefault("event_listeners", [CommandTimer()])
    return AsyncMongoClient(settings.mongo_url, **kwargs)


def database_name(service: str, settings: Settings | None = None) -> str:
    settings = settings or get_settings()
    return f"{settings.db_prefix}_{service}"


def service_database(
    client: AsyncMongoClient[Any], service: str, settings: Settings | None = None
) -> AsyncDatabase[Any]:
    return client[database_name(service, settings)]


async def ping_mongo(client: AsyncMongoClient[Any]) -> bool:
    try:
        await client.admin.command("ping")
    except Exception:
        return False
    return True
