"""Pitch applications and the operator's selection of presenters."""

from __future__ import annotations

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict

from services.roadshows.api import DepsDep, Enterprise, Operator, operation_id
from services.roadshows.domain.applications import Application, RankedApplication
from services.roadshows.usecases import applications as uc
from shared.auth import VERIFIED
from shared.limits import Code
from shared.paging import Page, Paging

router = APIRouter(tags=["applications"], generate_unique_id_function=operation_id)


class ApplyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pitch_id: Code


@router.post(
    "/roadshows/{roadshow_id}/applications",
    status_code=status.HTTP_201_CREATED,
    summary="Apply to pitch",
    dependencies=[VERIFIED],
)
async def apply(roadshow_id: str, body: ApplyIn, caller: Enterprise, deps: DepsDep) -> Application:
    """With a published pitch of the caller's, in the roadshow's domain, before it starts."""
    return await uc.apply(deps, caller, roadshow_id, body.pitch_id)


@router.get("/roadshows/{roadshow_id}/applications", summary="Applications, ranked")
async def ranked(
    roadshow_id: str, caller: Operator, deps: DepsDep, paging: Paging
) -> Page[RankedApplication]:
    """Tier priority (小升规/规升强) first, then match score, then who applied first."""
    return Page.slice(await uc.ranked(deps, roadshow_id), paging)


@router.get("/roadshows/{roadshow_id}/applications/mine", summary="My applications")
async def mine(
    roadshow_id: str, caller: Enterprise, deps: DepsDep, paging: Paging
) -> Page[Application]:
    return Page.slice(await uc.mine(deps, caller, roadshow_id), paging)


@router.post("/applications/{application_id}/select", summary="Select a presenter")
async def select(application_id: str, caller: Operator, deps: DepsDep) -> Application:
    return await uc.select(deps, application_id)


@router.post("/applications/{application_id}/decline", summary="Decline an application")
async def decline(application_id: str, caller: Operator, deps: DepsDep) -> Application:
    return await uc.decline(deps, application_id)


@router.post("/applications/{application_id}/withdraw", summary="Withdraw an application")
async def withdraw(application_id: str, caller: Enterprise, deps: DepsDep) -> Application:
    return await uc.withdraw(deps, caller, application_id)
