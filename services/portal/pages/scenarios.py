"""The scenarios market (应用场景 / 城市机会清单) in the browser: the opportunity list by
batch and domain, a scenario's page, the enterprise's application (揭榜) and the public
results page (the winners' names for a signed-in reader).

Every read and write is the scenarios service's API with the reader's token; who may
apply or score is the service's rule (its refusal is shown beside the field).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from services.portal.forms import FormField, request_fields, to_json, with_choices
from services.portal.pages.common import User, field_errors
from services.portal.pages.orgs import maybe_signed_in, org_names
from services.portal.pages.render import redirect, render
from services.portal.pages.techtransfer import DOMAINS
from services.portal.session import check_csrf
from shared.auth import PUBLIC, OrgType

router = APIRouter(include_in_schema=False)
Code = Annotated[str | None, Query(max_length=40, pattern=r"^[a-z0-9_-]*$")]
APPLY = "/scenarios/{scenario_id}/proposals"
#: the facts the hard requirements are checked against (a nested object in the API)
FACTS = [with_choices(FormField("facts.qualifications", "list")), FormField("facts.trl", "int")]


@router.get("/m/scenarios")
async def opportunity_list(
    request: Request, seen: User, batch: Code = None, domain: Code = None,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> HTMLResponse:  # fmt: skip
    backend = request.app.state.backend
    params = {"limit": 20, "offset": offset, "batch": batch or None, "domain": domain or None}
    page = await backend.get_json(
        "scenarios", "/scenarios", token=seen.token, lang=seen.lang,
        params={k: v for k, v in params.items() if v is not None},
    ) or {}  # fmt: skip
    batches = await backend.get_json(
        "scenarios", "/batches", token=seen.token, lang=seen.lang, params={"limit": 100}
    ) or {}  # fmt: skip
    caller = seen.caller
    assert caller is not None
    return render(request, "scenarios/list.html", seen, items=page.get("items", []),
                  total=page.get("total", 0), offset=offset, batches=batches.get("items", []),
                  domains=DOMAINS, batch=batch or "", domain=domain or "",
                  can_post=caller.org_type in (OrgType.government, OrgType.soe))  # fmt: skip


async def _scenario(request: Request, seen: Any, scenario_id: str) -> dict[str, Any] | None:
    found = await request.app.state.backend.get_json(
        "scenarios", f"/scenarios/{scenario_id}", token=seen.token, lang=seen.lang
    )
    return found if isinstance(found, dict) else None


@router.get("/m/scenarios/{scenario_id}")
async def scenario_page(request: Request, scenario_id: str, seen: User) -> HTMLResponse:
    scenario = await _scenario(request, seen, scenario_id)
    if scenario is None:
        return render(request, "not_found.html", seen, status=404)
    panel = await request.app.state.backend.get_json(
        "scenarios", f"/scenarios/{scenario_id}/panel", token=seen.token, lang=seen.lang
    )
    caller = seen.caller
    assert caller is not None
    experts = [e.get("user_id") for e in (panel or {}).get("experts", [])]
    return render(request, "scenarios/item.html", seen, s=scenario, c=scenario["content"],
                  can_apply=caller.org_type is OrgType.enterprise
                  and scenario.get("state") == "published",
                  is_expert=caller.user_id in experts, panel=panel,
                  applied=request.query_params.get("applied") == "1")  # fmt: skip


async def _apply_fields(request: Request) -> list[FormField]:
    doc = await request.app.state.schemas.get(request.app.state.backend, "scenarios")
    return [*request_fields(doc, "post", APPLY), *FACTS]


@router.get("/m/scenarios/{scenario_id}/apply")
async def apply_form(request: Request, scenario_id: str, seen: User) -> HTMLResponse:
    scenario = await _scenario(request, seen, scenario_id)
    if scenario is None:
        return render(request, "not_found.html", seen, status=404)
    return render(request, "scenarios/apply.html", seen, s=scenario,
                  fields=await _apply_fields(request))  # fmt: skip


def _with_facts(fields: list[FormField], form: Any) -> dict[str, Any]:
    body = to_json([f for f in fields if not f.name.startswith("facts.")], form)
    facts = to_json(FACTS, form)
    if facts:
        body["facts"] = {k.removeprefix("facts."): v for k, v in facts.items()}
    return body


@router.post("/m/scenarios/{scenario_id}/apply")
async def apply(request: Request, scenario_id: str, seen: User) -> Response:
    form = await request.form()
    check_csrf(request, form)
    fields = await _apply_fields(request)
    answer = await request.app.state.backend.call(
        "scenarios", "POST", APPLY.format(scenario_id=scenario_id), token=seen.token,
        lang=seen.lang, json=_with_facts(fields, form),
    )  # fmt: skip
    if answer.status_code in (200, 201):
        return redirect(request, f"/m/scenarios/{scenario_id}?applied=1", seen)
    scenario = await _scenario(request, seen, scenario_id) or {"id": scenario_id, "content": {}}
    errors = field_errors(answer.json())
    values = {k: form.getlist(k) if len(form.getlist(k)) > 1 else form.get(k) for k in form}
    return render(request, "scenarios/apply.html", seen, status=answer.status_code,
                  s=scenario, fields=fields, values=values, errors=errors)  # fmt: skip


# the expert's scoring sheet (every proposal at once) is in pages/scenario_panel.py


@router.get("/results", dependencies=[PUBLIC])
async def public_results(
    request: Request, offset: Annotated[int, Query(ge=0, le=10_000)] = 0
) -> HTMLResponse:
    """The public results of the city opportunity list: anyone, no sign-in."""
    seen = await maybe_signed_in(request)  # a signed-in reader sees the winners' names
    page = await request.app.state.backend.get_json(
        "scenarios", "/results", token=None, lang=seen.lang, params={"limit": 50, "offset": offset}
    ) or {}  # fmt: skip
    items = page.get("items", [])
    names = await org_names(request, seen, (o for r in items for o in r["awarded_org_ids"]))
    for r in items:  # the winners the reader may name (none when anonymous)
        r["names"] = [names[o] for o in r["awarded_org_ids"] if o in names]
    return render(request, "scenarios/results.html", seen, items=items,
                  total=page.get("total", 0), offset=offset)  # fmt: skip
