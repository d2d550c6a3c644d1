"""Expressions of interest (意向) in offers and needs, and the owner's answer."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, status
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from services.techtransfer.api import DepsDep, Page, Paging, operation_id
from services.techtransfer.domain.interest import InterestAnswers, InterestState
from services.techtransfer.usecases import interests as uc
from services.techtransfer.usecases.interests import Contact, InterestView
from shared.auth import CurrentCaller
from shared.limits import no_control_chars

router = APIRouter(tags=["interests"], generate_unique_id_function=operation_id)


class InterestCreate(BaseModel):
    """The three fixed questions and the contact shown to the owner after acceptance."""

    model_config = ConfigDict(extra="forbid")

    answers: InterestAnswers
    contact: Contact


class Acceptance(BaseModel):
    model_config = ConfigDict(extra="forbid")

    contact: Contact = Field(description="the owner's contact, shown to the interested side")


class Reason(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, AfterValidator(no_control_chars)] = Field(
        max_length=1000, description="why (required, not blank)"
    )


@router.post(
    "/offers/{offer_id}/interests", status_code=status.HTTP_201_CREATED, summary="Interest in offer"
)
async def express_in_offer(
    offer_id: str, body: InterestCreate, caller: CurrentCaller, deps: DepsDep
) -> InterestView:
    """Enterprises other than the owner, in a published offer; one open per organisation."""
    return await uc.express(deps, caller, "tech_offer", offer_id, body.answers, body.contact)


@router.post(
    "/needs/{need_id}/interests", status_code=status.HTTP_201_CREATED, summary="Interest in need"
)
async def express_in_need(
    need_id: str, body: InterestCreate, caller: CurrentCaller, deps: DepsDep
) -> InterestView:
    """Universities and enterprises other than the owner, in a published need."""
    return await uc.express(deps, caller, "tech_need", need_id, body.answers, body.contact)


@router.get("/interests", summary="List expressions of interest")
async def list_interests(
    caller: CurrentCaller,
    deps: DepsDep,
    paging: Paging,
    box: Literal["sent", "received"] | None = None,
    state: InterestState | None = None,
    record_id: Annotated[str | None, Query(max_length=64)] = None,
) -> Page[InterestView]:
    """Anyone signed in: the expressions their organisation sent or received (operators: all)."""
    found = await uc.list_for(deps, caller, box=box, state=state, record_id=record_id)
    return Page.slice(found, paging)


@router.get("/interests/{interest_id}", summary="Read an expression of interest")
async def get_interest(interest_id: str, caller: CurrentCaller, deps: DepsDep) -> InterestView:
    """The two sides and operators; contacts only to the two sides, after acceptance."""
    return await uc.get(deps, caller, interest_id)


@router.post("/interests/{interest_id}/accept", summary="Accept")
async def accept_interest(
    interest_id: str, body: Acceptance, caller: CurrentCaller, deps: DepsDep
) -> InterestView:
    """The record's owner only, while the expression is open and not expired."""
    return await uc.accept(deps, caller, interest_id, body.contact)


@router.post("/interests/{interest_id}/decline", summary="Decline")
async def decline_interest(
    interest_id: str, body: Reason, caller: CurrentCaller, deps: DepsDep
) -> InterestView:
    """The record's owner only, with a reason."""
    return await uc.decline(deps, caller, interest_id, body.reason)


@router.post("/interests/{interest_id}/withdraw", summary="Withdraw")
async def withdraw_interest(interest_id: str, caller: CurrentCaller, deps: DepsDep) -> InterestView:
    """The interested side only, while the expression is open."""
    return await uc.withdraw(deps, caller, interest_id)
