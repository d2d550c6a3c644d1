"""What identity has stored to publish for some organisations: the events of their stored
changes (``shared.store``), which the change relay publishes to Kafka."""

from __future__ import annotations

from typing import Any

from tests.integration.identity.conftest import Identity


async def stored_events(identity: Identity, agg_ids: list[str]) -> list[dict[str, Any]]:
    """Every event saved with a change of these aggregates, in version order."""
    changes = identity.deps.repos.organisations.store.changes
    found = await changes.find({"agg": {"$in": agg_ids}}).to_list()
    found.sort(key=lambda c: (c["kind"], c["agg"], c["v"]))
    return [e for c in found for e in c.get("events", [])]


async def published_events(identity: Identity, org_ids: list[str]) -> list[dict[str, Any]]:
    users = await identity.deps.repos.users.store.find({"organisation_id": {"$in": org_ids}})
    return await stored_events(identity, [*org_ids, *(u.state.id for u in users)])
