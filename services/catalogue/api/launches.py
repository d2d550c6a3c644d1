"""Launch events (发布/路演/对接): scheduling, registration with a waitlist, check-in, leads."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, ConfigDict, StrictBool

from services.catalogue.api import (
    AnySignedIn,
    DepsDep,
    EnterpriseOrOperator,
    Operator,
    operation_id,
)
from services.catalogue.domain.launches import (
    Launch,
    LaunchIn,
    Lead,
    MyRegistration,
    Registration,
    SeatState,
)
from services.catalogue.usecases import launches as uc
from shared.paging import Page, Paging

router = APIRouter(tags=["launches"], generate_unique_id_function=operation_id)


class RegisterIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    waitlist: StrictBool = True  # false: a full event answers 409 instead of waitlisting


class HoldOut(BaseModel):
    event: Launch
    leads_created: int


@router.post(
    "/launches", status_code=status.HTTP_201_CREATED, summary="Schedule a launch event (operator)"
)
async def schedule(body: LaunchIn, caller: Operator, deps: DepsDep) -> Launch:  # type: ignore[valid-type]
    return await uc.schedule(deps, caller, body)


@router.get("/launches", summary="List launch events")
async def list_launches(caller: AnySignedIn, deps: DepsDep, paging: Paging) -> Page[Launch]:  # type: ignore[valid-type]
    items, total = await uc.listing(deps, paging.limit, paging.offset)
    return Page.of(items, total, paging)


@router.get("/launches/{event_id}", summary="Read a launch event")
async def get(event_id: str, caller: AnySignedIn, deps: DepsDep) -> Launch:  # type: ignore[valid-type]
    return await uc.get(deps, event_id)


@router.post("/launches/{event_id}/cancel", summary="Cancel a launch event (operator)")
async def cancel_launch(event_id: str, caller: Operator, deps: DepsDep) -> Launch:  # type: ignore[valid-type]
    return await uc.cancel_launch(deps, event_id)


@router.post(
    "/launches/{event_id}/registrations",
    status_code=status.HTTP_201_CREATED,
    summary="Register (a seat, or a waitlist place)",
)
async def register(
    event_id: str, caller: AnySignedIn, deps: DepsDep, body: RegisterIn | None = None
) -> Registration:  # type: ignore[valid-type]
    return await uc.register(deps, caller, event_id, (body or RegisterIn()).waitlist)


@router.get("/launches/{event_id}/registrations/mine", summary="My registration")
async def mine(event_id: str, caller: AnySignedIn, deps: DepsDep) -> MyRegistration:  # type: ignore[valid-type]
    return await uc.mine(deps, caller, event_id)


@router.delete("/launches/{event_id}/registrations/mine", summary="Cancel my registration")
async def cancel(event_id: str, caller: AnySignedIn, deps: DepsDep) -> Registration:  # type: ignore[valid-type]
    return await uc.cancel(deps, caller, event_id)


@router.get("/launches/{event_id}/registrations", summary="List registrations (operator)")
async def registrations(
    event_id: str,
    caller: Operator,
    deps: DepsDep,
    paging: Paging,  # type: ignore[valid-type]
    state: SeatState | None = Query(None),
) -> Page[Registration]:
    items, total = await uc.registrations(
        deps, event_id, state.value if state else None, paging.limit, paging.offset
    )
    return Page.of(items, total, paging)


@router.get("/launches/{event_id}/seats", summary="Seats held and the waitlist in order (operator)")
async def seats(event_id: str, caller: Operator, deps: DepsDep) -> dict[str, Any]:  # type: ignore[valid-type]
    return await uc.seat_overview(deps, event_id)


@router.post(
    "/launches/{event_id}/registrations/{org_id}/check-in",
    summary="Check an organisation in (operator)",
)
async def check_in(event_id: str, org_id: str, caller: Operator, deps: DepsDep) -> Registration:  # type: ignore[valid-type]
    return await uc.check_in(deps, event_id, org_id)


@router.post(
    "/launches/{event_id}/hold", summary="Mark held; attendees become presenters' leads (operator)"
)
async def hold(event_id: str, caller: Operator, deps: DepsDep) -> HoldOut:  # type: ignore[valid-type]
    event, made = await uc.hold(deps, event_id)
    return HoldOut(event=event, leads_created=made)


@router.get("/leads", summary="Leads from launch events (presenting enterprises; operator: all)")
async def leads(
    caller: EnterpriseOrOperator,
    deps: DepsDep,
    paging: Paging,  # type: ignore[valid-type]
    event_id: str | None = Query(None, max_length=64),
) -> Page[Lead]:
    items, total = await uc.leads(deps, caller, event_id, paging.limit, paging.offset)
    return Page.of(items, total, paging)
