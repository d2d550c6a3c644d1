"""Domain job fairs (专场招聘会): operators or enterprises run them; organisations register."""

from __future__ import annotations

from fastapi import APIRouter, status

from services.talent.api import AnySignedIn, DepsDep, Organiser, operation_id
from services.talent.domain.fairs import Fair, FairIn, Registration
from services.talent.usecases import fairs as uc
from shared.paging import Page, Paging

router = APIRouter(prefix="/fairs", tags=["fairs"], generate_unique_id_function=operation_id)


@router.post("", status_code=status.HTTP_201_CREATED, summary="Publish a job fair")
async def publish_fair(body: FairIn, caller: Organiser, deps: DepsDep) -> Fair:
    return await uc.publish(deps, caller, body)


@router.get("", summary="List job fairs")
async def list_fairs(caller: AnySignedIn, deps: DepsDep, paging: Paging) -> Page[Fair]:
    items, total = await uc.listing(deps, paging.limit, paging.offset)
    return Page.of(items, total, paging)


@router.get("/{fair_id}", summary="Read a job fair")
async def get_fair(fair_id: str, caller: AnySignedIn, deps: DepsDep) -> Fair:
    return await uc.get(deps, fair_id)


@router.post("/{fair_id}/registrations", status_code=status.HTTP_201_CREATED, summary="Register")
async def register(fair_id: str, caller: AnySignedIn, deps: DepsDep) -> Registration:
    """Take a place for the caller's organisation (409 when full)."""
    return await uc.register(deps, caller, fair_id)


@router.delete("/{fair_id}/registrations/mine", summary="Cancel my registration")
async def cancel(fair_id: str, caller: AnySignedIn, deps: DepsDep) -> Registration:
    return await uc.cancel(deps, caller, fair_id)


@router.get("/{fair_id}/registrations", summary="List registrations (organisers)")
async def registrations(
    fair_id: str, caller: AnySignedIn, deps: DepsDep, paging: Paging
) -> Page[Registration]:
    items, total = await uc.registrations(deps, caller, fair_id, paging.limit, paging.offset)
    return Page.of(items, total, paging)
