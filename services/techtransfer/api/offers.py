"""Technology offers (科技成果): universities, institutes and enterprises own them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status
from pydantic import Field, StrictInt

from services.techtransfer.api import DepsDep, Page, Paging, operation_id
from services.techtransfer.api.records import (
    RecordUpdate,
    TechOfferPublic,
    offer_public,
    record_filters,
)
from services.techtransfer.domain.records import MAX_PATENTS, OfferContent, Patent, Trl, Yuan
from services.techtransfer.usecases import records as uc
from services.techtransfer.usecases.records import Filters
from shared.auth import VERIFIED, CurrentCaller, ensure_verified

router = APIRouter(prefix="/offers", tags=["offers"], generate_unique_id_function=operation_id)
KIND = "tech_offer"


class OfferCreate(OfferContent):
    """The offer's content; ``publish`` makes it visible at once."""

    publish: bool = Field(False, description="publish at once instead of keeping a draft")


class OfferUpdate(RecordUpdate):
    """Fields to change (owner only); a change to a published offer publishes ``updated``."""

    trl: Trl | None = None
    ip: Annotated[StrictInt, Field(ge=0, le=100_000)] | None = None
    patents: Annotated[list[Patent], Field(max_length=MAX_PATENTS)] | None = None
    asking_price_cny: Yuan | None = None


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create an offer")
async def create_offer(body: OfferCreate, caller: CurrentCaller, deps: DepsDep) -> TechOfferPublic:
    """Universities and enterprises: a draft (or, with ``publish``, a published offer)."""
    if body.publish:
        ensure_verified(caller)  # a draft is fine before operator verification
    content = OfferContent(**body.model_dump(exclude={"publish"}))
    record = await uc.create_record(deps, caller, KIND, content, publish=body.publish)
    return offer_public(record)


@router.get("", summary="List offers")
async def list_offers(
    caller: CurrentCaller,
    deps: DepsDep,
    filters: Annotated[Filters, Depends(record_filters)],
    paging: Paging,
) -> Page[TechOfferPublic]:
    """Anyone signed in: published offers, plus the caller's own in any state."""
    items, total = await uc.list_records(
        deps, caller, KIND, filters, limit=paging.limit, offset=paging.offset
    )
    return Page.of([offer_public(r) for r in items], total, paging)


@router.get("/{offer_id}", summary="Read an offer")
async def get_offer(offer_id: str, caller: CurrentCaller, deps: DepsDep) -> TechOfferPublic:
    """Anyone signed in reads a published offer; drafts only their owner (else 404)."""
    return offer_public(await uc.get_record(deps, caller, KIND, offer_id))


@router.patch("/{offer_id}", summary="Edit an offer")
async def edit_offer(
    offer_id: str, body: OfferUpdate, caller: CurrentCaller, deps: DepsDep
) -> TechOfferPublic:
    """The owner organisation only."""
    changes = body.model_dump(exclude_unset=True)
    return offer_public(await uc.edit_record(deps, caller, KIND, offer_id, changes))


@router.post("/{offer_id}/publish", summary="Publish an offer", dependencies=[VERIFIED])
async def publish_offer(offer_id: str, caller: CurrentCaller, deps: DepsDep) -> TechOfferPublic:
    """The owner organisation only; the deadline, if any, must lie ahead."""
    return offer_public(await uc.publish_record(deps, caller, KIND, offer_id))


@router.post("/{offer_id}/withdraw", summary="Withdraw an offer")
async def withdraw_offer(offer_id: str, caller: CurrentCaller, deps: DepsDep) -> TechOfferPublic:
    """The owner organisation only."""
    return offer_public(await uc.withdraw_record(deps, caller, KIND, offer_id))


@router.post("/{offer_id}/close", summary="Close an offer")
async def close_offer(offer_id: str, caller: CurrentCaller, deps: DepsDep) -> TechOfferPublic:
    """The owner organisation only (e.g. after a deal)."""
    return offer_public(await uc.close_record(deps, caller, KIND, offer_id))
