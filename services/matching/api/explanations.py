"""Why (not): the explanation of any (demand, supply) pair, suggested or not."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from services.matching.api import DepsDep, operation_id
from services.matching.usecases import explain as uc
from shared.auth import CurrentCaller

router = APIRouter(tags=["explanations"], generate_unique_id_function=operation_id)


class Explanation(BaseModel):
    demand_id: str
    supply_id: str
    eligible: bool = Field(description="every hard constraint passed")
    failed: list[str] = Field(description="names of the failed hard constraints")
    constraints: list[dict[str, Any]] = Field(description="each check: name, passed, values, rule")
    text: dict[str, Any] = Field(description="shared words per field, keywords and domains")
    highlights: dict[str, list[str]] = Field(default_factory=dict)
    verdict: str = Field(description="constraint_failed | weak_text | below_top | in_top")
    reason: str = Field(description="one sentence naming the failed constraint or the overlap")
    score: float | None
    top_n_cutoff: float | None = Field(description="score of the demand's N-th result")
    stored: dict[str, Any] | None = Field(description="the stored pair, if it was ever ranked")


@router.get("/why-not/{demand_id}/{supply_id}", summary="Explain a pair")
async def why_not(
    demand_id: str, supply_id: str, caller: CurrentCaller, deps: DepsDep
) -> Explanation:
    """The demand's or the supply's organisation (or an operator): which hard constraint
    failed, or how weak the text overlap was, for any pair of counterpart kinds."""
    return Explanation.model_validate(await uc.why_not(deps, caller, demand_id, supply_id))
