"""Talent demands (人才选聘项目): enterprises post them; verified agencies see the list."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from services.talent.api import DepsDep, Enterprise, Market, Reason, operation_id
from services.talent.domain.demands import Demand, DemandContent, DemandState
from services.talent.usecases import demands as uc
from shared.auth import VERIFIED
from shared.paging import Page, Paging

router = APIRouter(prefix="/demands", tags=["demands"], generate_unique_id_function=operation_id)
CodeQuery = Annotated[str | None, Query(max_length=40, pattern=r"^[a-z0-9_]+$")]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Post a talent demand",
    dependencies=[VERIFIED],
)
async def post_demand(body: DemandContent, caller: Enterprise, deps: DepsDep) -> Demand:
    """Enterprises: publish a demand with its claim mode (exclusive or open)."""
    return await uc.post(deps, caller, body)


@router.get("", summary="List talent demands")
async def list_demands(
    caller: Market,
    deps: DepsDep,
    paging: Paging,
    state: DemandState | None = None,
    domain: CodeQuery = None,
    seniority: CodeQuery = None,
) -> Page[Demand]:
    """Verified agencies: the published list. Enterprises: their own. Operators: all."""
    items, total = await uc.listing(
        deps,
        caller,
        state=state,
        domain_code=domain,
        seniority=seniority,
        limit=paging.limit,
        offset=paging.offset,
    )
    return Page.of(items, total, paging)


@router.get("/{demand_id}", summary="Read a talent demand")
async def get_demand(demand_id: str, caller: Market, deps: DepsDep) -> Demand:
    return await uc.get(deps, caller, demand_id)


@router.put("/{demand_id}", summary="Edit a talent demand")
async def edit_demand(
    demand_id: str, body: DemandContent, caller: Enterprise, deps: DepsDep
) -> Demand:
    """The posting enterprise; the claim mode cannot change."""
    return await uc.edit(deps, caller, demand_id, body)


@router.post("/{demand_id}/withdraw", summary="Withdraw a talent demand")
async def withdraw_demand(
    demand_id: str, body: Reason, caller: Enterprise, deps: DepsDep
) -> Demand:
    """The posting enterprise; every active claim on it ends."""
    return await uc.withdraw(deps, caller, demand_id, body.reason)
