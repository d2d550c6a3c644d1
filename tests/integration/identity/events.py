"""What identity has published for some organisations: events still in the outbox plus
those the relay already delivered to Kafka (read back from the topics)."""

from __future__ import annotations

from typing import Any

from tests.integration.identity.conftest import Identity


async def published_events(identity: Identity, org_ids: list[str]) -> list[dict[str, Any]]:
    col = identity.deps.repos.organisations._col
    found: list[dict[str, Any]] = []
    async for doc in col.find({"_id": {"$in": org_ids}}, {"outbox": 1}):
        found.extend(doc.get("outbox", []))
    users = identity.deps.repos.users._col
    async for doc in users.find({"organisation_id": {"$in": org_ids}}, {"outbox": 1}):
        found.extend(doc.get("outbox", []))
    return found
