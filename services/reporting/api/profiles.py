"""The enterprise profile (企业画像): the enterprise, operators and its district."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from services.reporting.api import DepsDep, forbidden, operation_id, viewer_of
from services.reporting.domain.access import AccessDenied
from services.reporting.usecases import queries as uc
from shared.auth import CurrentCaller
from shared.errors import NotFoundError

router = APIRouter(tags=["profiles"], generate_unique_id_function=operation_id)
OrgId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


@router.get("/enterprises/{org_id}/profile", summary="Enterprise profile (企业画像)")
async def enterprise_profile(org_id: OrgId, caller: CurrentCaller, deps: DepsDep) -> dict[str, Any]:
    """Tier and history, records published and answered in five markets, matches, outcomes."""
    try:
        found = uc.profile(deps, viewer_of(caller), org_id)
    except AccessDenied as denied:
        raise forbidden(denied, "org_id") from None
    if found is None:
        raise NotFoundError("org_id", "not_found", zh="未找到该企业", en="no such enterprise")
    return found
