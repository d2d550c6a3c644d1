"""Scenarios: a publisher posts, edits (until published) and withdraws; the operator
publishes batches of the city opportunity list; everyone browses by batch and domain."""

from __future__ import annotations

from typing import Any

from services.scenarios import events
from services.scenarios import storage as q
from services.scenarios.domain import scenarios as domain
from services.scenarios.domain.scenarios import Batch, BatchIn, Scenario, ScenarioIn, ScenarioState
from services.scenarios.usecases import BATCH, SCENARIO, Deps, new_id, require_owner
from shared.auth import Caller, OrgType
from shared.errors import ConflictError, InvalidInput
from shared.store import Versioned

PUBLIC = {ScenarioState.published, ScenarioState.awarded, ScenarioState.completed}


async def submit(deps: Deps, caller: Caller, content: ScenarioIn) -> Scenario:
    t = domain.submit(new_id("scn"), caller.organisation_id, content, deps.now())
    saved = await deps.repos.scenarios.create(
        t.entity.id, t.entity, events.scenario_events(t.entity, t.events)
    )
    return saved.state


async def change(
    deps: Deps, caller: Caller, sid: str, action: str, content: ScenarioIn | None = None
) -> Scenario:
    if content is not None:
        domain.check_deadline(content, deps.now())

    def decide(current: Versioned[Scenario]) -> tuple[Scenario, list[Any]]:
        require_owner(caller, current.state.publisher_org_id, "scenario_id")
        extra = {"content": content} if content is not None else {}
        t = domain.change(current.state, action, deps.now(), **extra)
        return t.entity, events.scenario_events(t.entity, t.events)

    return (await deps.repos.scenarios.update(sid, decide, not_found=SCENARIO)).state


def visible(caller: Caller, s: Scenario) -> bool:
    return s.state in PUBLIC or caller.is_operator or caller.owns(s.publisher_org_id)


async def get(deps: Deps, caller: Caller, sid: str) -> Scenario:
    s = (await deps.repos.scenarios.require(sid, SCENARIO)).state
    if not visible(caller, s):
        raise SCENARIO()
    return s


async def listing(
    deps: Deps,
    caller: Caller,
    batch_id: str | None,
    domain_code: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Scenario], int]:
    """Public states for everyone; a publisher also sees its own drafts; operators all."""
    own = None if caller.org_type is OrgType.enterprise else caller.organisation_id
    states = [s.value for s in ScenarioState] if caller.is_operator else None
    query = q.scenarios_visible(own, batch_id, domain_code, states)
    store = deps.repos.scenarios
    found = await store.find(query, sort=[("created_at", -1)], limit=limit, skip=offset)
    return [v.state for v in found], await store.count(query)


async def publish_batch(deps: Deps, body: BatchIn) -> Batch:
    """Batch N of the year: every named scenario must be submitted and still open; the
    batch id ``<year>-<n>`` is a unique create, so a batch is published once."""
    now = deps.now()
    bid = domain.batch_id(body.year, body.number)
    for i, sid in enumerate(body.scenario_ids):
        found = await deps.repos.scenarios.get(sid)
        if found is None:
            raise InvalidInput(
                f"scenario_ids.{i}", "not_found", zh="未找到该场景", en=f"no such scenario {sid}"
            )
        if found.state.state is not ScenarioState.submitted:
            raise ConflictError(
                f"scenario_ids.{i}",
                f"scenario_{found.state.state.value}",
                zh="只能发布待发布的场景",
                en=f"scenario {sid} is not awaiting a batch",
            )
        domain.check_deadline(found.state.content, now)
    batch = Batch(
        id=bid,
        year=body.year,
        number=body.number,
        title=body.title,
        scenario_ids=list(body.scenario_ids),
        published_at=now,
    )
    saved = await deps.repos.batches.create(bid, batch, events.batch_events(batch))

    def publish(current: Versioned[Scenario]) -> tuple[Scenario, list[Any]]:
        t = domain.publish_in(current.state, bid, now)
        return t.entity, events.scenario_events(t.entity, t.events)

    for sid in body.scenario_ids:
        await deps.repos.scenarios.update(sid, publish, not_found=SCENARIO)
    return saved.state


async def batches(deps: Deps, limit: int, offset: int) -> tuple[list[Batch], int]:
    found = await deps.repos.batches.find(
        q.everything(), sort=[("published_at", -1)], limit=limit, skip=offset
    )
    return [v.state for v in found], await deps.repos.batches.count(q.everything())


async def batch(deps: Deps, bid: str) -> Batch:
    return (await deps.repos.batches.require(bid, BATCH)).state


async def results(deps: Deps, limit: int, offset: int) -> tuple[list[Scenario], int]:
    store = deps.repos.scenarios
    found = await store.find(q.results(), sort=[("updated_at", -1)], limit=limit, skip=offset)
    return [v.state for v in found], await store.count(q.results())
