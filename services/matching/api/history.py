"""The history between the caller's organisation and another, across every market."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from services.matching.api import DepsDep, operation_id
from services.matching.usecases import matches as uc
from shared.auth import CurrentCaller
from shared.paging import Page, Paging

router = APIRouter(tags=["history"], generate_unique_id_function=operation_id)


@router.get("/pair-history/{counterpart_org_id}", summary="History with one organisation")
async def pair_history(
    counterpart_org_id: str, caller: CurrentCaller, deps: DepsDep, paging: Paging
) -> Page[dict[str, Any]]:
    """Any signed-in caller, for its own organisation: suggested / relevant / contacted /
    declined entries of every pair between the two organisations, oldest first (a page)."""
    return Page.slice(await uc.pair_history(deps, caller, counterpart_org_id), paging)
