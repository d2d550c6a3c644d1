"""Reports for operators and district officials (policy 15, 16): the funnels overview of a
year charted with ECharts, the annual evaluation report as XLSX or printable HTML, and
the enterprise profile (企业画像).

Who sees what is the reporting service's decision, never the portal's: operators any
district or the city, a district official their own district, an enterprise its own
profile. When the service refuses, the page says so with the service's own reason
(403), in the reader's language; nothing is hidden or guessed here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.portal.i18n import gettext
from services.portal.pages.common import User, field_errors
from services.portal.pages.render import redirect, render
from services.portal.pages.report_charts import funnel_overview
from shared.events.contracts._market import DISTRICTS

router = APIRouter(include_in_schema=False)
BEIJING = ZoneInfo("Asia/Shanghai")
YEARS_SHOWN = 6
REPORT_SECONDS = 120.0  # a city report over a year of events takes seconds to build
TIERS = {"cultivation": "培育清单", "small_to_scale": "“小升规”清单",
         "scale_to_strong": "“规升强”清单"}  # fmt: skip


def this_year() -> int:
    return dt.datetime.now(BEIJING).year


def chosen(year: str | None, district: str | None) -> tuple[int, str | None]:
    """The year and district asked for; anything unreadable falls back to this year and
    (for the district) to the viewer's own scope, which the service then decides."""
    asked = int(year) if year and year.isdigit() and 2000 <= int(year) <= 2100 else this_year()
    return asked, (district if district in DISTRICTS else None)


def denied(request: Request, seen: User, response: httpx.Response) -> HTMLResponse:
    """The service's refusal (403) or absence (404) as a page with its reason."""
    reasons = [m for m in field_errors(_json(response)).values() if m]
    return render(request, "reports_denied.html", seen, status=response.status_code,
                  reasons=reasons, code=response.status_code)  # fmt: skip


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _params(year: int, district: str | None, **extra: Any) -> dict[str, Any]:
    return {"year": year, **({"district": district} if district else {}), **extra}


@router.get("/reports")
async def reports(request: Request, seen: User, year: str | None = None,
                  district: str | None = None) -> HTMLResponse:  # fmt: skip
    """Choose a year (and a district); see its funnels; download or open its report."""
    caller = seen.caller
    assert caller is not None
    year_, district_ = chosen(year, district)
    answer = await request.app.state.backend.call(
        "reporting", "GET", "/funnels", token=seen.token, lang=seen.lang,
        params=_params(year_, district_, group_by="month"), seconds=REPORT_SECONDS,
    )  # fmt: skip
    if answer.status_code != 200:
        return denied(request, seen, answer)
    figures = answer.json()
    scope = figures.get("district")  # the service's answer: None is the whole city
    overview = funnel_overview(figures, lambda text: gettext(seen.lang, text))
    own = caller.district if caller.is_district_government else None
    return render(
        request, "reports.html", seen, year=year_, scope=scope, years=_years(),
        districts=[own] if own else list(DISTRICTS), operator=caller.is_operator,
        overview=overview,
        query=f"?district={scope}" if scope else "",
    )  # fmt: skip


def _years() -> list[int]:
    now = this_year()
    return list(range(now, now - YEARS_SHOWN, -1))


async def _report(request: Request, seen: User, year: int, district: str | None,
                  fmt: str) -> httpx.Response:  # fmt: skip
    return await request.app.state.backend.call(
        "reporting", "GET", f"/reports/annual/{year}", token=seen.token, lang=seen.lang,
        params={"format": fmt, **({"district": district} if district else {})},
        seconds=REPORT_SECONDS,
    )  # fmt: skip


@router.get("/reports/annual/{year}.xlsx")
async def report_xlsx(request: Request, seen: User, year: str,
                      district: str | None = None) -> Response:  # fmt: skip
    year_, district_ = chosen(year, district)
    answer = await _report(request, seen, year_, district_, "xlsx")
    if answer.status_code != 200:
        return denied(request, seen, answer)
    disposition = answer.headers.get("content-disposition") or (
        f'attachment; filename="annual-{year_}-{district_ or "city"}.xlsx"'
    )
    return Response(answer.content, media_type=answer.headers.get("content-type"),
                    headers={"Content-Disposition": disposition})  # fmt: skip


@router.get("/reports/annual/{year}.html")
async def report_html(request: Request, seen: User, year: str,
                      district: str | None = None) -> HTMLResponse:  # fmt: skip
    """The printable report as the service renders it (inline SVG charts, no script)."""
    year_, district_ = chosen(year, district)
    answer = await _report(request, seen, year_, district_, "html")
    if answer.status_code != 200:
        return denied(request, seen, answer)
    return HTMLResponse(answer.text)


@router.get("/reports/profile")
async def my_profile(request: Request, seen: User) -> RedirectResponse:
    assert seen.caller is not None
    return redirect(request, f"/reports/enterprises/{seen.caller.organisation_id}", seen)


@router.get("/reports/enterprises")
async def enterprises(request: Request, seen: User, offset: int = 0) -> HTMLResponse:
    """Enterprises whose profile the viewer may open (identity lists operators all, a
    district official their district's)."""
    offset = max(0, min(offset, 100_000))
    answer = await request.app.state.backend.call(
        "identity", "GET", "/organisations", token=seen.token, lang=seen.lang,
        params={"type": "enterprise", "limit": 50, "offset": offset},
    )  # fmt: skip
    if answer.status_code != 200:
        return denied(request, seen, answer)
    page = answer.json()
    return render(request, "reports_enterprises.html", seen, items=page.get("items", []),
                  total=page.get("total", 0), offset=offset, tiers=TIERS)  # fmt: skip


@router.get("/reports/enterprises/{org_id}")
async def profile(request: Request, seen: User, org_id: str) -> HTMLResponse:
    answer = await request.app.state.backend.call(
        "reporting",
        "GET",
        f"/enterprises/{quote(org_id, safe='')}/profile",
        token=seen.token,
        lang=seen.lang,
    )
    if answer.status_code != 200:
        return denied(request, seen, answer)
    return render(request, "reports_profile.html", seen, p=answer.json(), tiers=TIERS)
