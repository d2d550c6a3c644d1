"""Organisation names for pages that only get ids from a market service.

Identity lets anyone signed in read an organisation's profile, so the portal resolves
names with the reader's own token, once per id per page; without a token (a public
page read anonymously) it resolves nothing and the page says so.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

import httpx
from fastapi import Request

from services.portal.backend import ServiceUnavailable
from services.portal.session import SignInRequired, Visitor, signed_in, visitor


async def org_names(request: Request, seen: Visitor, ids: Iterable[str]) -> dict[str, str]:
    """``{org id: name}`` for the ids the reader may read (others are left out)."""
    wanted = sorted({i for i in ids if i})
    if not seen.token or not wanted:
        return {}
    backend = request.app.state.backend

    async def one(org_id: str) -> tuple[str, str | None]:
        try:
            found = await backend.get_json(
                "identity", f"/organisations/{org_id}", token=seen.token, lang=seen.lang
            )
        except (ServiceUnavailable, SignInRequired, httpx.HTTPError):
            return org_id, None  # the names are a courtesy: the page still renders
        profile = (found or {}).get("profile") or {}
        return org_id, profile.get("name")

    found = await asyncio.gather(*(one(i) for i in wanted))
    return {i: n for i, n in found if n}


async def maybe_signed_in(request: Request) -> Visitor:
    """The visitor, with a caller when the cookies hold a valid session (public pages
    show more to a signed-in reader, and nothing less to an anonymous one)."""
    try:
        return await signed_in(request)
    except SignInRequired:
        return visitor(request)
