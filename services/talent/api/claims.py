"""Claims: a verified agency claims a demand; it releases, the enterprise revokes."""

from __future__ import annotations

from fastapi import APIRouter, status

from services.talent.api import DepsDep, Enterprise, Headhunter, Market, Reason, operation_id
from services.talent.domain.claims import Claim, ClaimState
from services.talent.usecases import claims as uc
from shared.paging import Page, Paging

router = APIRouter(tags=["claims"], generate_unique_id_function=operation_id)


@router.post(
    "/demands/{demand_id}/claims", status_code=status.HTTP_201_CREATED, summary="Claim a demand"
)
async def claim_demand(demand_id: str, caller: Headhunter, deps: DepsDep) -> Claim:
    """Verified agencies: one slot (exclusive) or one of K (open); at most M per agency."""
    return await uc.claim(deps, caller, demand_id)


@router.get("/claims", summary="List claims")
async def list_claims(
    caller: Market,
    deps: DepsDep,
    paging: Paging,
    demand_id: str | None = None,
    state: ClaimState | None = None,
) -> Page[Claim]:
    """Agencies: their claims. Enterprises: claims on their demands. Operators: all."""
    items, total = await uc.listing(
        deps, caller, demand_id, state.value if state else None, paging.limit, paging.offset
    )
    return Page.of(items, total, paging)


@router.get("/claims/{claim_id}", summary="Read a claim")
async def get_claim(claim_id: str, caller: Market, deps: DepsDep) -> Claim:
    return await uc.get_for(deps, caller, claim_id)


@router.post("/claims/{claim_id}/release", summary="Release a claim")
async def release_claim(claim_id: str, caller: Headhunter, deps: DepsDep) -> Claim:
    return await uc.release(deps, caller, claim_id)


@router.post("/claims/{claim_id}/revoke", summary="Revoke a claim")
async def revoke_claim(claim_id: str, body: Reason, caller: Enterprise, deps: DepsDep) -> Claim:
    """The posting enterprise, with a reason."""
    return await uc.revoke(deps, caller, claim_id, body.reason)
