"""An investor asks a pitching enterprise of a roadshow for a 1:1 meeting.

The roadshows API does not list a roadshow's selected presenters to investors, so the
form offers the published pitches in the roadshow's domain (with the enterprise's name
from identity); the service decides whether the pitch is presented there and whether the
investor holds a seat, and its refusal is shown beside the choice or on top.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.portal.pages.common import User, field_errors, reader
from services.portal.pages.orgs import org_names
from services.portal.pages.render import redirect, render
from services.portal.session import check_csrf

router = APIRouter(include_in_schema=False)
_get = reader("roadshows")


async def _form(request: Request, seen: Any, roadshow_id: str, **data: Any) -> HTMLResponse:
    show = await _get(request, seen, f"/roadshows/{roadshow_id}")
    if not show:
        return render(request, "not_found.html", seen, status=404)
    page = await _get(request, seen, "/pitches", limit=100) or {}
    domain = show["content"]["domain"]
    pitches = [p for p in page.get("items", []) if domain in p["content"].get("domains", [])]
    names = await org_names(request, seen, (p["owner_org_id"] for p in pitches))
    return render(request, "roadshows/request.html", seen, show=show, pitches=pitches,
                  names=names, **data)  # fmt: skip


@router.get("/m/roadshows/{roadshow_id}/request")
async def request_form(request: Request, roadshow_id: str, seen: User) -> HTMLResponse:
    return await _form(request, seen, roadshow_id)


@router.post("/m/roadshows/{roadshow_id}/request")
async def request_meeting(request: Request, roadshow_id: str, seen: User) -> Response:
    form = await request.form()
    check_csrf(request, form)
    pitch_id = str(form.get("pitch_id", "")).strip()
    answer = await request.app.state.backend.call(
        "roadshows", "POST", f"/roadshows/{roadshow_id}/meetings", token=seen.token,
        lang=seen.lang, json={"pitch_id": pitch_id},
    )  # fmt: skip
    if answer.status_code == 201:
        return redirect(request, f"/m/roadshows/{roadshow_id}/meetings?done=request", seen)
    errors = field_errors(answer.json())
    return await _form(request, seen, roadshow_id, status=answer.status_code, errors=errors,
                       values={"pitch_id": pitch_id})  # fmt: skip
