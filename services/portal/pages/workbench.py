"""Each role lands on its own workbench: what needs its action, new suggestions with
why, and unread messages."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from services.portal.pages import verification
from services.portal.pages.common import User
from services.portal.pages.render import render
from shared.auth import OrgType

router = APIRouter(include_in_schema=False)


async def _safe(coro: Any, default: Any) -> Any:
    try:
        return await coro
    except Exception:
        return default  # a service away must not take the whole workbench down


@router.get("/")
async def workbench(request: Request, seen: User) -> HTMLResponse:
    backend, token, lang = request.app.state.backend, seen.token, seen.lang
    caller = seen.caller
    assert caller is not None
    inbox = backend.get_json("notifications", "/inbox", token=token, lang=lang,
                             params={"unread": "true", "limit": 5})  # fmt: skip
    matches = backend.get_json("matching", "/matches", token=token, lang=lang,
                               params={"limit": 5})  # fmt: skip
    todo: Any = asyncio.sleep(0, result=None)
    if caller.org_type in (OrgType.enterprise, OrgType.university):
        todo = backend.get_json("techtransfer", "/interests", token=token, lang=lang)
    waiting: Any = (  # 待审核机构 N: the self-sign-ups an operator is to verify
        verification.pending_count(request, seen)
        if caller.org_type is OrgType.operator
        else asyncio.sleep(0, result=None)
    )
    unread, suggested, interests, sign_ups = await asyncio.gather(
        _safe(inbox, None), _safe(matches, None), _safe(todo, None), _safe(waiting, None)
    )
    pending = []
    for item in (interests or {}).get("items", interests if isinstance(interests, list) else []):
        if item.get("state") in ("expressed", "accepted"):
            pending.append(item)
    return render(
        request, "workbench.html", seen,
        unread=(unread or {}).get("items", []), unread_count=(unread or {}).get("unread", 0),
        suggestions=(suggested or {}).get("items", []), pending=pending[:5], sign_ups=sign_ups,
    )  # fmt: skip
