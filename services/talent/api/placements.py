"""Placements: guarantee periods, leaver reports, and the operator's export of
support-eligible records (agency, enterprise, role, dates; never the person)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from services.talent.api import DepsDep, Enterprise, Market, Operator, Reason, operation_id
from services.talent.domain.candidates import PlacementState
from services.talent.usecases import placements as uc
from services.talent.usecases.placements import PlacementView
from shared.paging import Page, Paging

router = APIRouter(
    prefix="/placements", tags=["placements"], generate_unique_id_function=operation_id
)


@router.get("", summary="List placements")
async def list_placements(
    caller: Market,
    deps: DepsDep,
    paging: Paging,
    state: PlacementState | None = None,
) -> Page[PlacementView]:
    """Operators: all. Enterprises and agencies: their own."""
    items, total = await uc.listing(deps, caller, state, paging.limit, paging.offset)
    return Page.of(items, total, paging)


@router.get("/export", summary="Export support-eligible placements (CSV)")
async def export_placements(caller: Operator, deps: DepsDep) -> Response:
    csv_text = await uc.export_csv(deps)
    return Response(
        content=csv_text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="placements.csv"'},
    )


@router.get("/{placement_id}", summary="Read a placement")
async def get_placement(placement_id: str, caller: Market, deps: DepsDep) -> PlacementView:
    return await uc.get(deps, caller, placement_id)


@router.post("/{placement_id}/leaver", summary="Report a leaver")
async def report_leaver(
    placement_id: str, body: Reason, caller: Enterprise, deps: DepsDep
) -> PlacementView:
    """The hiring enterprise, within the guarantee period, with a reason."""
    return await uc.report_leaver(deps, caller, placement_id, body.reason)
