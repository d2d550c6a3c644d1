"""Reading what the service stored: the events of its stored changes, pairs."""

from __future__ import annotations

from typing import Any

from services.matching.usecases import Deps
from shared.store import CHANGES


async def pending_events(deps: Deps) -> list[dict[str, Any]]:
    """Every event of the stored changes, in change order (no relay runs in these tests)."""
    db = deps.repos.matches.collection.database
    changes = await db[CHANGES].find({}, {"state": 0}).to_list()
    out: list[dict[str, Any]] = []
    for change in sorted(changes, key=lambda c: (c["at"], c["kind"], c["agg"], c["v"])):
        out += change["events"]
    return out


async def pairs(deps: Deps) -> dict[str, dict[str, Any]]:
    cursor = deps.repos.matches.collection.find({}, {"updated_at": 0})
    return {d["_id"]: d async for d in cursor}
