"""OpenSearch access and the versioned write that makes projections replay-safe.

Projections are written with ``version_type=external`` and the aggregate version from
the envelope: OpenSearch keeps a write only if its version is higher than the stored
one, so redelivered or reordered events can never roll a document back.
"""

from __future__ import annotations

from typing import Any

from opensearchpy import AsyncOpenSearch
from opensearchpy.exceptions import ConflictError, NotFoundError

from shared.settings import Settings, get_settings


def create_search_client(settings: Settings | None = None, **kwargs: Any) -> AsyncOpenSearch:
    settings = settings or get_settings()
    kwargs.setdefault("timeout", 30)
    return AsyncOpenSearch(hosts=[settings.opensearch_url], **kwargs)


def index_name(name: str, settings: Settings | None = None) -> str:
    settings = settings or get_settings()
    return f"{settings.index_prefix}-{name}"


async def ping_search(client: AsyncOpenSearch) -> bool:
    try:
        return bool(await client.ping())
    except Exception:
        return False


async def index_versioned(
    client: AsyncOpenSearch,
    index: str,
    doc_id: str,
    version: int,
    body: dict[str, Any],
    *,
    refresh: bool | str = False,
) -> bool:
    """Write ``body`` at ``version``; False when a newer (or equal) version is stored."""
    try:
        await client.index(
            index=index,
            id=doc_id,
            body=body,
            version=version,
            version_type="external",
            refresh=refresh,
        )
    except ConflictError:
        return False  # stale or duplicate delivery: the stored document is newer
    return True


async def delete_versioned(
    client: AsyncOpenSearch, index: str, doc_id: str, version: int, *, refresh: bool | str = False
) -> bool:
    """Delete unless a newer version is stored. A later stale write at a lower version
    is still rejected, because OpenSearch remembers deleted versions for a while
    (index.gc_deletes, 60 s by default); projections that must survive longer replays
    should write a tombstone with :func:`index_versioned` instead."""
    try:
        await client.delete(
            index=index, id=doc_id, version=version, version_type="external", refresh=refresh
        )
    except ConflictError:
        return False
    except NotFoundError:
        return True
    return True
