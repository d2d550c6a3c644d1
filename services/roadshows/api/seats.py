"""Investor seats: book (or join the waitlist), cancel before the cut-off, check-in."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response, status

from services.roadshows.api import DepsDep, Investor, Operator, operation_id
from services.roadshows.domain.seats import Booking, MyBooking, SeatState
from services.roadshows.usecases import seats as uc
from shared.auth import VERIFIED

router = APIRouter(tags=["seats"], generate_unique_id_function=operation_id)


@router.post(
    "/roadshows/{roadshow_id}/seats",
    summary="Book a seat",
    status_code=201,
    dependencies=[VERIFIED],
)
async def book(roadshow_id: str, caller: Investor, deps: DepsDep, response: Response) -> Booking:
    """201 with a seat, 202 on the waitlist (promoted first come first served)."""
    booking = await uc.book(deps, caller, roadshow_id)
    if booking.state is SeatState.waitlisted:
        response.status_code = status.HTTP_202_ACCEPTED
    return booking


@router.get("/roadshows/{roadshow_id}/seats/mine", summary="My booking")
async def mine(roadshow_id: str, caller: Investor, deps: DepsDep) -> MyBooking:
    return await uc.mine(deps, caller, roadshow_id)


@router.post("/roadshows/{roadshow_id}/seats/cancel", summary="Cancel my seat")
async def cancel(roadshow_id: str, caller: Investor, deps: DepsDep) -> Booking:
    """Up to the cut-off before the start; after it, not coming is a no-show."""
    return await uc.cancel(deps, caller, roadshow_id)


@router.get("/roadshows/{roadshow_id}/seats", summary="Seats and waitlist")
async def overview(roadshow_id: str, caller: Operator, deps: DepsDep) -> dict[str, Any]:
    return await uc.overview(deps, roadshow_id)


@router.post(
    "/roadshows/{roadshow_id}/seats/{investor_org_id}/attended", summary="Check an investor in"
)
async def attended(
    roadshow_id: str, investor_org_id: str, caller: Operator, deps: DepsDep
) -> Booking:
    return await uc.attend(deps, roadshow_id, investor_org_id)
