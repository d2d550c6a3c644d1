"""Enterprises' capability records (the supply side matching pairs with scenarios)."""

from __future__ import annotations

from fastapi import APIRouter, status

from services.scenarios.api import AnySignedIn, DepsDep, Enterprise, EnterpriseOrOp, operation_id
from services.scenarios.domain.records import Capability, CapabilityIn
from services.scenarios.usecases import records as uc
from shared.auth import VERIFIED
from shared.paging import Page, Paging

router = APIRouter(tags=["capabilities"], generate_unique_id_function=operation_id)


@router.post(
    "/capabilities",
    status_code=status.HTTP_201_CREATED,
    summary="Publish a capability",
    dependencies=[VERIFIED],
)
async def publish_capability(body: CapabilityIn, caller: Enterprise, deps: DepsDep) -> Capability:  # type: ignore[valid-type]
    return await uc.publish(deps, caller, body)


@router.get("/capabilities", summary="List capabilities")
async def list_capabilities(caller: AnySignedIn, deps: DepsDep, paging: Paging) -> Page[Capability]:  # type: ignore[valid-type]
    """Enterprises: their own; everyone else: the published ones."""
    items, total = await uc.listing(deps, caller, paging.limit, paging.offset)
    return Page.of(items, total, paging)


@router.get("/capabilities/{capability_id}", summary="Read a capability")
async def get_capability(capability_id: str, caller: AnySignedIn, deps: DepsDep) -> Capability:  # type: ignore[valid-type]
    return await uc.get(deps, caller, capability_id)


@router.put("/capabilities/{capability_id}", summary="Update a capability")
async def update_capability(
    capability_id: str, body: CapabilityIn, caller: EnterpriseOrOp, deps: DepsDep
) -> Capability:  # type: ignore[valid-type]
    return await uc.change(deps, caller, capability_id, "update", body)


@router.post("/capabilities/{capability_id}/withdraw", summary="Withdraw a capability")
async def withdraw_capability(
    capability_id: str, caller: EnterpriseOrOp, deps: DepsDep
) -> Capability:  # type: ignore[valid-type]
    return await uc.change(deps, caller, capability_id, "withdraw")
