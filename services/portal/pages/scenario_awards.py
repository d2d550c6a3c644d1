"""Selection (遴选) for the publisher of a scenario: close the panel, read the weighted
ranking with the applicants' names, award the slots (a reason beside the row when the
award departs from the ranking) and publish the results.

All through the scenarios API with the reader's token; names come from identity with the
same token (``pages.orgs``). The service enforces the order (close before awarding, at
least one award before publishing) and its refusal is shown beside the row or on top.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.portal.pages.common import User, field_errors, reader
from services.portal.pages.orgs import org_names
from services.portal.pages.render import redirect, render
from services.portal.session import check_csrf

router = APIRouter(include_in_schema=False)
_get = reader("scenarios")


async def _selection(request: Request, seen: Any, scenario_id: str, **data: Any) -> HTMLResponse:
    s = await _get(request, seen, f"/scenarios/{scenario_id}")
    if not s:
        return render(request, "not_found.html", seen, status=404)
    panel = await _get(request, seen, f"/scenarios/{scenario_id}/panel")
    found = await _get(request, seen, f"/scenarios/{scenario_id}/proposals", limit=100) or {}
    proposals = {p["id"]: p for p in found.get("items", [])}
    ranking = (panel or {}).get("ranking", [])
    names = await org_names(request, seen, (p["enterprise_org_id"] for p in proposals.values()))
    return render(request, "scenarios/selection.html", seen, s=s, panel=panel,
                  ranking=ranking, proposals=proposals, names=names,
                  done=request.query_params.get("done", ""), **data)  # fmt: skip


@router.get("/m/scenarios/{scenario_id}/selection")
async def selection(request: Request, scenario_id: str, seen: User) -> HTMLResponse:
    return await _selection(request, seen, scenario_id)


async def _act(request: Request, seen: Any, scenario_id: str, path: str, body: Any,
               done: str, key: str = "") -> Response:  # fmt: skip
    answer = await request.app.state.backend.call(
        "scenarios", "POST", f"/scenarios/{scenario_id}/{path}", token=seen.token,
        lang=seen.lang, json=body,
    )  # fmt: skip
    if answer.status_code == 200:
        return redirect(request, f"/m/scenarios/{scenario_id}/selection?done={done}", seen)
    # a row's refusal (reason, proposal) beside that row; anything else on top
    errors = {(f"{f}.{key}" if key and f in ("reason", "proposal_id") else f): m
              for f, m in field_errors(answer.json()).items()}  # fmt: skip
    values = {f"reason.{key}": body.get("reason", "")} if key else {}
    return await _selection(request, seen, scenario_id, status=answer.status_code,
                            errors=errors, values=values)  # fmt: skip


@router.post("/m/scenarios/{scenario_id}/selection/close")
async def close_panel(request: Request, scenario_id: str, seen: User) -> Response:
    check_csrf(request, await request.form())
    return await _act(request, seen, scenario_id, "panel/close", None, "closed")


@router.post("/m/scenarios/{scenario_id}/selection/award")
async def award(request: Request, scenario_id: str, seen: User) -> Response:
    form = await request.form()
    check_csrf(request, form)
    pid = str(form.get("proposal_id", ""))
    body = {"proposal_id": pid, "reason": str(form.get("reason", "")).strip()}
    return await _act(request, seen, scenario_id, "awards", body, "awarded", key=pid)


@router.post("/m/scenarios/{scenario_id}/selection/results")
async def publish_results(request: Request, scenario_id: str, seen: User) -> Response:
    check_csrf(request, await request.form())
    return await _act(request, seen, scenario_id, "results", None, "published")
