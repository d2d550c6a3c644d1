"""Candidates: agencies submit them (with a CV); the enterprise runs the pipeline.

A submission with its personal data is answered only to the demand's enterprise and the
submitting agency; to anyone else it does not exist (404).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, ConfigDict

from services.talent.api import (
    DepsDep,
    Enterprise,
    EnterpriseOrAgency,
    Headhunter,
    Reason,
    operation_id,
)
from services.talent.api.bodies import read_bounded
from services.talent.domain.candidates import (
    Candidate,
    CvFile,
    Personal,
    Placement,
    Stage,
    StageChange,
)
from services.talent.usecases import candidates as uc
from services.talent.usecases import cvs
from services.talent.usecases.candidates import CandidateIn
from shared.paging import Page, Paging

router = APIRouter(tags=["candidates"], generate_unique_id_function=operation_id)


class CandidateView(BaseModel):
    """A submission as its two parties see it (the hashes stay inside)."""

    id: str
    demand_id: str
    role_title: str
    agency_id: str
    enterprise_org_id: str
    personal: Personal
    cv: CvFile | None
    stage: Stage
    history: list[StageChange]
    placement: Placement | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, c: Candidate) -> CandidateView:
        return cls.model_validate(
            c.model_dump(exclude={"person_keys", "person_hash", "claim_id", "version"})
        )


class Advance(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["shortlist", "interview", "offer", "hire"]


@router.post(
    "/demands/{demand_id}/candidates",
    status_code=status.HTTP_201_CREATED,
    summary="Submit a candidate",
)
async def submit_candidate(
    demand_id: str,
    body: CandidateIn,
    caller: Headhunter,
    deps: DepsDep,
) -> CandidateView:
    """The agency holding an active claim; the same person twice is a 409."""
    return CandidateView.of(await uc.submit(deps, caller, demand_id, body))


@router.get("/demands/{demand_id}/candidates", summary="List a demand's candidates")
async def list_candidates(
    demand_id: str,
    caller: EnterpriseOrAgency,
    deps: DepsDep,
    paging: Paging,
) -> Page[CandidateView]:
    """The enterprise sees every submission; an agency only its own."""
    items, total = await uc.of_demand(deps, caller, demand_id, paging.limit, paging.offset)
    return Page.of([CandidateView.of(c) for c in items], total, paging)


@router.get("/candidates/{candidate_id}", summary="Read a candidate")
async def get_candidate(
    candidate_id: str, caller: EnterpriseOrAgency, deps: DepsDep
) -> CandidateView:
    return CandidateView.of(await uc.get_for(deps, caller, candidate_id))


@router.put("/candidates/{candidate_id}/cv", summary="Upload a CV")
async def upload_cv(
    candidate_id: str, request: Request, caller: Headhunter, deps: DepsDep
) -> CandidateView:
    """The submitting agency: the raw file as the body, ``Content-Type`` application/pdf
    or the .docx type; at most ``cv_max_bytes`` (read no further than that)."""
    body = await read_bounded(request, deps.settings.cv_max_bytes, "cv")
    ctype = request.headers.get("content-type", "")
    return CandidateView.of(await cvs.upload_cv(deps, caller, candidate_id, ctype, body))


@router.get("/candidates/{candidate_id}/cv", summary="Download a CV")
async def download_cv(candidate_id: str, caller: EnterpriseOrAgency, deps: DepsDep) -> Response:
    kind, data = await cvs.download_cv(deps, caller, candidate_id)
    return Response(content=data, media_type=kind, headers={"Cache-Control": "no-store"})


@router.post("/candidates/{candidate_id}/advance", summary="Move a candidate on")
async def advance_candidate(
    candidate_id: str, body: Advance, caller: Enterprise, deps: DepsDep
) -> CandidateView:
    """shortlist -> interview -> offer -> hire (a hire starts the guarantee period)."""
    return CandidateView.of(await uc.advance(deps, caller, candidate_id, body.action))


@router.post("/candidates/{candidate_id}/reject", summary="Reject a candidate")
async def reject_candidate(
    candidate_id: str, body: Reason, caller: Enterprise, deps: DepsDep
) -> CandidateView:
    return CandidateView.of(await uc.reject(deps, caller, candidate_id, body.reason))


@router.post("/candidates/{candidate_id}/withdraw", summary="Withdraw a candidate")
async def withdraw_candidate(
    candidate_id: str, body: Reason, caller: Headhunter, deps: DepsDep
) -> CandidateView:
    return CandidateView.of(await uc.withdraw(deps, caller, candidate_id, body.reason))
