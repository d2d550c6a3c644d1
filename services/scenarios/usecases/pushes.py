"""Pushes (精准推送): matching's supply-side suggestion of a scenario to a capability's
owner becomes one push with its explanation (notifications delivers it), unless the
enterprise muted the scenario's domain. Mutes are the enterprise's own."""

from __future__ import annotations

from services.scenarios import events
from services.scenarios import storage as q
from services.scenarios.domain import pushes as domain
from services.scenarios.domain.pushes import Mutes, Push
from services.scenarios.usecases import Deps, not_found
from shared.auth import Caller
from shared.events.contracts.matching import MatchSuggested
from shared.store import Conflict

MUTES = not_found("enterprise", "屏蔽设置 / mutes")


async def mutes(deps: Deps, caller: Caller) -> Mutes:
    found = await deps.repos.mutes.get(caller.organisation_id)
    return found.state if found else Mutes(id=caller.organisation_id)


async def set_mute(deps: Deps, caller: Caller, domain_code: str, on: bool) -> Mutes:
    org = caller.organisation_id
    for _ in range(8):
        found = await deps.repos.mutes.get(org)
        current = found.state if found else Mutes(id=org)
        t = domain.mute(current, domain_code) if on else domain.unmute(current, domain_code)
        if not t.events:
            return current
        try:
            evs = events.mute_events(t.entity, domain_code, t.events)
            return (
                await deps.repos.mutes.save(org, t.entity, found.version if found else 0, evs)
            ).state
        except Conflict:
            continue
    raise Conflict("mutes", org, 0)


async def on_match(deps: Deps, m: MatchSuggested) -> Push | None:
    """Idempotent: a push is a unique create per scenario and enterprise."""
    if m.demand_kind != "scenario" or m.side != "supply" or not m.demand_id or not m.supply_id:
        return None
    org = m.recipient_org_id
    found = await deps.repos.scenarios.get(m.demand_id)
    if found is None or found.state.state.value != "published":
        return None
    scenario = found.state
    muted = await deps.repos.mutes.get(org)
    if not domain.should_push(muted.state.domains if muted else [], scenario.content.domain):
        return None
    pid = domain.push_id(scenario.id, org)
    push = Push(
        id=pid,
        scenario_id=scenario.id,
        scenario_title=scenario.content.title,
        publisher_org_id=scenario.publisher_org_id,
        enterprise_org_id=org,
        capability_id=m.supply_id,
        domain=scenario.content.domain,
        score=m.score,
        explanation=m.summary,
        at=deps.now(),
    )
    try:
        return (await deps.repos.pushes.create(pid, push, events.push_events(push))).state
    except Conflict:
        return None  # already pushed (a redelivery, or a second capability of the same firm)


async def pushes(deps: Deps, caller: Caller, limit: int, offset: int) -> tuple[list[Push], int]:
    query = q.owned_by("enterprise_org_id", caller.organisation_id)
    found = await deps.repos.pushes.find(query, sort=[("at", -1)], limit=limit, skip=offset)
    return [v.state for v in found], await deps.repos.pushes.count(query)
