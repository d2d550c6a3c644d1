"""Applications (揭榜), the applicant's own result, awards and delivery milestones."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, status
from pydantic import BaseModel, ConfigDict, Field

from services.scenarios.api import AnySignedIn, DepsDep, Enterprise, Publisher, operation_id
from services.scenarios.domain.proposals import MilestoneIn, Proposal, ProposalIn
from services.scenarios.domain.scenarios import Scenario
from services.scenarios.usecases import awards
from services.scenarios.usecases import proposals as uc
from shared.auth import VERIFIED
from shared.limits import ShortText
from shared.paging import Page, Paging

router = APIRouter(tags=["proposals"], generate_unique_id_function=operation_id)
Index = Annotated[int, Path(ge=0, le=99)]


@router.post(
    "/scenarios/{scenario_id}/proposals",
    status_code=status.HTTP_201_CREATED,
    summary="Apply (揭榜)",
    dependencies=[VERIFIED],
)
async def apply(scenario_id: str, body: ProposalIn, caller: Enterprise, deps: DepsDep) -> Proposal:  # type: ignore[valid-type]
    """Hard requirements are checked now; a refusal names the failed requirement."""
    return await uc.apply(deps, caller, scenario_id, body)


@router.get("/scenarios/{scenario_id}/proposals", summary="A scenario's proposals")
async def list_proposals(
    scenario_id: str, caller: AnySignedIn, deps: DepsDep, paging: Paging
) -> Page[Proposal]:  # type: ignore[valid-type]
    """The publisher and operators; the panel's experts after the deadline."""
    items, total = await uc.of_scenario(deps, caller, scenario_id, paging.limit, paging.offset)
    return Page.of(items, total, paging)


@router.get("/proposals/{proposal_id}", summary="Read a proposal")
async def get_proposal(proposal_id: str, caller: AnySignedIn, deps: DepsDep) -> Proposal:  # type: ignore[valid-type]
    return await uc.get(deps, caller, proposal_id)


@router.put("/proposals/{proposal_id}", summary="Edit a proposal before the deadline")
async def update_proposal(
    proposal_id: str, body: ProposalIn, caller: Enterprise, deps: DepsDep
) -> Proposal:  # type: ignore[valid-type]
    return await uc.change(deps, caller, proposal_id, "update", body)


@router.post("/proposals/{proposal_id}/withdraw", summary="Withdraw before the deadline")
async def withdraw_proposal(proposal_id: str, caller: Enterprise, deps: DepsDep) -> Proposal:  # type: ignore[valid-type]
    return await uc.change(deps, caller, proposal_id, "withdraw")


@router.get("/proposals/{proposal_id}/result", summary="The applicant's own scores and outcome")
async def proposal_result(proposal_id: str, caller: AnySignedIn, deps: DepsDep) -> dict[str, Any]:  # type: ignore[valid-type]
    return await uc.result(deps, caller, proposal_id)


class AwardIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    proposal_id: ShortText = Field(min_length=1)  # type: ignore[valid-type]
    reason: ShortText = ""  # type: ignore[valid-type]


@router.post("/scenarios/{scenario_id}/awards", summary="Award a slot")
async def award(scenario_id: str, body: AwardIn, caller: Publisher, deps: DepsDep) -> Proposal:  # type: ignore[valid-type]
    """One award per slot; outside the ranking's top (award slots) reasons are required."""
    return await awards.award(deps, caller, scenario_id, body.proposal_id, body.reason)


@router.post("/scenarios/{scenario_id}/results", summary="Publish the results")
async def publish_results(scenario_id: str, caller: Publisher, deps: DepsDep) -> Scenario:  # type: ignore[valid-type]
    return await awards.publish_results(deps, caller, scenario_id)


@router.post("/scenarios/{scenario_id}/complete", summary="Mark the scenario built")
async def complete(scenario_id: str, caller: Publisher, deps: DepsDep) -> Scenario:  # type: ignore[valid-type]
    return await awards.complete(deps, caller, scenario_id)


class MilestonesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    milestones: list[MilestoneIn] = Field(min_length=1, max_length=20)


@router.put("/proposals/{proposal_id}/milestones", summary="Set delivery milestones")
async def set_milestones(
    proposal_id: str, body: MilestonesIn, caller: Publisher, deps: DepsDep
) -> Proposal:  # type: ignore[valid-type]
    return await uc.set_milestones(deps, caller, proposal_id, list(body.milestones))


@router.post(
    "/proposals/{proposal_id}/milestones/{index}/report", summary="Report a milestone delivered"
)
async def report_milestone(
    proposal_id: str, index: Index, caller: Enterprise, deps: DepsDep
) -> Proposal:  # type: ignore[valid-type]
    return await uc.milestone(deps, caller, proposal_id, index, "report")


@router.post("/proposals/{proposal_id}/milestones/{index}/accept", summary="Accept a milestone")
async def accept_milestone(
    proposal_id: str, index: Index, caller: Publisher, deps: DepsDep
) -> Proposal:  # type: ignore[valid-type]
    return await uc.milestone(deps, caller, proposal_id, index, "accept")
