"""Tech transfer: offers and needs (lists with matching's facets, detail, create with
field-level messages), and expressions of interest."""

from __future__ import annotations

import asyncio
from typing import Annotated, Literal, get_args

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.portal.pages.common import User, field_errors
from services.portal.pages.render import redirect, render
from services.portal.session import check_csrf
from shared.events.contracts._market import DOMAINS as MARKET_DOMAINS
from shared.events.contracts._market import CooperationMode

router = APIRouter(include_in_schema=False)
Kind = Literal["offers", "needs"]
SEARCH_KIND = {"offers": "tech_offer", "needs": "tech_need"}
DOMAINS = list(MARKET_DOMAINS)  # the codes every market checks a record's domains against
MODES = list(get_args(CooperationMode))


async def records(
    request: Request, kind: Kind, seen: User, q: str, domain: str, page: int
) -> HTMLResponse:
    backend = request.app.state.backend
    params: dict[str, object] = {"q": q, "limit": 20, "offset": (page - 1) * 20}
    if domain:
        params["domains"] = domain
    found, mine = await asyncio.gather(
        backend.get_json("matching", f"/search/{SEARCH_KIND[kind]}", token=seen.token,
                         lang=seen.lang, params=params),
        backend.get_json("techtransfer", f"/{kind}", token=seen.token, lang=seen.lang,
                         params={"owner": seen.caller.organisation_id, "limit": 20}),
    )  # fmt: skip
    return render(request, "market/records.html", seen, kind=kind, q=q, domain=domain,
                  found=found or {"items": [], "total": 0, "facets": {}},
                  mine=(mine or {}).get("items", []), page=page, domains=DOMAINS)  # fmt: skip


async def new_record(request: Request, kind: Kind, seen: User) -> HTMLResponse:
    return render(request, "market/record_form.html", seen, kind=kind,
                  domains=DOMAINS, modes=MODES)  # fmt: skip


async def create_record(request: Request, kind: Kind, seen: User) -> Response:
    form = await request.form()
    check_csrf(request, form)
    names = ("title", "description", "keywords", "trl", "min_trl", "budget_min", "budget_max")
    values = {k: str(form.get(k, "")) for k in names}
    body: dict[str, object] = {
        "title": values["title"],
        "description": values["description"],
        "domains": form.getlist("domains"),
        "cooperation_modes": form.getlist("cooperation_modes"),
        "keywords": [
            k.strip() for k in values["keywords"].replace("，", ",").split(",") if k.strip()
        ],
        "publish": form.get("publish") == "1",
    }
    level = values["trl" if kind == "offers" else "min_trl"]
    body["trl" if kind == "offers" else "min_trl"] = int(level) if level.isdigit() else level
    if kind == "needs" and (values["budget_min"] or values["budget_max"]):
        low, high = values["budget_min"], values["budget_max"]
        body["budget_cny"] = [
            int(low) if low.isdigit() else low,
            int(high) if high.isdigit() else high,
        ]
    answer = await request.app.state.backend.call(
        "techtransfer", "POST", f"/{kind}", token=seen.token, lang=seen.lang, json=body
    )
    if answer.status_code == 201:
        return redirect(request, f"/{kind}/{answer.json()['id']}", seen)
    errors = field_errors(answer.json())
    values["domains"] = form.getlist("domains")  # type: ignore[assignment]
    values["cooperation_modes"] = form.getlist("cooperation_modes")  # type: ignore[assignment]
    return render(request, "market/record_form.html", seen, status=answer.status_code, kind=kind,
                  values=values, errors=errors, domains=DOMAINS, modes=MODES)  # fmt: skip


async def record(request: Request, kind: Kind, record_id: str, seen: User) -> HTMLResponse:
    found = await request.app.state.backend.get_json(
        "techtransfer", f"/{kind}/{record_id}", token=seen.token, lang=seen.lang
    )
    if found is None:
        return render(request, "not_found.html", seen, status=404)
    return render(request, "market/record.html", seen, kind=kind, record=found)


@router.get("/interests")
async def interests(request: Request, seen: User) -> HTMLResponse:
    found = await request.app.state.backend.get_json(
        "techtransfer", "/interests", token=seen.token, lang=seen.lang
    )
    items = found.get("items", []) if isinstance(found, dict) else (found or [])
    return render(request, "market/interests.html", seen, interests=items)


@router.post("/interests/{interest_id}/{action}")
async def answer_interest(
    request: Request,
    interest_id: str,
    action: Literal["accept", "decline"],
    seen: User,
    csrf: Annotated[str, Form(max_length=100)] = "",
    reason: Annotated[str, Form(max_length=500)] = "",
) -> RedirectResponse:
    check_csrf(request, {"csrf": csrf})
    body = {"reason": reason} if action == "decline" else None
    await request.app.state.backend.call(
        "techtransfer", "POST", f"/interests/{interest_id}/{action}", token=seen.token,
        lang=seen.lang, json=body,
    )  # fmt: skip
    return redirect(request, "/interests", seen)


# Explicit paths per kind (a ``/{kind}`` pattern would also catch ``/interests``).
def _bind(kind: Kind) -> None:
    async def list_page(
        request: Request,
        seen: User,
        q: Annotated[str, Query(max_length=100)] = "",
        domain: Annotated[str, Query(max_length=40)] = "",
        page: Annotated[int, Query(ge=1, le=500)] = 1,
    ) -> HTMLResponse:
        return await records(request, kind, seen, q, domain, page)

    async def form_page(request: Request, seen: User) -> HTMLResponse:
        return await new_record(request, kind, seen)

    async def submit(request: Request, seen: User) -> Response:
        return await create_record(request, kind, seen)

    async def detail(request: Request, record_id: str, seen: User) -> HTMLResponse:
        return await record(request, kind, record_id, seen)

    router.add_api_route(f"/{kind}", list_page, methods=["GET"])
    router.add_api_route(f"/{kind}/new", form_page, methods=["GET"])
    router.add_api_route(f"/{kind}/new", submit, methods=["POST"])
    router.add_api_route(f"/{kind}/{{record_id}}", detail, methods=["GET"])


_bind("offers")
_bind("needs")
