"""Matches of the caller's own records, one pair, and the demander's feedback."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from services.matching.api import DepsDep, operation_id
from services.matching.domain.feedback import Feedback
from services.matching.usecases import matches as uc
from shared.auth import CurrentCaller
from shared.paging import Paging

router = APIRouter(tags=["matches"], generate_unique_id_function=operation_id)


class MatchPublic(BaseModel):
    """A stored (demand, supply) pair."""

    id: str
    demand_id: str
    demand_kind: str
    demand_org_id: str
    supply_id: str
    supply_kind: str
    supply_org_id: str
    market: str
    score: float
    rank: int | None = Field(description="position in the demand's results; null: dropped out")
    active: bool = Field(description="false once either record was withdrawn")
    suggested_rank: int | None = Field(description="rank at the last suggestion, if suggested")
    feedback: Feedback | None
    dismissed: bool
    explanation: dict[str, Any] = Field(description="constraints checked, highlights, shared terms")
    updated_at: dt.datetime

    @classmethod
    def of(cls, doc: dict[str, Any]) -> MatchPublic:
        return cls.model_validate({**doc, "id": doc["_id"]})


class MatchPage(BaseModel):
    """The house page shape: ``items``, ``total``, ``limit``, ``offset``."""

    items: list[MatchPublic]
    total: int
    limit: int
    offset: int


class FeedbackBody(BaseModel):
    feedback: Feedback = Field(
        description="relevant | not_relevant (dismisses for good) | contacted"
    )


@router.get("/matches", summary="Matches of my organisation's records")
async def list_matches(
    caller: CurrentCaller,
    deps: DepsDep,
    paging: Paging,
    demand_id: str | None = None,
    supply_id: str | None = None,
    include_dismissed: bool = False,
) -> MatchPage:
    """Any signed-in caller: ranked pairs whose demand or supply its organisation owns
    (operators: all), dismissed ones hidden unless asked for."""
    docs, total = await uc.list_matches(
        deps, caller, demand_id=demand_id, supply_id=supply_id,
        include_dismissed=include_dismissed, limit=paging.limit, offset=paging.offset,
    )  # fmt: skip
    items = [MatchPublic.of(d) for d in docs]
    return MatchPage(items=items, total=total, limit=paging.limit, offset=paging.offset)


@router.get("/matches/{demand_id}/{supply_id}", summary="One pair")
async def get_match(
    demand_id: str, supply_id: str, caller: CurrentCaller, deps: DepsDep
) -> MatchPublic:
    """The demand's or the supply's organisation (or an operator); 404 otherwise."""
    return MatchPublic.of(await uc.get_match(deps, caller, demand_id, supply_id))


@router.post("/matches/{demand_id}/{supply_id}/feedback", summary="Mark a suggestion")
async def give_feedback(
    demand_id: str, supply_id: str, body: FeedbackBody, caller: CurrentCaller, deps: DepsDep
) -> MatchPublic:
    """The demander's organisation only: relevant / not relevant / contacted."""
    return MatchPublic.of(await uc.give_feedback(deps, caller, demand_id, supply_id, body.feedback))
