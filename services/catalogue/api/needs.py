"""SOE procurement needs and the dockings an SOE starts from them."""

from __future__ import annotations

from fastapi import APIRouter, Query, status

from services.catalogue.api import AnySignedIn, DepsDep, Reason, Soe, operation_id
from services.catalogue.domain.dockings import Docking, DockingIn
from services.catalogue.domain.needs import Need, NeedSpec
from services.catalogue.usecases import dockings as docking_uc
from services.catalogue.usecases import needs as uc
from shared.auth import VERIFIED
from shared.paging import Page, Paging

router = APIRouter(prefix="/needs", tags=["needs"], generate_unique_id_function=operation_id)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Post a procurement need (SOE)",
    dependencies=[VERIFIED],
)
async def post(body: NeedSpec, caller: Soe, deps: DepsDep) -> Need:  # type: ignore[valid-type]
    return await uc.post(deps, caller, body)


@router.get("", summary="List published needs (or the caller's own with mine=true)")
async def list_needs(
    caller: AnySignedIn,
    deps: DepsDep,
    paging: Paging,  # type: ignore[valid-type]
    mine: bool = Query(False),
    domain: str | None = Query(None, max_length=40, pattern=r"^[a-z0-9_]+$"),
) -> Page[Need]:
    items, total = await uc.listing(deps, caller, mine, domain, paging.limit, paging.offset)
    return Page.of(items, total, paging)


@router.get("/{need_id}", summary="Read a need")
async def get(need_id: str, caller: AnySignedIn, deps: DepsDep) -> Need:  # type: ignore[valid-type]
    return await uc.get(deps, caller, need_id)


@router.put("/{need_id}", summary="Update a need (its SOE)")
async def update(need_id: str, body: NeedSpec, caller: Soe, deps: DepsDep) -> Need:  # type: ignore[valid-type]
    return await uc.update(deps, caller, need_id, body)


@router.post("/{need_id}/withdraw", summary="Withdraw a need, with a reason (its SOE)")
async def withdraw(need_id: str, body: Reason, caller: Soe, deps: DepsDep) -> Need:  # type: ignore[valid-type]
    return await uc.withdraw(deps, caller, need_id, body.reason)


@router.post(
    "/{need_id}/dockings",
    status_code=status.HTTP_201_CREATED,
    summary="Start a special docking with a listed product's supplier",
)
async def propose(need_id: str, body: DockingIn, caller: Soe, deps: DepsDep) -> Docking:  # type: ignore[valid-type]
    return await docking_uc.propose(deps, caller, need_id, body)
