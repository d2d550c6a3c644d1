"""Suggestions, with "why this match" and "why not" from matching's explanations."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from services.portal.pages.common import User
from services.portal.pages.render import redirect, render
from services.portal.session import check_csrf

router = APIRouter(include_in_schema=False)


@router.get("/matches")
async def matches(request: Request, seen: User) -> HTMLResponse:
    found = await request.app.state.backend.get_json(
        "matching", "/matches", token=seen.token, lang=seen.lang, params={"limit": 50}
    )
    return render(request, "market/matches.html", seen, matches=(found or {}).get("items", []))


@router.get("/matches/{demand_id}/{supply_id}")
async def match(request: Request, demand_id: str, supply_id: str, seen: User) -> HTMLResponse:
    backend = request.app.state.backend
    pair = await backend.get_json(
        "matching", f"/matches/{demand_id}/{supply_id}", token=seen.token, lang=seen.lang
    )
    why = await backend.get_json(
        "matching", f"/why-not/{demand_id}/{supply_id}", token=seen.token, lang=seen.lang
    )
    if pair is None and why is None:
        return render(request, "not_found.html", seen, status=404)
    return render(request, "market/match.html", seen, pair=pair, why=why)


@router.post("/matches/{demand_id}/{supply_id}/feedback")
async def feedback(
    request: Request,
    demand_id: str,
    supply_id: str,
    seen: User,
    value: Annotated[Literal["relevant", "not_relevant", "contacted"], Form()],
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> RedirectResponse:
    check_csrf(request, {"csrf": csrf})
    await request.app.state.backend.call(
        "matching", "POST", f"/matches/{demand_id}/{supply_id}/feedback", token=seen.token,
        lang=seen.lang, json={"feedback": value},
    )  # fmt: skip
    return redirect(request, f"/matches/{demand_id}/{supply_id}", seen)
