"""Reading what the service stored: pending events in the outboxes, pairs."""

from __future__ import annotations

from typing import Any

from services.matching.storage import OUTBOX_COLLECTIONS
from services.matching.usecases import Deps


async def pending_events(deps: Deps) -> list[dict[str, Any]]:
    """Every event still in an outbox (no relay runs in these tests)."""
    db = deps.repos.matches.collection.database
    out: list[dict[str, Any]] = []
    for name in OUTBOX_COLLECTIONS:
        async for doc in db[name].find({"outbox.0": {"$exists": True}}, {"outbox": 1}):
            out += doc["outbox"]
    return out


async def pairs(deps: Deps) -> dict[str, dict[str, Any]]:
    cursor = deps.repos.matches.collection.find({}, {"outbox": 0, "updated_at": 0})
    return {d["_id"]: d async for d in cursor}
