"""Capability records: an enterprise publishes, updates, withdraws; the market reads them."""

from __future__ import annotations

from typing import Any

from services.scenarios import events
from services.scenarios.domain import records as domain
from services.scenarios.domain.records import Capability, CapabilityIn, RecordState
from services.scenarios.storage import owned_by, published_capabilities
from services.scenarios.usecases import CAPABILITY, Deps, new_id, require_owner
from shared.auth import Caller, OrgType
from shared.store import Versioned


async def publish(deps: Deps, caller: Caller, content: CapabilityIn) -> Capability:
    t = domain.publish(new_id("cap"), caller.organisation_id, content, deps.now())
    saved = await deps.repos.capabilities.create(
        t.entity.id, t.entity, events.capability_events(t.entity, t.events)
    )
    return saved.state


async def change(
    deps: Deps, caller: Caller, cid: str, action: str, content: CapabilityIn | None = None
) -> Capability:
    def decide(current: Versioned[Capability]) -> tuple[Capability, list[Any]]:
        require_owner(caller, current.state.owner_org_id, "capability_id")
        t = domain.change(current.state, action, deps.now(), content)
        return t.entity, events.capability_events(t.entity, t.events)

    return (await deps.repos.capabilities.update(cid, decide, not_found=CAPABILITY)).state


async def get(deps: Deps, caller: Caller, cid: str) -> Capability:
    c = (await deps.repos.capabilities.require(cid, CAPABILITY)).state
    if c.state is not RecordState.published and not (
        caller.is_operator or caller.owns(c.owner_org_id)
    ):
        raise CAPABILITY()
    return c


async def listing(
    deps: Deps, caller: Caller, limit: int, offset: int
) -> tuple[list[Capability], int]:
    """Enterprises see their own; publishers and operators the published ones."""
    if caller.org_type is OrgType.enterprise:
        query = owned_by("owner_org_id", caller.organisation_id)
    else:
        query = published_capabilities()
    store = deps.repos.capabilities
    found = await store.find(query, sort=[("created_at", -1)], limit=limit, skip=offset)
    return [v.state for v in found], await store.count(query)
