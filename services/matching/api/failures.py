"""Records the search index refused (operators): each was told to its owner."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from services.matching.api import DepsDep, operation_id
from services.matching.storage.failures import ProjectionFailure
from shared.auth import Caller, OrgType, require_org_types
from shared.paging import Page, Paging

router = APIRouter(tags=["operations"], generate_unique_id_function=operation_id)
MAX_SHOWN = 1_000  # the newest refusals an operator pages through
Operator = Annotated[Caller, Depends(require_org_types(OrgType.operator))]


@router.get("/projection-failures", summary="Records the index refused (operators)")
async def projection_failures(
    caller: Operator, deps: DepsDep, paging: Paging
) -> Page[ProjectionFailure]:
    """Operators: the latest refused records (kind, id, version, owner, reason), newest
    first, as a page of the latest ``MAX_SHOWN``. Their owners were told; an edit
    re-projects the record."""
    return Page.slice(await deps.repos.failures.latest(MAX_SHOWN), paging)
