"""Enterprise tier lists: current tiers, history, and changes."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, status
from pydantic import AfterValidator, BaseModel, Field

from services.identity.api import DepsDep, operation_id
from services.identity.domain.tiers import TIER_NAMES_ZH, Tier, TierChange
from services.identity.errors import forbidden
from services.identity.usecases import tiers as uc
from shared.auth import CurrentCaller
from shared.limits import no_control_chars
from shared.paging import Page, Paging

router = APIRouter(tags=["tiers"], generate_unique_id_function=operation_id)


class TierMembership(BaseModel):
    tier: Tier
    name_zh: str
    since: dt.datetime
    source: Literal["auto", "manual"]
    reason: str


class EnterpriseTiers(BaseModel):
    enterprise_id: str
    tiers: list[TierMembership]


class TierChangeRequest(BaseModel):
    """Add the enterprise to a list, or remove it; the reason is kept in the history."""

    tier: Tier
    action: Literal["add", "remove"]
    reason: Annotated[str, AfterValidator(no_control_chars)] = Field(
        min_length=2, max_length=500, examples=["海淀区推荐纳入小升规清单"]
    )


@router.get("/enterprises/{enterprise_id}/tiers", summary="Current tiers")
async def current(enterprise_id: str, caller: CurrentCaller, deps: DepsDep) -> EnterpriseTiers:
    """Anyone signed in: the lists the enterprise is on today."""
    org = await uc.reconcile(deps, enterprise_id)
    return EnterpriseTiers(
        enterprise_id=org.id,
        tiers=[
            TierMembership(tier=t, name_zh=TIER_NAMES_ZH[t], **m.model_dump())
            for t, m in sorted(org.tiers.memberships.items())
        ],
    )


@router.get("/enterprises/{enterprise_id}/tiers/history", summary="Tier history")
async def history(
    enterprise_id: str, caller: CurrentCaller, deps: DepsDep, paging: Paging
) -> Page[TierChange]:
    """Operators and the enterprise itself: every change, oldest first (append-only)."""
    if not (caller.is_operator or caller.owns(enterprise_id)):
        raise forbidden("not_owner", "仅运营方与企业本身可查看 / operators and the enterprise")
    org = await uc.reconcile(deps, enterprise_id)
    return Page.slice(list(org.tier_history), paging)


@router.post(
    "/enterprises/{enterprise_id}/tier-changes",
    status_code=status.HTTP_201_CREATED,
    summary="Add to / remove from a list",
)
async def change(
    enterprise_id: str, body: TierChangeRequest, caller: CurrentCaller, deps: DepsDep
) -> TierChange:
    """Operators, and the government of the enterprise's district."""
    return await uc.change_tier(deps, caller, enterprise_id, body.tier, body.action, body.reason)
