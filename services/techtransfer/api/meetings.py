"""1:1 meeting requests inside a brokerage session."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, status
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt

from services.techtransfer.api import DepsDep, Page, Paging, operation_id
from services.techtransfer.domain.sessions import MeetingOutcome, MeetingRequest
from services.techtransfer.usecases import meetings as uc
from shared.auth import CurrentCaller
from shared.limits import no_control_chars

router = APIRouter(tags=["meetings"], generate_unique_id_function=operation_id)


class MeetingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    invitee: str = Field(
        min_length=1, max_length=64, description="organisation id of a registered participant"
    )
    message: Annotated[str, AfterValidator(no_control_chars)] = Field("", max_length=1000)


class Lock(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slot: StrictInt = Field(ge=1, le=48, description="1-based slot number")
    table: StrictInt = Field(ge=1, le=1000, description="1-based table number")


class Rating(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: MeetingOutcome


@router.post(
    "/sessions/{session_id}/meetings",
    status_code=status.HTTP_201_CREATED,
    summary="Request a meeting",
)
async def request_meeting(
    session_id: str, body: MeetingCreate, caller: CurrentCaller, deps: DepsDep
) -> MeetingRequest:
    """Registered participants, before the deadline, with another registered participant."""
    return await uc.request(deps, caller, session_id, body.invitee, body.message)


@router.get("/sessions/{session_id}/meetings", summary="List meeting requests")
async def list_meetings(
    session_id: str, caller: CurrentCaller, deps: DepsDep, paging: Paging
) -> Page[MeetingRequest]:
    """Registered participants (their own) and operators (all)."""
    return Page.slice(await uc.list_for(deps, caller, session_id), paging)


@router.get("/meetings/{meeting_id}", summary="Read a meeting request")
async def get_meeting(meeting_id: str, caller: CurrentCaller, deps: DepsDep) -> MeetingRequest:
    """The two sides and operators."""
    return await uc.get(deps, caller, meeting_id)


@router.post("/meetings/{meeting_id}/accept", summary="Accept a meeting request")
async def accept_meeting(meeting_id: str, caller: CurrentCaller, deps: DepsDep) -> MeetingRequest:
    """The invitee only, before the deadline."""
    return await uc.accept(deps, caller, meeting_id)


@router.post("/meetings/{meeting_id}/decline", summary="Decline a meeting request")
async def decline_meeting(meeting_id: str, caller: CurrentCaller, deps: DepsDep) -> MeetingRequest:
    """The invitee only, before the deadline."""
    return await uc.decline(deps, caller, meeting_id)


@router.post("/meetings/{meeting_id}/lock", summary="Lock a meeting to a slot and table")
async def lock_meeting(
    meeting_id: str, body: Lock, caller: CurrentCaller, deps: DepsDep
) -> MeetingRequest:
    """Operators only, on accepted meetings."""
    return await uc.lock(deps, caller, meeting_id, body.slot, body.table)


@router.post("/meetings/{meeting_id}/rating", summary="Rate a meeting")
async def rate_meeting(
    meeting_id: str, body: Rating, caller: CurrentCaller, deps: DepsDep
) -> MeetingRequest:
    """Each side once, after the session's last slot, for a scheduled meeting."""
    return await uc.rate(deps, caller, meeting_id, body.outcome)
