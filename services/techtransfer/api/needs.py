"""Technology needs (技术需求): enterprises own them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status
from pydantic import Field

from services.techtransfer.api import DepsDep, Page, Paging, operation_id
from services.techtransfer.api.records import (
    RecordUpdate,
    TechNeedPublic,
    need_public,
    record_filters,
)
from services.techtransfer.domain.records import NeedContent, Trl, Yuan
from services.techtransfer.usecases import records as uc
from services.techtransfer.usecases.records import Filters
from shared.auth import VERIFIED, CurrentCaller, ensure_verified

router = APIRouter(prefix="/needs", tags=["needs"], generate_unique_id_function=operation_id)
KIND = "tech_need"


class NeedCreate(NeedContent):
    """The need's content; ``publish`` makes it visible at once."""

    publish: bool = Field(False, description="publish at once instead of keeping a draft")


class NeedUpdate(RecordUpdate):
    """Fields to change (owner only); a change to a published need publishes ``updated``."""

    min_trl: Trl | None = None
    budget_cny: tuple[Yuan, Yuan] | None = None


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create a need")
async def create_need(body: NeedCreate, caller: CurrentCaller, deps: DepsDep) -> TechNeedPublic:
    """Enterprises only: a draft (or, with ``publish``, a published need)."""
    if body.publish:
        ensure_verified(caller)  # a draft is fine before operator verification
    content = NeedContent(**body.model_dump(exclude={"publish"}))
    record = await uc.create_record(deps, caller, KIND, content, publish=body.publish)
    return need_public(record)


@router.get("", summary="List needs")
async def list_needs(
    caller: CurrentCaller,
    deps: DepsDep,
    filters: Annotated[Filters, Depends(record_filters)],
    paging: Paging,
) -> Page[TechNeedPublic]:
    """Anyone signed in: published needs, plus the caller's own in any state."""
    items, total = await uc.list_records(
        deps, caller, KIND, filters, limit=paging.limit, offset=paging.offset
    )
    return Page.of([need_public(r) for r in items], total, paging)


@router.get("/{need_id}", summary="Read a need")
async def get_need(need_id: str, caller: CurrentCaller, deps: DepsDep) -> TechNeedPublic:
    """Anyone signed in reads a published need; drafts only their owner (else 404)."""
    return need_public(await uc.get_record(deps, caller, KIND, need_id))


@router.patch("/{need_id}", summary="Edit a need")
async def edit_need(
    need_id: str, body: NeedUpdate, caller: CurrentCaller, deps: DepsDep
) -> TechNeedPublic:
    """The owner organisation only."""
    changes = body.model_dump(exclude_unset=True)
    return need_public(await uc.edit_record(deps, caller, KIND, need_id, changes))


@router.post("/{need_id}/publish", summary="Publish a need", dependencies=[VERIFIED])
async def publish_need(need_id: str, caller: CurrentCaller, deps: DepsDep) -> TechNeedPublic:
    """The owner organisation only; the deadline, if any, must lie ahead."""
    return need_public(await uc.publish_record(deps, caller, KIND, need_id))


@router.post("/{need_id}/withdraw", summary="Withdraw a need")
async def withdraw_need(need_id: str, caller: CurrentCaller, deps: DepsDep) -> TechNeedPublic:
    """The owner organisation only."""
    return need_public(await uc.withdraw_record(deps, caller, KIND, need_id))


@router.post("/{need_id}/close", summary="Close a need")
async def close_need(need_id: str, caller: CurrentCaller, deps: DepsDep) -> TechNeedPublic:
    """The owner organisation only (e.g. after a deal)."""
    return need_public(await uc.close_record(deps, caller, KIND, need_id))
