"""The inbox, updated live: the page asks ``/inbox/live``, which long-polls
notifications and answers as soon as a message arrives (htmx swaps it in)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from services.portal.pages.common import User
from services.portal.pages.render import redirect, render
from services.portal.session import check_csrf

router = APIRouter(include_in_schema=False)


@router.get("/inbox")
async def inbox(request: Request, seen: User) -> HTMLResponse:
    page = await request.app.state.backend.get_json(
        "notifications", "/inbox", token=seen.token, lang=seen.lang, params={"limit": 50}
    )
    return render(request, "inbox.html", seen, messages=(page or {}).get("items", []),
                  unread=(page or {}).get("unread", 0))  # fmt: skip


@router.get("/inbox/live")
async def inbox_live(request: Request, seen: User) -> HTMLResponse:
    """A fragment: the unread messages, after waiting up to the long-poll time for one."""
    wait = request.app.state.settings.inbox_wait_s
    page = await request.app.state.backend.get_json(
        "notifications", "/inbox", token=seen.token, lang=seen.lang,
        params={"unread": "true", "limit": 20, "wait": wait}, seconds=wait + 10,
    )  # fmt: skip
    return render(request, "inbox_live.html", seen, messages=(page or {}).get("items", []))


@router.post("/inbox/{message_id}/read")
async def mark_read(
    request: Request, message_id: str, seen: User, csrf: Annotated[str, Form(max_length=100)] = ""
) -> RedirectResponse:
    check_csrf(request, {"csrf": csrf})
    await request.app.state.backend.call(
        "notifications", "POST", f"/inbox/{message_id}/read", token=seen.token, lang=seen.lang
    )
    return redirect(request, "/inbox", seen)
