"""The expert panel: naming, conflicts of interest, scores, the close and the ranking."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from services.scenarios.api import AnySignedIn, DepsDep, Publisher, PublisherOrOp, operation_id
from services.scenarios.domain.panel import Panel, PanelIn, Scorecard, ScoreIn
from services.scenarios.usecases import panel as uc
from shared.limits import ShortText

router = APIRouter(tags=["panel"], generate_unique_id_function=operation_id)


@router.put("/scenarios/{scenario_id}/panel", summary="Name the expert panel")
async def name_panel(scenario_id: str, body: PanelIn, caller: Publisher, deps: DepsDep) -> Panel:  # type: ignore[valid-type]
    """Experts by user id (with their organisation); replaceable until scoring starts."""
    return await uc.name(deps, caller, scenario_id, body)


@router.get("/scenarios/{scenario_id}/panel", summary="Read the panel")
async def get_panel(scenario_id: str, caller: AnySignedIn, deps: DepsDep) -> Panel:  # type: ignore[valid-type]
    """Before the close an expert sees only their own scores; the publisher none."""
    return await uc.get(deps, caller, scenario_id)


class ConflictIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    enterprise_org_id: ShortText = Field(min_length=1)  # type: ignore[valid-type]


@router.post("/scenarios/{scenario_id}/conflicts", summary="Declare a conflict of interest")
async def declare_conflict(
    scenario_id: str, body: ConflictIn, caller: AnySignedIn, deps: DepsDep
) -> Panel:  # type: ignore[valid-type]
    return await uc.declare(deps, caller, scenario_id, body.enterprise_org_id)


@router.post("/scenarios/{scenario_id}/scores", summary="Score a proposal")
async def score(scenario_id: str, body: ScoreIn, caller: AnySignedIn, deps: DepsDep) -> Scorecard:  # type: ignore[valid-type]
    """Experts of the panel, after the deadline, every criterion within its scale."""
    return await uc.score(deps, caller, scenario_id, body)


@router.post("/scenarios/{scenario_id}/panel/close", summary="Close the panel")
async def close_panel(scenario_id: str, caller: PublisherOrOp, deps: DepsDep) -> Panel:  # type: ignore[valid-type]
    """Exactly once: a second close (or a racing one) gets 409."""
    return await uc.close(deps, caller, scenario_id)


@router.get("/scenarios/{scenario_id}/ranking", summary="The weighted ranking")
async def ranking(scenario_id: str, caller: AnySignedIn, deps: DepsDep) -> Panel:  # type: ignore[valid-type]
    return await uc.ranking(deps, caller, scenario_id)
