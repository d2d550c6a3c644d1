"""The signed-in person's own account page: who they are in identity (name, e-mail,
role, organisation), with the user and organisation ids a scenario's publisher needs to
name them on an expert panel (the panel is named by ids; identity has no lookup by
e-mail for other organisations)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from services.portal.pages.common import User
from services.portal.pages.render import render

router = APIRouter(include_in_schema=False)


@router.get("/account")
async def account(request: Request, seen: User) -> HTMLResponse:
    me = await request.app.state.backend.get_json(
        "identity", "/me", token=seen.token, lang=seen.lang
    )
    return render(request, "account.html", seen, me=me or {})
