"""SOE procurement needs: the SOE posts, updates and withdraws its own; every signed-in
organisation reads published ones (suppliers answer them); the sweeper withdraws needs
past their deadline."""

from __future__ import annotations

from typing import Any

from services.catalogue import events
from services.catalogue.domain import needs as domain
from services.catalogue.domain.needs import Need, NeedSpec, NeedState
from services.catalogue.storage import queries
from services.catalogue.usecases import Deps, new_id, not_found
from shared.auth import Caller
from shared.store import Versioned

NEED = not_found("need_id", "采购需求 / procurement need")


async def post(deps: Deps, caller: Caller, spec: NeedSpec) -> Need:
    t = domain.post(new_id("need"), caller.organisation_id, spec, deps.now())
    saved = await deps.repos.needs.create(
        t.entity.id, t.entity, events.need_events(t.entity, t.events)
    )
    return saved.state


async def get(deps: Deps, caller: Caller, need_id: str) -> Need:
    n = (await deps.repos.needs.require(need_id, NEED)).state
    if n.state is not NeedState.published and not (
        caller.is_operator or caller.owns(n.owner_org_id)
    ):
        raise NEED()
    return n


async def owned(deps: Deps, caller: Caller, need_id: str) -> Need:
    n = await get(deps, caller, need_id)
    if not caller.owns(n.owner_org_id):
        raise NEED()
    return n


def _saving(decide: Any) -> Any:
    def apply(cur: Versioned[Need]) -> tuple[Need, list[Any]]:
        t = decide(cur.state)
        return t.entity, events.need_events(t.entity, t.events)

    return apply


async def update(deps: Deps, caller: Caller, need_id: str, spec: NeedSpec) -> Need:
    await owned(deps, caller, need_id)
    apply = _saving(lambda n: domain.update(n, spec, deps.now()))
    return (await deps.repos.needs.update(need_id, apply, not_found=NEED)).state


async def withdraw(deps: Deps, caller: Caller, need_id: str, reason: str) -> Need:
    await owned(deps, caller, need_id)
    apply = _saving(lambda n: domain.withdraw(n, reason, deps.now()))
    return (await deps.repos.needs.update(need_id, apply, not_found=NEED)).state


async def listing(
    deps: Deps, caller: Caller, mine: bool, domain_code: str | None, limit: int, offset: int
) -> tuple[list[Need], int]:
    if mine:
        query = queries.where(owner_org_id=caller.organisation_id, spec__domains=domain_code)
    else:
        query = queries.where(state=NeedState.published.value, spec__domains=domain_code)
    return await queries.page(
        deps.repos.needs, query, limit, offset, [("created_at", -1), ("_id", 1)]
    )


async def close_due(deps: Deps) -> int:
    done = 0
    for found in await queries.needs_due(deps.repos.needs, deps.now()):

        def apply(cur: Versioned[Need]) -> tuple[Need, list[Any]]:
            if cur.state.state is not NeedState.published:
                return cur.state, []
            t = domain.withdraw(cur.state, "已过截止时间 / deadline passed", deps.now())
            return t.entity, events.need_events(t.entity, t.events)

        after = await deps.repos.needs.update(found.state.id, apply, not_found=NEED)
        done += after.version > found.version
    return done
