"""The operator's agency list: registration, verification, suspension, profiles."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, Field

from services.talent.api import (
    AgencyOrOperator,
    DepsDep,
    Headhunter,
    Operator,
    Reason,
    operation_id,
)
from services.talent.api.bodies import read_bounded
from services.talent.domain.agencies import Agency, AgencyProfileIn, AgencyState, DocumentKind
from services.talent.usecases import agencies as uc
from services.talent.usecases import documents
from shared.auth import Caller
from shared.errors import NotFoundError
from shared.limits import Code
from shared.paging import Page, Paging

router = APIRouter(prefix="/agencies", tags=["agencies"], generate_unique_id_function=operation_id)


class AgencyRegistration(AgencyProfileIn):
    org_id: Code | None = Field(None, description="operators: the headhunter organisation")


def _own_or_operator(caller: Caller, agency_id: str) -> None:
    if not caller.is_operator and caller.organisation_id != agency_id:
        raise NotFoundError("agency_id", "not_found", zh="未找到猎头机构", en="no such agency")


@router.post("", status_code=status.HTTP_201_CREATED, summary="Register an agency")
async def register_agency(
    body: AgencyRegistration, caller: AgencyOrOperator, deps: DepsDep
) -> Agency:
    """A headhunter registers itself; an operator registers one by ``org_id``."""
    profile = AgencyProfileIn(**body.model_dump(exclude={"org_id"}))
    return await uc.register(deps, caller, profile, body.org_id)


@router.get("", summary="List agencies")
async def list_agencies(
    caller: Operator,
    deps: DepsDep,
    paging: Paging,
    state: AgencyState | None = None,
) -> Page[Agency]:
    items, total = await uc.listing(deps, state, paging.limit, paging.offset)
    return Page.of(items, total, paging)


@router.get("/me", summary="My agency")
async def my_agency(caller: Headhunter, deps: DepsDep) -> Agency:
    return await uc.get(deps, caller.organisation_id)


@router.get("/{agency_id}", summary="Read an agency")
async def get_agency(agency_id: str, caller: AgencyOrOperator, deps: DepsDep) -> Agency:
    _own_or_operator(caller, agency_id)
    return await uc.get(deps, agency_id)


class AgencyRecord(BaseModel):
    """The agency's work on the platform (counts), next to ``placements_last_year``."""

    claims_active: int
    claims_total: int
    candidates_submitted: int
    hires: int
    placements_qualified: int
    placements_ended: int


@router.get("/{agency_id}/record", summary="An agency's track record")
async def agency_record(agency_id: str, caller: AgencyOrOperator, deps: DepsDep) -> AgencyRecord:
    _own_or_operator(caller, agency_id)
    return AgencyRecord(**await uc.record(deps, agency_id))


@router.put("/{agency_id}", summary="Edit an agency profile")
async def edit_agency(
    agency_id: str,
    body: AgencyProfileIn,
    caller: AgencyOrOperator,
    deps: DepsDep,
) -> Agency:
    _own_or_operator(caller, agency_id)
    return await uc.edit(deps, agency_id, body)


@router.post("/{agency_id}/verify", summary="Verify (or reinstate) an agency")
async def verify_agency(agency_id: str, caller: Operator, deps: DepsDep) -> Agency:
    return await uc.verify(deps, agency_id)


@router.post("/{agency_id}/suspend", summary="Suspend an agency")
async def suspend_agency(agency_id: str, body: Reason, caller: Operator, deps: DepsDep) -> Agency:
    return await uc.suspend(deps, agency_id, body.reason)


@router.put("/{agency_id}/documents/{kind}", summary="Upload a qualification document")
async def upload_document(
    agency_id: str, kind: DocumentKind, request: Request, caller: AgencyOrOperator, deps: DepsDep
) -> Agency:
    """The agency itself (or an operator): the raw file as the body, ``Content-Type``
    application/pdf, image/jpeg or image/png, at most ``cv_max_bytes``."""
    data = await read_bounded(request, deps.settings.cv_max_bytes, "document")
    ctype = request.headers.get("content-type", "")
    return await documents.upload(deps, caller, agency_id, kind, ctype, data)


@router.get("/{agency_id}/documents/{kind}", summary="Download a qualification document")
async def download_document(
    agency_id: str, kind: DocumentKind, caller: AgencyOrOperator, deps: DepsDep
) -> Response:
    media, data = await documents.download(deps, caller, agency_id, kind)
    return Response(content=data, media_type=media, headers={"Cache-Control": "no-store"})
