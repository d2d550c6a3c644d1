"""The roadshows market's own pages: the calendar of a month (with a domain filter), an
investor's booking (a seat held, or a waitlist place), and a roadshow's meetings with the
follow-up funnel (the investor reports a step, the enterprise confirms or disputes it).

All through the roadshows service's API with the reader's token; who may do what is the
service's rule, the portal shows its answer beside the form.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from services.portal.pages.common import User, field_errors, reader
from services.portal.pages.render import redirect, render
from services.portal.pages.techtransfer import DOMAINS
from services.portal.session import check_csrf
from shared.auth import OrgType

router = APIRouter(include_in_schema=False)
_get = reader("roadshows")
Month = Annotated[str | None, Query(pattern=r"^(\d{4}-(0[1-9]|1[0-2]))?$")]
Code = Annotated[str | None, Query(max_length=40, pattern=r"^[a-z0-9_]*$")]
STEPS = ("met", "due_diligence", "term_sheet", "invested", "passed")


@router.get("/m/roadshows")
async def calendar(
    request: Request, seen: User, month: Month = None, domain: Code = None
) -> HTMLResponse:
    params = {"limit": 100, **({"month": month} if month else {}),
              **({"domain": domain} if domain else {})}  # fmt: skip
    page = await _get(request, seen, "/roadshows", **params) or {}
    caller = seen.caller
    assert caller is not None
    return render(request, "roadshows/calendar.html", seen, items=page.get("items", []),
                  month=month or "", domain=domain or "", domains=DOMAINS,
                  investor=caller.org_type is OrgType.investor,
                  can_create=caller.org_type is OrgType.operator)  # fmt: skip


@router.post("/m/roadshows/{roadshow_id}/book")
async def book(request: Request, roadshow_id: str, seen: User) -> Response:
    form = await request.form()
    check_csrf(request, form)
    cancel = form.get("cancel") == "1"
    answer = await request.app.state.backend.call(
        "roadshows", "POST", f"/roadshows/{roadshow_id}/seats" + ("/cancel" if cancel else ""),
        token=seen.token, lang=seen.lang,
    )  # fmt: skip
    if answer.status_code >= 400 and answer.status_code != 409:
        return render(request, "market/outcome.html", seen, status=answer.status_code,
                      name="roadshows", errors=field_errors(answer.json()))  # fmt: skip
    return redirect(request, f"/m/roadshows/{roadshow_id}/seat", seen)


@router.get("/m/roadshows/{roadshow_id}/seat")
async def my_seat(request: Request, roadshow_id: str, seen: User) -> HTMLResponse:
    show = await _get(request, seen, f"/roadshows/{roadshow_id}")
    if not show:
        return render(request, "not_found.html", seen, status=404)
    mine = await _get(request, seen, f"/roadshows/{roadshow_id}/seats/mine")
    return render(request, "roadshows/seat.html", seen, show=show, mine=mine)


async def _meetings(request: Request, seen: Any, roadshow_id: str, **data: Any) -> HTMLResponse:
    show = await _get(request, seen, f"/roadshows/{roadshow_id}")
    if not show:
        return render(request, "not_found.html", seen, status=404)
    page = await _get(request, seen, f"/roadshows/{roadshow_id}/meetings", limit=100) or {}
    meetings = page.get("items", [])
    # a meeting's funnel step: roadshows has no batch read, so one call per meeting, all at
    # once, and only for meetings that were scheduled (a report needs a slot; an unplaced
    # one is accepted again and keeps its funnel): requested and declined ones have none
    placed = [m["id"] for m in meetings if m.get("state") in ("scheduled", "accepted")]
    steps = await asyncio.gather(*(_get(request, seen, f"/meetings/{i}/followup") for i in placed))
    followups = dict(zip(placed, steps, strict=True))
    return render(request, "roadshows/meetings.html", seen, show=show, meetings=meetings,
                  followups=followups, steps=STEPS, **data)  # fmt: skip


@router.get("/m/roadshows/{roadshow_id}/meetings")
async def meetings(request: Request, roadshow_id: str, seen: User) -> HTMLResponse:
    return await _meetings(request, seen, roadshow_id, done=request.query_params.get("done", ""))


@router.post("/m/roadshows/{roadshow_id}/meetings/{meeting_id}/{what}")
async def meeting_act(
    request: Request, roadshow_id: str, meeting_id: str, what: str, seen: User
) -> Response:
    """accept | decline (enterprise), report (investor), confirm | dispute (enterprise)."""
    form = await request.form()
    check_csrf(request, form)
    paths = {"accept": "accept", "decline": "decline", "report": "followup",
             "confirm": "followup/confirm", "dispute": "followup/dispute"}  # fmt: skip
    if what not in paths:
        return render(request, "not_found.html", seen, status=404)
    body: dict[str, Any] | None = None
    if what == "report":
        body = {"stage": str(form.get("stage", ""))}
        for key in ("amount_cny", "invested_on", "reason"):
            raw = str(form.get(key, "")).strip()
            if raw:
                body[key] = int(raw) if key == "amount_cny" and raw.isdigit() else raw
    answer = await request.app.state.backend.call(
        "roadshows", "POST", f"/meetings/{meeting_id}/{paths[what]}", token=seen.token,
        lang=seen.lang, json=body,
    )  # fmt: skip
    if answer.status_code >= 400:
        return await _meetings(request, seen, roadshow_id, status=answer.status_code, done="",
                               errors=field_errors(answer.json()))  # fmt: skip
    return redirect(request, f"/m/roadshows/{roadshow_id}/meetings?done={what}", seen)
