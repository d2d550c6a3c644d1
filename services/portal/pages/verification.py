"""The operators' verification queue (issue 17): organisations that signed themselves up
and confirmed their admin's e-mail wait here (identity's ``GET /organisations?state=
pending_verification``, paged) with what they declared, their admin's contact, and the
Verify / Reject-with-reason actions.

Whether a caller may verify is identity's rule (operators only); the portal shows the
queue link to operators and identity's answer (a 403 or a refusal beside its field) to
anyone else who tries.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from services.portal.backend import ServiceUnavailable
from services.portal.pages.common import User, field_errors
from services.portal.pages.render import redirect, render
from services.portal.pages.signup import DISTRICTS, FUNDS, KINDS, TYPES
from services.portal.session import Visitor, check_csrf

router = APIRouter(include_in_schema=False)
QUEUE = "/m/sign-ups"
PAGE = 20
PENDING = {"state": "pending_verification"}
DONE = {"verify": "verified", "reject": "rejected"}


async def pending_count(request: Request, seen: Visitor) -> int | None:
    """How many sign-ups wait for an operator (the workbench's 待审核机构 N); None when
    identity does not answer."""
    try:
        found = await request.app.state.backend.get_json(
            "identity", "/organisations", token=seen.token, lang=seen.lang,
            params={**PENDING, "limit": 1},
        )  # fmt: skip
    except ServiceUnavailable:
        return None
    return int(found.get("total", 0)) if isinstance(found, dict) else None


async def _admin(request: Request, seen: Visitor, org_id: str) -> dict[str, Any] | None:
    """The organisation's first admin as identity shows it to operators (name, e-mail)."""
    found = await request.app.state.backend.get_json(
        "identity", f"/organisations/{org_id}/users", token=seen.token, lang=seen.lang
    )
    users = (found or {}).get("items", [])
    return next((u for u in users if u.get("role") == "admin"), users[0] if users else None)


async def _queue_page(
    request: Request, seen: Visitor, offset: int, *, status: int = 200,
    errors: dict[str, dict[str, str]] | None = None, values: dict[str, str] | None = None,
    done: str = "",
) -> HTMLResponse:  # fmt: skip
    answer = await request.app.state.backend.call(
        "identity", "GET", "/organisations", token=seen.token, lang=seen.lang,
        params={**PENDING, "limit": PAGE, "offset": offset},
    )  # fmt: skip
    if answer.status_code != 200:  # not an operator: identity's own words
        return render(request, "verification/queue.html", seen, status=answer.status_code,
                      denied=field_errors(answer.json()), rows=[], total=0, offset=offset,
                      done="", page=PAGE, listed=set())  # fmt: skip
    body = answer.json()
    items = body.get("items", [])
    admins = await asyncio.gather(*(_admin(request, seen, o["id"]) for o in items))
    rows = [{"org": o, "profile": o.get("profile") or {}, "admin": a}
            for o, a in zip(items, admins, strict=True)]  # fmt: skip
    return render(request, "verification/queue.html", seen, status=status, denied=None,
                  rows=rows, total=body.get("total", 0), offset=offset, errors=errors or {},
                  values=values or {}, done=done, page=PAGE, listed={o["id"] for o in items},
                  types=TYPES, districts=DISTRICTS, kinds=KINDS, funds=FUNDS)  # fmt: skip


@router.get(QUEUE)
async def queue(
    request: Request, seen: User, offset: Annotated[int, Query(ge=0, le=10_000)] = 0
) -> HTMLResponse:
    done = request.query_params.get("done", "")
    return await _queue_page(request, seen, offset,
                             done=done if done in DONE.values() else "")  # fmt: skip


async def _decide(request: Request, seen: Visitor, org_id: str, action: str) -> Response:
    form = await request.form()
    check_csrf(request, form)
    reason = str(form.get("reason", "")).strip()
    offset = str(form.get("offset", "0"))
    answer = await request.app.state.backend.call(
        "identity", "POST", f"/organisations/{org_id}/{action}", token=seen.token,
        lang=seen.lang, json={"reason": reason} if action == "reject" else None,
    )  # fmt: skip
    if answer.status_code == 200:
        return redirect(request, f"{QUEUE}?done={DONE[action]}", seen)
    problems = field_errors(answer.json())
    # a refusal without a field (not awaiting verification, not allowed) stands beside
    # the button that was pressed; the reason's own refusal beside the reason
    shown = {("reason" if f == "reason" else action): m for f, m in problems.items()}
    back = int(offset) if offset.isdigit() and int(offset) <= 10_000 else 0
    return await _queue_page(request, seen, back, status=answer.status_code,
                             errors={org_id: shown}, values={org_id: reason})  # fmt: skip


@router.post(QUEUE + "/{org_id}/verify")
async def verify(request: Request, org_id: str, seen: User) -> Response:
    return await _decide(request, seen, org_id, "verify")


@router.post(QUEUE + "/{org_id}/reject")
async def reject(request: Request, org_id: str, seen: User) -> Response:
    return await _decide(request, seen, org_id, "reject")
