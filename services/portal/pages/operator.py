"""What operators and district officials watch: the funnels of every market (charts
drawn with ECharts from reporting's figures) and the monthly roadshow compliance of
policy 10(3)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from services.portal.pages.common import User
from services.portal.pages.render import render

router = APIRouter(include_in_schema=False)


def funnel_totals(figures: dict[str, Any] | None) -> dict[str, dict[str, int]]:
    """Rows of reporting's ``/funnels`` summed per market: market -> stage -> count."""
    totals: dict[str, dict[str, int]] = {}
    for row in (figures or {}).get("rows", []):
        market = totals.setdefault(row["market"], {})
        for stage, count in row.get("stages", {}).items():
            market[stage] = market.get(stage, 0) + int(count)
    return totals


@router.get("/charts")
async def charts(request: Request, seen: User) -> HTMLResponse:
    figures = await request.app.state.backend.get_json(
        "reporting", "/funnels", token=seen.token, lang=seen.lang
    )
    totals = funnel_totals(figures)
    return render(request, "charts.html", seen, totals=totals,
                  data=json.dumps(totals, ensure_ascii=False))  # fmt: skip


@router.get("/compliance")
async def compliance(request: Request, seen: User) -> HTMLResponse:
    found = await request.app.state.backend.get_json(
        "roadshows", "/compliance", token=seen.token, lang=seen.lang
    )
    return render(request, "compliance.html", seen, found=found or {})
