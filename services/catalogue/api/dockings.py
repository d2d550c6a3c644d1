"""Special dockings (专项对接) and the 首购/首台套 records they lead to."""

from __future__ import annotations

from fastapi import APIRouter, Query

from services.catalogue.api import (
    DepsDep,
    DockingParty,
    Enterprise,
    Overseers,
    Reason,
    Soe,
    operation_id,
)
from services.catalogue.domain.dockings import AcceptIn, Docking, FirstPurchase, OutcomeIn
from services.catalogue.usecases import dockings as uc
from shared.paging import Page, Paging

router = APIRouter(tags=["dockings"], generate_unique_id_function=operation_id)


@router.get("/dockings", summary="List dockings the caller is party to (operator: all)")
async def list_dockings(
    caller: DockingParty,
    deps: DepsDep,
    paging: Paging,  # type: ignore[valid-type]
    need_id: str | None = Query(None, max_length=64),
) -> Page[Docking]:
    items, total = await uc.listing(deps, caller, need_id, paging.limit, paging.offset)
    return Page.of(items, total, paging)


@router.get("/dockings/{docking_id}", summary="Read a docking (its parties, the operator)")
async def get(docking_id: str, caller: DockingParty, deps: DepsDep) -> Docking:  # type: ignore[valid-type]
    return await uc.get(deps, caller, docking_id)


@router.post("/dockings/{docking_id}/accept", summary="Accept the meeting (the supplier)")
async def accept(docking_id: str, body: AcceptIn, caller: Enterprise, deps: DepsDep) -> Docking:  # type: ignore[valid-type]
    return await uc.accept(deps, caller, docking_id, body)


@router.post("/dockings/{docking_id}/decline", summary="Decline, with a reason (the supplier)")
async def decline(docking_id: str, body: Reason, caller: Enterprise, deps: DepsDep) -> Docking:  # type: ignore[valid-type]
    return await uc.decline(deps, caller, docking_id, body.reason)


@router.post("/dockings/{docking_id}/outcome", summary="Report the outcome (the SOE)")
async def outcome(docking_id: str, body: OutcomeIn, caller: Soe, deps: DepsDep) -> Docking:  # type: ignore[valid-type]
    return await uc.outcome(deps, caller, docking_id, body)


@router.get("/first-purchases", summary="首购/首台套 demonstration records (operator, government)")
async def first_purchases(caller: Overseers, deps: DepsDep, paging: Paging) -> Page[FirstPurchase]:  # type: ignore[valid-type]
    items, total = await uc.first_purchases(deps, paging.limit, paging.offset)
    return Page.of(items, total, paging)
