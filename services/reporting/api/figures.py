"""Funnels and time distributions (operators; district governments for their district)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from services.reporting.api import DepsDep, forbidden, operation_id, viewer_of
from services.reporting.domain.access import AccessDenied
from services.reporting.domain.funnels import Filter
from services.reporting.usecases import queries as uc
from shared.auth import CurrentCaller

router = APIRouter(tags=["figures"], generate_unique_id_function=operation_id)
Market = Literal["techtransfer", "catalogue", "talent", "scenarios", "roadshows"]
District = Annotated[str | None, Query(pattern=r"^[a-z_]{2,20}$", description="district code")]
Year = Annotated[int | None, Query(ge=2000, le=2100, description="calendar year (Beijing time)")]
Domain = Annotated[str | None, Query(pattern=r"^[a-z0-9_]{1,40}$", description="domain code")]


@router.get("/funnels", summary="Funnels per market, month, district and domain")
async def funnels(
    caller: CurrentCaller, deps: DepsDep, year: Year = None, district: District = None,
    market: Market | None = None, domain: Domain = None,
    group_by: Annotated[list[Literal["month", "district", "domain"]] | None,
                        Query(max_length=3)] = None,
) -> dict[str, Any]:  # fmt: skip
    """Cases published in the period, counted at every stage they reached."""
    try:
        return uc.funnels(deps, viewer_of(caller), Filter(year, district, market, domain),
                          tuple(dict.fromkeys(group_by or ["month"])))  # fmt: skip
    except AccessDenied as denied:
        raise forbidden(denied, "district") from None


@router.get("/durations", summary="Time to first match and to outcome")
async def durations(
    caller: CurrentCaller, deps: DepsDep, year: Year = None, district: District = None,
    market: Market | None = None, domain: Domain = None,
) -> dict[str, Any]:  # fmt: skip
    try:
        return uc.time_distributions(
            deps, viewer_of(caller), Filter(year, district, market, domain)
        )
    except AccessDenied as denied:
        raise forbidden(denied, "district") from None
