"""Selection (遴选): the publisher names the panel; experts declare conflicts and score
after the deadline; the publisher closes the panel (one close under any race: a
versioned save of the panel); scores and the ranking are visible after the close."""

from __future__ import annotations

import asyncio
import random
from typing import Any

from services.scenarios import events
from services.scenarios import storage as q
from services.scenarios.domain import panel as domain
from services.scenarios.domain.panel import Panel, PanelIn, PanelState, Scorecard, ScoreIn
from services.scenarios.domain.proposals import Proposal, ProposalState
from services.scenarios.domain.scenarios import Scenario, ScenarioState
from services.scenarios.usecases import PANEL, PROPOSAL, SCENARIO, Deps, require_owner
from shared.auth import Caller
from shared.errors import ConflictError, InvalidInput
from shared.store import Conflict, Versioned


async def _scenario(deps: Deps, sid: str) -> Scenario:
    return (await deps.repos.scenarios.require(sid, SCENARIO)).state


def _after_deadline(deps: Deps, scenario: Scenario, action: str) -> None:
    if deps.now() < scenario.content.deadline:
        raise ConflictError(
            "deadline",
            "applications_open",
            zh="申报尚未截止，不能" + action,
            en=f"applications are still open: cannot {action} yet",
        )


async def name(deps: Deps, caller: Caller, sid: str, body: PanelIn) -> Panel:
    scenario = await _scenario(deps, sid)
    require_owner(caller, scenario.publisher_org_id, "scenario_id")
    if scenario.state is not ScenarioState.published:
        raise ConflictError(
            "state",
            f"scenario_{scenario.state.value}",
            zh="场景发布后才能组建专家组",
            en="name the panel of a published scenario",
        )
    for _ in range(8):
        found = await deps.repos.panels.get(sid)
        t = domain.name(sid, scenario.publisher_org_id, body, found.state if found else None)
        evs = events.panel_events(t.entity, scenario, t.events)
        try:
            return (
                await deps.repos.panels.save(sid, t.entity, found.version if found else 0, evs)
            ).state
        except Conflict:
            continue
    raise Conflict("panel", sid, 0)


async def get(deps: Deps, caller: Caller, sid: str) -> Panel:
    """Publisher, operators, or one of its experts; cards filtered by :func:`cards`."""
    scenario = await _scenario(deps, sid)
    panel = (await deps.repos.panels.require(sid, PANEL)).state
    if not (
        caller.is_operator or caller.owns(scenario.publisher_org_id) or panel.expert(caller.user_id)
    ):
        raise PANEL()
    return panel.model_copy(update={"cards": cards_for(panel, caller, scenario)})


def cards_for(panel: Panel, caller: Caller, scenario: Scenario) -> list[Scorecard]:
    sees_all = (
        caller.is_operator
        or caller.owns(scenario.publisher_org_id)
        or bool(panel.expert(caller.user_id))
    )
    return domain.visible_cards(panel, caller.user_id, sees_all)


async def declare(deps: Deps, caller: Caller, sid: str, enterprise_org_id: str) -> Panel:
    scenario = await _scenario(deps, sid)

    def decide(v: Versioned[Panel]) -> tuple[Panel, list[Any]]:
        t = domain.declare(v.state, caller.user_id, caller.organisation_id, enterprise_org_id)
        return t.entity, events.panel_events(
            t.entity,
            scenario,
            t.events,
            expert_user_id=caller.user_id,
            enterprise_org_id=enterprise_org_id,
        )

    saved = (await deps.repos.panels.update(sid, decide, not_found=PANEL)).state
    return saved.model_copy(update={"cards": cards_for(saved, caller, scenario)})


async def score(deps: Deps, caller: Caller, sid: str, body: ScoreIn) -> Scorecard:
    scenario = await _scenario(deps, sid)
    _after_deadline(deps, scenario, "评分 / score")
    proposal = (await deps.repos.proposals.require(body.proposal_id, PROPOSAL)).state
    if proposal.scenario_id != sid or proposal.state is not ProposalState.submitted:
        raise InvalidInput(
            "proposal_id",
            "not_scorable",
            zh="该方案不属于本场景或已撤回",
            en="the proposal is not an open application to this scenario",
        )
    now = deps.now()

    def decide(v: Versioned[Panel]) -> tuple[Panel, list[Any]]:
        t = domain.score(
            v.state,
            caller.user_id,
            caller.organisation_id,
            proposal,
            body,
            scenario.content.criteria,
            now,
        )
        return t.entity, events.panel_events(
            t.entity, scenario, t.events, expert_user_id=caller.user_id, proposal_id=proposal.id
        )

    saved = await _contended_update(deps, sid, decide)
    return next(
        c for c in saved.cards if c.user_id == caller.user_id and c.proposal_id == proposal.id
    )


async def _contended_update(deps: Deps, sid: str, decide: Any) -> Panel:
    """``store.update`` for a busy aggregate: the experts of a panel all write the one
    panel, so in this process their writes queue on a lock (an optimisation only: without
    it five experts spent ~5x the time in lost saves and retries). Exactness still comes
    from the versioned save, which other replicas race: the loser reloads after a
    jittered, growing back-off."""
    async with deps.lock(f"panel:{sid}"):
        return await _update(deps, sid, decide)


async def _update(deps: Deps, sid: str, decide: Any) -> Panel:
    for attempt in range(40):
        current = await deps.repos.panels.require(sid, PANEL)
        state, evs = decide(current)
        try:
            return (await deps.repos.panels.save(sid, state, current.version, evs)).state
        except Conflict:
            await asyncio.sleep(random.uniform(0, 0.005 * min(attempt + 1, 10)))  # noqa: S311
    raise Conflict("panel", sid, -1)


async def close(deps: Deps, caller: Caller, sid: str) -> Panel:
    """Exactly one close: the loser of a race reloads a closed panel and gets a 409."""
    scenario = await _scenario(deps, sid)
    require_owner(caller, scenario.publisher_org_id, "scenario_id")
    _after_deadline(deps, scenario, "结束评审 / close the panel")
    found = await deps.repos.proposals.find(q.of_scenario(sid, [ProposalState.submitted.value]))
    proposals: list[Proposal] = [v.state for v in found]
    now = deps.now()

    def decide(v: Versioned[Panel]) -> tuple[Panel, list[Any]]:
        t = domain.close(
            v.state, proposals, scenario.content.criteria, scenario.content.shortlist_size, now
        )
        return t.entity, events.panel_events(t.entity, scenario, t.events)

    return (await deps.repos.panels.update(sid, decide, not_found=PANEL)).state


async def ranking(deps: Deps, caller: Caller, sid: str) -> Panel:
    panel = await get(deps, caller, sid)
    if panel.state is not PanelState.closed:
        raise ConflictError(
            "state",
            "panel_open",
            zh="评审结束前不公开排名",
            en="the ranking is hidden until the panel closes",
        )
    return panel
