"""Sign in, sign out, and the language switch (public pages)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.portal.pages.render import redirect, render
from services.portal.session import (
    LANG,
    REFRESH,
    Visitor,
    check_csrf,
    clear_tokens,
    set_tokens,
    visitor,
)
from shared.auth import PUBLIC

router = APIRouter(include_in_schema=False)
Seen = Annotated[Visitor, Depends(visitor)]


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


@router.get("/login", dependencies=[PUBLIC])
async def login_page(
    request: Request, seen: Seen, expired: int = 0, next: str = "/"
) -> HTMLResponse:
    return render(request, "login.html", seen, expired=bool(expired), next=_safe_next(next))


@router.post("/login", dependencies=[PUBLIC])
async def login(
    request: Request,
    seen: Seen,
    email: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=256)],
    csrf: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    check_csrf(request, {"csrf": csrf})
    backend = request.app.state.backend
    client = request.client.host if request.client else None
    answer = await backend.sign_in(email.strip(), password, seen.lang, client)
    if answer.status_code == 200:
        response = redirect(request, _safe_next(next), seen)
        set_tokens(response, answer.json(), secure=request.app.state.settings.secure_cookies)
        return response
    if answer.status_code == 429:
        wait = answer.headers.get("retry-after", "")
        error = ("throttled", wait)
    else:
        error = ("invalid", "")
    status = answer.status_code if answer.status_code in (401, 422, 429) else 400
    return render(request, "login.html", seen, status=status, error=error, email=email,
                  next=_safe_next(next))  # fmt: skip


@router.post("/logout", dependencies=[PUBLIC])
async def logout(
    request: Request, seen: Seen, csrf: Annotated[str, Form(max_length=100)] = ""
) -> RedirectResponse:
    check_csrf(request, {"csrf": csrf})
    refresh = request.cookies.get(REFRESH)
    token = request.cookies.get("dj_access")
    if refresh and token:
        await request.app.state.backend.call(
            "identity", "POST", "/auth/sign-out", token=token, json={"refresh_token": refresh}
        )
    response = redirect(request, "/login", seen)
    clear_tokens(response)
    return response


@router.get("/lang/{code}", dependencies=[PUBLIC])
async def switch_language(
    request: Request, code: str, seen: Seen, back: str = "/"
) -> RedirectResponse:
    if code in ("zh", "en"):
        seen.extra_cookies[LANG] = code
    return redirect(request, _safe_next(back), seen)
