"""Tech transfer's brokerage sessions (对接洽谈会): the list, a session's page with the
reader's own agenda (counterpart, slot, table, time in Beijing) and its .ics download,
which the portal passes through from techtransfer unchanged."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from services.portal.pages.common import User
from services.portal.pages.render import render

router = APIRouter(include_in_schema=False)


@router.get("/sessions")
async def sessions(
    request: Request, seen: User, offset: Annotated[int, Query(ge=0, le=10_000)] = 0
) -> HTMLResponse:
    page = await request.app.state.backend.get_json(
        "techtransfer", "/sessions", token=seen.token, lang=seen.lang,
        params={"limit": 20, "offset": offset},
    )  # fmt: skip
    items = page.get("items", []) if isinstance(page, dict) else (page or [])
    return render(request, "brokerage/list.html", seen, items=items)


@router.get("/sessions/{session_id}")
async def session_page(request: Request, session_id: str, seen: User) -> HTMLResponse:
    backend = request.app.state.backend
    found = await backend.get_json(
        "techtransfer", f"/sessions/{session_id}", token=seen.token, lang=seen.lang
    )
    if not found:
        return render(request, "not_found.html", seen, status=404)
    # only registered participants (and operators) have an agenda: others get a 403/404
    agenda: Any = await backend.get_json(
        "techtransfer", f"/sessions/{session_id}/agenda", token=seen.token, lang=seen.lang
    )
    return render(request, "brokerage/session.html", seen, s=found, agenda=agenda)


@router.get("/sessions/{session_id}/agenda.ics")
async def agenda_file(request: Request, session_id: str, seen: User) -> Response:
    answer = await request.app.state.backend.call(
        "techtransfer", "GET", f"/sessions/{session_id}/agenda.ics", token=seen.token,
        lang=seen.lang,
    )  # fmt: skip
    if answer.status_code != 200:
        return render(request, "not_found.html", seen, status=404)
    return Response(answer.content, media_type="text/calendar; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="agenda-{session_id}.ics"',
        "Cache-Control": "no-store",
    })  # fmt: skip
