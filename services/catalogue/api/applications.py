"""Listing applications: enterprises apply (drafts, submissions); operators review."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, ConfigDict, Field

from services.catalogue.api import DepsDep, Enterprise, EnterpriseOrOperator, Operator, operation_id
from services.catalogue.domain.applications import Application, ApplicationState, ProductSpec
from services.catalogue.domain.common import FieldReason
from services.catalogue.usecases import applications as uc
from shared.auth import VERIFIED
from shared.limits import Code
from shared.paging import Page, Paging

router = APIRouter(
    prefix="/applications", tags=["applications"], generate_unique_id_function=operation_id
)


class ApplicationIn(ProductSpec):
    """The entry applied for; ``product_id`` names one of the caller's products to update."""

    product_id: Code | None = None  # type: ignore[valid-type]

    def spec(self) -> ProductSpec:
        return ProductSpec(**self.model_dump(exclude={"product_id"}))


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["approve", "reject", "return"]
    reasons: list[FieldReason] = Field(default_factory=list, max_length=30)


@router.post("", status_code=status.HTTP_201_CREATED, summary="Save a draft application")
async def create(body: ApplicationIn, caller: Enterprise, deps: DepsDep) -> Application:  # type: ignore[valid-type]
    return await uc.create(deps, caller, body.spec(), body.product_id)


@router.get("", summary="List applications (own; the operator sees all)")
async def list_applications(
    caller: EnterpriseOrOperator,
    deps: DepsDep,
    paging: Paging,  # type: ignore[valid-type]
    state: ApplicationState | None = Query(None),
) -> Page[Application]:
    items, total = await uc.listing(
        deps, caller, state.value if state else None, paging.limit, paging.offset
    )
    return Page.of(items, total, paging)


@router.get("/{application_id}", summary="Read an application with its review rounds")
async def get(application_id: str, caller: EnterpriseOrOperator, deps: DepsDep) -> Application:  # type: ignore[valid-type]
    return await uc.get(deps, caller, application_id)


@router.put("/{application_id}", summary="Edit a draft or sent-back application")
async def edit(
    application_id: str, body: ProductSpec, caller: Enterprise, deps: DepsDep
) -> Application:  # type: ignore[valid-type]
    return await uc.edit(deps, caller, application_id, body)


@router.post(
    "/{application_id}/submit", summary="Submit (or resubmit) for review", dependencies=[VERIFIED]
)
async def submit(application_id: str, caller: Enterprise, deps: DepsDep) -> Application:  # type: ignore[valid-type]
    return await uc.submit(deps, caller, application_id)


@router.post("/{application_id}/review", summary="Approve, reject or send back (operator)")
async def review(
    application_id: str, body: ReviewIn, caller: Operator, deps: DepsDep
) -> Application:  # type: ignore[valid-type]
    return await uc.review(deps, application_id, body.decision, body.reasons)
