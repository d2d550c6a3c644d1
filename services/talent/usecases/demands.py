"""Talent demands: post, edit, withdraw (its claims end), reads with visibility.

Who sees what: the posting enterprise its own demands in every state; verified agencies
the published list; operators everything. Nobody else.
"""

from __future__ import annotations

from collections.abc import Callable

from services.talent import events
from services.talent.domain import demands as domain
from services.talent.domain.agencies import ensure_verified
from services.talent.domain.demands import Demand, DemandContent, DemandState
from services.talent.storage import queries
from services.talent.usecases import Deps, new_id, not_found
from services.talent.usecases import agencies as agency_uc
from services.talent.usecases import claims as claim_uc
from shared.auth import Caller, OrgType
from shared.store import Versioned
from shared.transitions import Transition

DEMAND = not_found("demand_id", "人才需求 / talent demand")


async def post(deps: Deps, caller: Caller, content: DemandContent) -> Demand:
    s = deps.settings
    t = domain.post(
        new_id("demand"),
        caller.organisation_id,
        content,
        deps.now(),
        default_k=s.open_k,
        default_days=s.claim_days,
    )
    saved = await deps.repos.demands.create(
        t.entity.id, t.entity, events.demand_events(t.entity, t.events)
    )
    return saved.state


async def _visible(deps: Deps, caller: Caller, demand: Demand) -> bool:
    if caller.is_operator or demand.owner_org_id == caller.organisation_id:
        return True
    if caller.org_type is OrgType.headhunter and demand.state is DemandState.published:
        ensure_verified(await agency_uc.find(deps, caller.organisation_id))
        return True
    return False


async def get(deps: Deps, caller: Caller, demand_id: str) -> Demand:
    demand = (await deps.repos.demands.require(demand_id, DEMAND)).state
    if not await _visible(deps, caller, demand):
        raise DEMAND()
    return demand


async def listing(
    deps: Deps,
    caller: Caller,
    *,
    state: DemandState | None,
    domain_code: str | None,
    seniority: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Demand], int]:
    owner: str | None = None
    wanted = state.value if state else None
    if caller.org_type is OrgType.headhunter:
        ensure_verified(await agency_uc.find(deps, caller.organisation_id))
        wanted = DemandState.published.value
    elif not caller.is_operator:
        owner = caller.organisation_id
    query = queries.demand_filter(
        owner=owner, state=wanted, domain=domain_code, seniority=seniority
    )
    return await queries.demands(deps.repos.demands, query, limit, offset)


async def change(
    deps: Deps, demand_id: str, decide: Callable[[Demand], Transition[Demand]]
) -> Demand:
    def apply(current: Versioned[Demand]) -> tuple[Demand, list]:
        t = decide(current.state)
        return t.entity, events.demand_events(t.entity, t.events)

    updated = (await deps.repos.demands.update(demand_id, apply, not_found=DEMAND)).state
    if updated.state is not DemandState.published:
        await claim_uc.release_all_of(deps, demand_id, updated.reason or updated.state.value)
    return updated


async def _owned(deps: Deps, caller: Caller, demand_id: str) -> None:
    demand = await get(deps, caller, demand_id)
    domain.ensure_owner(demand, caller.organisation_id)


async def edit(deps: Deps, caller: Caller, demand_id: str, content: DemandContent) -> Demand:
    await _owned(deps, caller, demand_id)
    return await change(deps, demand_id, lambda d: domain.edit(d, content, deps.now()))


async def withdraw(deps: Deps, caller: Caller, demand_id: str, reason: str) -> Demand:
    await _owned(deps, caller, demand_id)
    return await change(deps, demand_id, lambda d: domain.withdraw(d, reason, deps.now()))


async def record_hire(deps: Deps, demand_id: str, candidate_id: str) -> Demand:
    return await change(deps, demand_id, lambda d: domain.record_hire(d, candidate_id, deps.now()))


async def close_past_deadline(deps: Deps) -> int:
    closed = 0
    for v in await queries.demands_past_deadline(deps.repos.demands, deps.now()):
        await change(deps, v.state.id, lambda d: domain.close_if_past(d, deps.now()))
        closed += 1
    return closed
