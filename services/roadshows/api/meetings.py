"""1:1 meetings after the pitches, and the follow-up funnel after a meeting."""

from __future__ import annotations

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict

from services.roadshows.api import DepsDep, Enterprise, Investor, Market, Operator, operation_id
from services.roadshows.domain.followups import Followup, StepReport
from services.roadshows.domain.meetings import Meeting
from services.roadshows.usecases import meetings as uc
from shared.limits import Code
from shared.paging import Page, Paging

router = APIRouter(tags=["meetings"], generate_unique_id_function=operation_id)


class MeetingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pitch_id: Code


@router.post(
    "/roadshows/{roadshow_id}/meetings", status_code=status.HTTP_201_CREATED,
    summary="Request a 1:1 meeting",
)  # fmt: skip
async def request(roadshow_id: str, body: MeetingIn, caller: Investor, deps: DepsDep) -> Meeting:
    """An investor holding a seat, with a selected presenter."""
    return await uc.request(deps, caller, roadshow_id, body.pitch_id)


@router.get("/roadshows/{roadshow_id}/meetings", summary="Meetings of a roadshow")
async def of_roadshow(
    roadshow_id: str, caller: Market, deps: DepsDep, paging: Paging
) -> Page[Meeting]:
    """Operators see all; investors and enterprises their own."""
    return Page.slice(await uc.of_roadshow(deps, caller, roadshow_id), paging)


@router.post("/roadshows/{roadshow_id}/meetings/schedule", summary="Build the schedule")
async def schedule(
    roadshow_id: str, caller: Operator, deps: DepsDep, paging: Paging
) -> Page[Meeting]:
    """Conflict-free: nobody in two meetings at once, at most the tables per slot."""
    return Page.slice(await uc.schedule(deps, roadshow_id), paging)


@router.post("/meetings/{meeting_id}/accept", summary="Accept a meeting")
async def accept(meeting_id: str, caller: Enterprise, deps: DepsDep) -> Meeting:
    return await uc.answer(deps, caller, meeting_id, True)


@router.post("/meetings/{meeting_id}/decline", summary="Decline a meeting")
async def decline(meeting_id: str, caller: Enterprise, deps: DepsDep) -> Meeting:
    return await uc.answer(deps, caller, meeting_id, False)


@router.post("/meetings/{meeting_id}/followup", summary="Report a funnel step")
async def report(meeting_id: str, body: StepReport, caller: Investor, deps: DepsDep) -> Followup:
    """met -> due_diligence -> term_sheet -> invested (amount, date) | passed (reason)."""
    return await uc.report(deps, caller, meeting_id, body)


@router.post("/meetings/{meeting_id}/followup/confirm", summary="Confirm the reported step")
async def confirm(meeting_id: str, caller: Enterprise, deps: DepsDep) -> Followup:
    return await uc.confirm(deps, caller, meeting_id, True)


@router.post("/meetings/{meeting_id}/followup/dispute", summary="Dispute the reported step")
async def dispute(meeting_id: str, caller: Enterprise, deps: DepsDep) -> Followup:
    return await uc.confirm(deps, caller, meeting_id, False)


@router.get("/meetings/{meeting_id}/followup", summary="Read the follow-up")
async def followup(meeting_id: str, caller: Market, deps: DepsDep) -> Followup:
    return await uc.followup(deps, caller, meeting_id)
