"""Who is signed in, from HttpOnly cookies, and the CSRF check on every form.

The access and refresh tokens identity issues live in HttpOnly, SameSite cookies: page
scripts never see them. The access token is verified locally with identity's public
keys (JWKS), like every service does; when it has expired the refresh token is traded
for a new pair once, and when that fails the reader is sent to the sign-in page with a
clear "your session expired" message. Forms carry a CSRF token that must equal the
``dj_csrf`` cookie (double submit); a cross-site form cannot read that cookie.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from services.portal.i18n import LANGS
from shared.auth import Caller, InvalidToken

ACCESS, REFRESH, CSRF, LANG = "dj_access", "dj_refresh", "dj_csrf", "dj_lang"


class SignInRequired(Exception):
    """No valid session: go to the sign-in page (``expired``: there was one)."""

    def __init__(self, *, expired: bool) -> None:
        super().__init__("sign-in required")
        self.expired = expired


class CsrfFailed(Exception):
    """A form arrived without the CSRF token of this browser."""


@dataclass
class Visitor:
    """The person reading a page: language, CSRF token, and (if signed in) the caller."""

    lang: str
    csrf: str
    caller: Caller | None = None
    token: str | None = None
    new_tokens: dict[str, str] | None = None  # refreshed during this request
    new_csrf: bool = False
    extra_cookies: dict[str, str] = field(default_factory=dict)

    @property
    def signed_in(self) -> bool:
        return self.caller is not None


def language(request: Request) -> str:
    chosen = request.cookies.get(LANG)
    if chosen in LANGS:
        return chosen
    accept = request.headers.get("accept-language", "").lower()
    return "en" if accept.startswith("en") else "zh"


def visitor(request: Request) -> Visitor:
    csrf = request.cookies.get(CSRF)
    fresh = not csrf
    return Visitor(lang=language(request), csrf=csrf or secrets.token_urlsafe(24), new_csrf=fresh)


async def signed_in(request: Request) -> Visitor:
    """The visitor with a verified caller, refreshing an expired access token once."""
    seen = visitor(request)
    token = request.cookies.get(ACCESS)
    verifier = request.app.state.token_verifier
    if token:
        try:
            seen.caller, seen.token = await verifier.verify(token), token
            return seen
        except InvalidToken:
            pass
    refresh = request.cookies.get(REFRESH)
    if not refresh:
        raise SignInRequired(expired=bool(token))
    tokens = await request.app.state.backend.refresh(refresh)
    if tokens is None:
        raise SignInRequired(expired=True)
    try:
        seen.caller = await verifier.verify(tokens["access_token"])
    except InvalidToken:
        raise SignInRequired(expired=True) from None
    seen.token, seen.new_tokens = tokens["access_token"], tokens
    return seen


def check_csrf(request: Request, form: Any) -> None:
    sent = str(form.get("csrf", ""))
    cookie = request.cookies.get(CSRF, "")
    if not cookie or not hmac.compare_digest(sent, cookie):
        raise CsrfFailed


def keep(response: Response, seen: Visitor, *, secure: bool) -> Response:
    """Write what this request changed into cookies (tokens, CSRF, language)."""
    opts: dict[str, Any] = {"httponly": True, "secure": secure, "path": "/"}
    if seen.new_tokens is not None:
        set_tokens(response, seen.new_tokens, secure=secure)
    if seen.new_csrf:
        response.set_cookie(CSRF, seen.csrf, samesite="strict", secure=secure, path="/")
    for name, value in seen.extra_cookies.items():
        response.set_cookie(name, value, samesite="lax", max_age=365 * 86400, **opts)
    return response


def set_tokens(response: Response, tokens: dict[str, Any], *, secure: bool) -> None:
    life = int(tokens.get("expires_in") or 900)
    response.set_cookie(ACCESS, tokens["access_token"], max_age=life, httponly=True,
                        samesite="lax", secure=secure, path="/")  # fmt: skip
    response.set_cookie(REFRESH, tokens["refresh_token"], max_age=30 * 86400, httponly=True,
                        samesite="strict", secure=secure, path="/")  # fmt: skip


def clear_tokens(response: Response) -> None:
    response.delete_cookie(ACCESS, path="/")
    response.delete_cookie(REFRESH, path="/")
