"""Applications (揭榜): submit (hard requirements checked), edit and withdraw until the
deadline, read (the applicant, the publisher, the panel's experts after the deadline),
the applicant's own result, and the delivery milestones of an award."""

from __future__ import annotations

from typing import Any

from services.scenarios import events
from services.scenarios import storage as q
from services.scenarios.domain import proposals as domain
from services.scenarios.domain.panel import Panel, PanelState, Scorecard
from services.scenarios.domain.proposals import MilestoneIn, Proposal, ProposalIn
from services.scenarios.domain.scenarios import Scenario
from services.scenarios.usecases import PROPOSAL, SCENARIO, Deps, require_owner
from shared.auth import Caller
from shared.errors import ConflictError, ForbiddenError
from shared.store import Conflict, Versioned


async def _scenario(deps: Deps, sid: str) -> Scenario:
    return (await deps.repos.scenarios.require(sid, SCENARIO)).state


async def verified(deps: Deps, caller: Caller, content: ProposalIn) -> ProposalIn:
    """The facts identity vouches for replace the declared ones: the tier lists (from its
    tier events) and registration in Beijing (the organisation's district in the token).
    Qualifications and TRL stay as declared."""
    held = await deps.repos.tiers.get(caller.organisation_id)
    facts = content.facts.model_copy(update={
        "tiers": list(held.state.tiers) if held else [],
        "beijing_registered": bool(caller.district),
    })  # fmt: skip
    return content.model_copy(update={"facts": facts})


async def apply(deps: Deps, caller: Caller, sid: str, content: ProposalIn) -> Proposal:
    scenario = await _scenario(deps, sid)
    content = await verified(deps, caller, content)
    t = domain.submit(scenario, caller.organisation_id, content, deps.now())
    try:
        saved = await deps.repos.proposals.create(
            t.entity.id, t.entity, events.proposal_events(t.entity, scenario, t.events)
        )
    except Conflict:
        raise ConflictError(
            "scenario_id",
            "already_applied",
            zh="本机构已对该场景揭榜",
            en="your organisation has already applied",
        ) from None
    return saved.state


async def change(
    deps: Deps, caller: Caller, pid: str, action: str, content: ProposalIn | None = None
) -> Proposal:
    current = (await deps.repos.proposals.require(pid, PROPOSAL)).state
    require_owner(caller, current.enterprise_org_id, "proposal_id")
    scenario = await _scenario(deps, current.scenario_id)
    if content is not None:
        content = await verified(deps, caller, content)

    def decide(v: Versioned[Proposal]) -> tuple[Proposal, list[Any]]:
        extra = {"content": content} if content is not None else {}
        t = domain.change(v.state, scenario, action, deps.now(), **extra)
        return t.entity, events.proposal_events(t.entity, scenario, t.events)

    return (await deps.repos.proposals.update(pid, decide, not_found=PROPOSAL)).state


def _is_expert(panel: Panel | None, caller: Caller) -> bool:
    return panel is not None and panel.expert(caller.user_id) is not None


async def readable(deps: Deps, caller: Caller, p: Proposal, scenario: Scenario) -> None:
    """The applicant, the publisher, operators; the panel's experts after the deadline."""
    if (
        caller.is_operator
        or caller.owns(p.enterprise_org_id)
        or caller.owns(scenario.publisher_org_id)
    ):
        return
    panel = await deps.repos.panels.get(scenario.id)
    if (
        _is_expert(panel.state if panel else None, caller)
        and deps.now() >= scenario.content.deadline
    ):
        return
    raise PROPOSAL()


async def get(deps: Deps, caller: Caller, pid: str) -> Proposal:
    p = (await deps.repos.proposals.require(pid, PROPOSAL)).state
    await readable(deps, caller, p, await _scenario(deps, p.scenario_id))
    return p


async def of_scenario(
    deps: Deps, caller: Caller, sid: str, limit: int, offset: int
) -> tuple[list[Proposal], int]:
    scenario = await _scenario(deps, sid)
    if not (caller.is_operator or caller.owns(scenario.publisher_org_id)):
        panel = await deps.repos.panels.get(sid)
        if not (
            _is_expert(panel.state if panel else None, caller)
            and deps.now() >= scenario.content.deadline
        ):
            raise ForbiddenError(
                "scenario_id",
                "not_publisher_or_panel",
                zh="仅发布单位与评审专家（截止后）可查看揭榜方案",
                en="only the publisher and, after the deadline, its panel",
            )
    query = q.of_scenario(sid)
    store = deps.repos.proposals
    found = await store.find(query, sort=[("submitted_at", 1)], limit=limit, skip=offset)
    return [v.state for v in found], await store.count(query)


async def result(deps: Deps, caller: Caller, pid: str) -> dict[str, Any]:
    """The applicant's own outcome: state, rank and weighted score, its scorecards (experts
    not named) and the reasons given for awards that departed from the ranking."""
    p = await get(deps, caller, pid)
    panel_v = await deps.repos.panels.get(p.scenario_id)
    panel = panel_v.state if panel_v else None
    out: dict[str, Any] = {
        "proposal_id": p.id,
        "state": p.state.value,
        "award": p.award,
        "panel_closed": bool(panel and panel.state is PanelState.closed),
    }
    if panel is None or panel.state is not PanelState.closed:
        return out  # scores stay hidden until the panel closes
    mine = next((r for r in panel.ranking if r.proposal_id == p.id), None)
    cards: list[Scorecard] = [c for c in panel.cards if c.proposal_id == p.id]
    out.update(
        rank=mine.rank if mine else None,
        weighted_score=mine.weighted_score if mine else None,
        means=mine.means if mine else {},
        scorecards=[c.scores for c in cards],
        applicants=len(panel.ranking),
        departures=await _departures(deps, p.scenario_id),
    )
    return out


async def _departures(deps: Deps, sid: str) -> list[dict[str, Any]]:
    awarded = await deps.repos.proposals.find(q.of_scenario(sid, ["awarded", "delivered"]))
    return [
        {"rank": v.state.award.rank, "reason": v.state.award.departure_reason}
        for v in awarded
        if v.state.award and v.state.award.departure_reason
    ]


async def set_milestones(
    deps: Deps, caller: Caller, pid: str, items: list[MilestoneIn]
) -> Proposal:
    p = (await deps.repos.proposals.require(pid, PROPOSAL)).state
    scenario = await _scenario(deps, p.scenario_id)
    require_owner(caller, scenario.publisher_org_id, "proposal_id")

    def decide(v: Versioned[Proposal]) -> tuple[Proposal, list[Any]]:
        t = domain.set_milestones(v.state, items, deps.now())
        return t.entity, events.proposal_events(t.entity, scenario, t.events)

    return (await deps.repos.proposals.update(pid, decide, not_found=PROPOSAL)).state


async def milestone(deps: Deps, caller: Caller, pid: str, index: int, action: str) -> Proposal:
    """report: the awarded enterprise; accept: the publisher."""
    p = (await deps.repos.proposals.require(pid, PROPOSAL)).state
    scenario = await _scenario(deps, p.scenario_id)
    owner = p.enterprise_org_id if action == "report" else scenario.publisher_org_id
    require_owner(caller, owner, "proposal_id")

    def decide(v: Versioned[Proposal]) -> tuple[Proposal, list[Any]]:
        t = domain.advance_milestone(v.state, index, action, deps.now())
        return t.entity, events.proposal_events(t.entity, scenario, t.events, index=index)

    return (await deps.repos.proposals.update(pid, decide, not_found=PROPOSAL)).state
