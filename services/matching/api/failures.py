"""Records the search index refused (operators): each was told to its owner."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from services.matching.api import DepsDep, operation_id
from services.matching.storage.failures import ProjectionFailure
from shared.auth import Caller, OrgType, require_org_types

router = APIRouter(tags=["operations"], generate_unique_id_function=operation_id)
Operator = Annotated[Caller, Depends(require_org_types(OrgType.operator))]


@router.get("/projection-failures", summary="Records the index refused (operators)")
async def projection_failures(
    caller: Operator, deps: DepsDep, limit: Annotated[int, Query(ge=1, le=100)] = 50
) -> list[ProjectionFailure]:
    """Operators: the latest refused records (kind, id, version, owner, reason), newest
    first. Their owners were told; an edit re-projects the record."""
    return await deps.repos.failures.latest(limit)
