"""MongoDB-wire access (PyMongo's async API; FerretDB locally, MongoDB elsewhere).

Each service owns one database, ``<db_prefix>_<service>``; no service opens another's.
FerretDB 1.x has no multi-document transactions and no change streams, which is why
state and pending events share one document (see :mod:`shared.outbox`).
"""

from __future__ import annotations

from typing import Any

from pymongo import AsyncMongoClient, monitoring
from pymongo.asynchronous.collection import AsyncCollection
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


_FERRETDB: dict[int, bool] = {}  # id(client) -> the server is FerretDB


async def is_ferretdb(db: AsyncDatabase[Any]) -> bool:
    """Whether ``db`` is served by FerretDB (its ``buildInfo`` says so); asked once per
    client."""
    key = id(db.client)
    if key not in _FERRETDB:
        info = await db.client.admin.command("buildInfo")
        _FERRETDB[key] = "ferretdbVersion" in info
    return _FERRETDB[key]


async def update_one_where(
    col: AsyncCollection[Any], doc_id: Any, expected: dict[str, Any], update: dict[str, Any]
) -> bool:
    """``update_one({"_id": doc_id, **expected}, update)``; True when it modified the
    document. ``expected`` holds top-level equalities (``None`` matches a missing field).

    FerretDB 1.x answers a filter from its primary key only when it is exactly
    ``{"_id": x}``: with one more condition it reads and decodes every document in
    ``_id`` order until one matches (measured: ~200 ms per update at 2,000 documents of
    4 KB; it was most of the database's CPU in the pipeline benchmark). Its filtered
    updates are not atomic either (a read-modify-write), so on FerretDB the document is
    read by ``_id``, the equalities are checked here and the update is filtered by
    ``_id`` alone: the same guarantee without the scan. On MongoDB it stays the one
    atomic filtered update."""
    if not await is_ferretdb(col.database):
        result = await col.update_one({"_id": doc_id, **expected}, update)
        return result.modified_count == 1
    if not await matches_by_id(col, doc_id, expected):
        return False
    result = await col.update_one({"_id": doc_id}, update)
    return result.modified_count == 1


async def matches_by_id(col: AsyncCollection[Any], doc_id: Any, expected: dict[str, Any]) -> bool:
    """Whether document ``doc_id`` exists and holds the top-level equalities ``expected``
    (read by ``_id`` only; see :func:`update_one_where`)."""
    doc = await col.find_one({"_id": doc_id}, {k: 1 for k in expected} or {"_id": 1})
    return doc is not None and all(doc.get(k) == v for k, v in expected.items())
