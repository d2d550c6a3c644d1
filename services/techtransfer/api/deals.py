"""Deals reported after an accepted expression, and the 9(4) support-eligibility list."""

from __future__ import annotations

from fastapi import APIRouter, status

from services.techtransfer.api import DepsDep, Page, Paging, operation_id
from services.techtransfer.api.interests import Reason
from services.techtransfer.domain.deals import DealReport, SupportEligibility
from services.techtransfer.usecases import deals as uc
from services.techtransfer.usecases.deals import DealView
from shared.auth import CurrentCaller

router = APIRouter(tags=["deals"], generate_unique_id_function=operation_id)


@router.post(
    "/interests/{interest_id}/deals", status_code=status.HTTP_201_CREATED, summary="Report deal"
)
async def report_deal(
    interest_id: str, body: DealReport, caller: CurrentCaller, deps: DepsDep
) -> DealView:
    """Either side of an accepted expression; one live deal per expression."""
    return await uc.report(deps, caller, interest_id, body)


@router.get("/deals", summary="List deals")
async def list_deals(caller: CurrentCaller, deps: DepsDep, paging: Paging) -> Page[DealView]:
    """Anyone signed in: their organisation's deals (operators: all)."""
    return Page.slice(await uc.list_for(deps, caller), paging)


@router.get("/deals/{deal_id}", summary="Read a deal")
async def get_deal(deal_id: str, caller: CurrentCaller, deps: DepsDep) -> DealView:
    """The two sides and operators."""
    return await uc.get(deps, caller, deal_id)


@router.post("/deals/{deal_id}/confirm", summary="Confirm a deal")
async def confirm_deal(deal_id: str, caller: CurrentCaller, deps: DepsDep) -> DealView:
    """The side that did not report it."""
    return await uc.confirm(deps, caller, deal_id)


@router.post("/deals/{deal_id}/dispute", summary="Dispute a deal")
async def dispute_deal(
    deal_id: str, body: Reason, caller: CurrentCaller, deps: DepsDep
) -> DealView:
    """The side that did not report it, with a reason; either side may report again."""
    return await uc.dispute(deps, caller, deal_id, body.reason)


@router.get("/support-eligibility", summary="9(4) support-eligibility records")
async def support_eligibility(
    caller: CurrentCaller, deps: DepsDep, paging: Paging
) -> Page[SupportEligibility]:
    """Operators only: confirmed in-Beijing transfers from universities to enterprises."""
    return Page.slice(await uc.eligibility_records(deps, caller), paging)
