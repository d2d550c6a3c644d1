"""Awards: one award per slot through counted units (capacity = the scenario's award
slots, holder = the proposal, so a proposal wins at most one slot); reasons required
when departing from the ranking's top; the results made public; the scenario built."""

from __future__ import annotations

from typing import Any

from services.scenarios import events
from services.scenarios import storage as q
from services.scenarios.domain import panel as panel_rules
from services.scenarios.domain import proposals as domain
from services.scenarios.domain import scenarios as scenario_rules
from services.scenarios.domain.panel import PanelState
from services.scenarios.domain.proposals import Award, Proposal, ProposalState
from services.scenarios.domain.scenarios import Scenario
from services.scenarios.usecases import PANEL, PROPOSAL, SCENARIO, Deps, require_owner
from shared.auth import Caller
from shared.errors import ConflictError, InvalidInput
from shared.store import Versioned
from shared.units import AlreadyHeld


def _resource(sid: str) -> str:
    return f"award:{sid}"


async def award(deps: Deps, caller: Caller, sid: str, pid: str, reason: str) -> Proposal:
    scenario = (await deps.repos.scenarios.require(sid, SCENARIO)).state
    require_owner(caller, scenario.publisher_org_id, "scenario_id")
    panel = (await deps.repos.panels.require(sid, PANEL)).state
    if panel.state is not PanelState.closed:
        raise ConflictError(
            "state",
            "panel_open",
            zh="评审结束后才能确定中选单位",
            en="close the panel before awarding",
        )
    ranked = {r.proposal_id: r for r in panel.ranking}
    if pid not in ranked:
        raise InvalidInput(
            "proposal_id",
            "not_ranked",
            zh="该方案不在评审排名中",
            en="the proposal is not in the panel's ranking",
        )
    slots = scenario.content.award_slots
    if panel_rules.needs_reason(ranked, pid, slots) and not reason:
        raise InvalidInput(
            "reason",
            "reason_required",
            zh=f"该方案排名第{ranked[pid].rank}，偏离评审排名须说明理由",
            en=f"the proposal ranks {ranked[pid].rank}: a departure from the ranking needs reasons",
        )
    try:
        outcome = await deps.repos.units.acquire(_resource(sid), pid, slots, wait=False)
    except AlreadyHeld:
        raise ConflictError(
            "proposal_id",
            "already_awarded",
            zh="该方案已中选",
            en="this proposal already holds an award",
        ) from None
    if outcome.status != "held" or outcome.unit is None:
        raise ConflictError("slot", "slots_full", zh="中选名额已满", en="every award slot is taken")
    now = deps.now()
    given = Award(
        slot=outcome.unit + 1, rank=ranked[pid].rank, at=now, departure_reason=reason or None
    )

    def decide(v: Versioned[Proposal]) -> tuple[Proposal, list[Any]]:
        t = domain.change(v.state, scenario, "award", now, award=given)
        return t.entity, events.proposal_events(t.entity, scenario, t.events)

    try:
        return (await deps.repos.proposals.update(pid, decide, not_found=PROPOSAL)).state
    except BaseException:
        await deps.repos.units.release(_resource(sid), pid, slots)  # the slot goes back
        raise


async def publish_results(deps: Deps, caller: Caller, sid: str) -> Scenario:
    """The outcome goes public: the scenario is awarded, the other applicants declined."""
    scenario = (await deps.repos.scenarios.require(sid, SCENARIO)).state
    require_owner(caller, scenario.publisher_org_id, "scenario_id")
    awarded = await deps.repos.proposals.find(q.of_scenario(sid, [ProposalState.awarded.value]))
    if not awarded:
        raise ConflictError(
            "awards", "no_award", zh="尚无中选单位", en="award at least one slot first"
        )
    winners = [v.state.enterprise_org_id for v in sorted(awarded, key=lambda v: v.state.award.slot)]  # type: ignore[union-attr]
    now = deps.now()

    def decide(v: Versioned[Scenario]) -> tuple[Scenario, list[Any]]:
        t = scenario_rules.change(v.state, "award", now, awarded_org_ids=winners)
        return t.entity, events.scenario_events(t.entity, t.events)

    saved = (await deps.repos.scenarios.update(sid, decide, not_found=SCENARIO)).state
    panel = await deps.repos.panels.get(sid)
    ranks = {r.proposal_id: r.rank for r in panel.state.ranking} if panel else {}
    for v in await deps.repos.proposals.find(q.of_scenario(sid, [ProposalState.submitted.value])):

        def decline(cur: Versioned[Proposal]) -> tuple[Proposal, list[Any]]:
            t = domain.change(cur.state, saved, "decline", now)
            return t.entity, [events.declined_event(t.entity, saved, ranks.get(t.entity.id))]

        await deps.repos.proposals.update(v.state.id, decline, not_found=PROPOSAL)
    return saved


async def complete(deps: Deps, caller: Caller, sid: str) -> Scenario:
    """Built (建成): every awarded proposal's milestones accepted."""
    scenario = (await deps.repos.scenarios.require(sid, SCENARIO)).state
    require_owner(caller, scenario.publisher_org_id, "scenario_id")
    pending = await deps.repos.proposals.count(q.of_scenario(sid, [ProposalState.awarded.value]))
    if pending:
        raise ConflictError(
            "milestones",
            "delivery_pending",
            zh="仍有中选单位的里程碑未验收",
            en="an awarded delivery still has milestones to accept",
        )

    def decide(v: Versioned[Scenario]) -> tuple[Scenario, list[Any]]:
        t = scenario_rules.change(v.state, "complete", deps.now())
        return t.entity, events.scenario_events(t.entity, t.events)

    return (await deps.repos.scenarios.update(sid, decide, not_found=SCENARIO)).state
