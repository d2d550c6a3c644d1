"""The annual evaluation report (JSON, XLSX, printable HTML), alerts and status."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from services.reporting.api import DepsDep, forbidden, operation_id, viewer_of
from services.reporting.api.figures import District
from services.reporting.domain.access import AccessDenied
from services.reporting.usecases import queries as uc
from services.reporting.usecases.export import to_html, to_xlsx
from shared.auth import CurrentCaller
from shared.errors import ForbiddenError

router = APIRouter(tags=["reports"], generate_unique_id_function=operation_id)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/reports/annual/{year}", summary="Annual evaluation report (policy 16)",
            response_model=None)  # fmt: skip
async def annual(
    year: int, caller: CurrentCaller, deps: DepsDep, district: District = None,
    format: Literal["json", "xlsx", "html"] = "json",
) -> Any:  # fmt: skip
    """Operators: the city (no district) or any district; a district government: its own."""
    if not 2000 <= year <= 2100:
        from shared.errors import InvalidInput

        raise InvalidInput("year", "out_of_range", zh="年份应在2000-2100之间", en="year 2000-2100")
    try:
        report = await uc.report(deps, viewer_of(caller), year, district)
    except AccessDenied as denied:
        raise forbidden(denied, "district") from None
    name = f"annual-{year}-{report['scope']}"
    if format == "xlsx":
        return Response(
            to_xlsx(report),
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
        )
    if format == "html":
        return HTMLResponse(to_html(report))
    return report


@router.get("/alerts", summary="Monitoring alerts due now (监测预警)")
async def alerts(caller: CurrentCaller, deps: DepsDep,
                 limit: Annotated[int, Query(ge=1, le=500)] = 100) -> dict[str, Any]:  # fmt: skip
    found = uc.alerts(deps, viewer_of(caller))
    return {"items": found[:limit], "total": len(found), "limit": limit, "offset": 0}


@router.get("/status", summary="Read-model status (operators)")
async def status(caller: CurrentCaller, deps: DepsDep) -> dict[str, Any]:
    if not caller.is_operator:
        raise ForbiddenError("caller", "operators_only", zh="仅运营方可查看", en="operators only")
    return uc.status(deps)
