"""MongoDB-wire access (PyMongo's async API; FerretDB locally, MongoDB elsewhere).

Each service owns one database, ``<db_prefix>_<service>``; no service opens another's.
FerretDB 1.x has no multi-document transactions and no change streams, which is why
state and pending events share one document (see :mod:`shared.outbox`).
"""

from __future__ import annotations

from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from shared.settings import Settings, get_settings


def create_mongo_client(settings: Settings | None = None, **kwargs: Any) -> AsyncMongoClient[Any]:
    """A client with timezone-aware datetimes and bounded server selection."""
    settings = settings or get_settings()
    kwargs.setdefault("tz_aware", True)
    kwargs.setdefault("serverSelectionTimeoutMS", 5_000)
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
