"""The expert panel of a scenario in the browser: the publisher names it, and each
expert declares conflicts of interest and scores every proposal on one sheet.

The API scores one proposal per call; the sheet sends one call per proposal the expert
filled in and shows, beside each input, what the service refused (a score above the
scale, a missing criterion, a declared conflict), keeping what it saved.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.portal.forms import place_errors, rows_shown
from services.portal.pages.common import User, field_errors, reader
from services.portal.pages.orgs import org_names
from services.portal.pages.render import redirect, render
from services.portal.session import check_csrf

router = APIRouter(include_in_schema=False)
_get = reader("scenarios")
MIN_ROWS, MAX_ROWS = 3, 30  # the service takes 1..30 experts
INTEGER = re.compile(r"-?\d{1,6}")


# -- naming the panel (the publisher) ---------------------------------------------------


async def _panel_page(
    request: Request, seen: Any, s: dict[str, Any], values: dict[str, str],
    errors: dict[str, str], rows: int, status: int = 200,
) -> HTMLResponse:  # fmt: skip
    shown = {f"experts.{n}.{k}" for n in range(rows) for k in ("user_id", "org_id")}
    # the organisations' names beside their ids, so the publisher sees whom it named
    names = await org_names(request, seen, (v for k, v in values.items() if k.endswith(".org_id")))
    saved = request.query_params.get("saved") == "1"
    return render(request, "scenarios/panel.html", seen, status=status, s=s, values=values,
                  errors=errors, others={k: v for k, v in errors.items() if k not in shown},
                  rows=rows, names=names, saved=saved)  # fmt: skip


@router.get("/m/scenarios/{scenario_id}/panel")
async def panel_form(request: Request, scenario_id: str, seen: User) -> HTMLResponse:
    s = await _get(request, seen, f"/scenarios/{scenario_id}")
    if not s:
        return render(request, "not_found.html", seen, status=404)
    panel = await _get(request, seen, f"/scenarios/{scenario_id}/panel") or {}
    values = {}
    for n, e in enumerate(panel.get("experts", [])):
        values[f"experts.{n}.user_id"], values[f"experts.{n}.org_id"] = e["user_id"], e["org_id"]
    rows = max(MIN_ROWS, len(panel.get("experts", [])) + 1)
    return await _panel_page(request, seen, s, values, {}, min(rows, MAX_ROWS))


def experts_of(form: Any) -> tuple[list[dict[str, str]], list[int]]:
    """The filled expert rows, and which form row each sent expert came from."""
    experts, rows = [], []
    for n in range(MAX_ROWS):
        user, org = (str(form.get(f"experts.{n}.{k}", "")).strip() for k in ("user_id", "org_id"))
        if user or org:
            experts.append({"user_id": user, "org_id": org})
            rows.append(n)
    return experts, rows


@router.post("/m/scenarios/{scenario_id}/panel")
async def name_panel(request: Request, scenario_id: str, seen: User) -> Response:
    form = await request.form()
    check_csrf(request, form)
    values = {k: str(form.get(k, "")) for k in form}
    experts, sent = experts_of(form)
    rows = rows_shown(form, sent, MIN_ROWS, MAX_ROWS)
    errors: dict[str, str] = {}
    status = 200
    if form.get("more") == "1":  # "add a row": show the form again, nothing is sent
        rows = min(rows + 1, MAX_ROWS)
    else:
        answer = await request.app.state.backend.call(
            "scenarios", "PUT", f"/scenarios/{scenario_id}/panel", token=seen.token,
            lang=seen.lang, json={"experts": experts},
        )  # fmt: skip
        if answer.status_code == 200:
            return redirect(request, f"/m/scenarios/{scenario_id}/panel?saved=1", seen)
        errors = place_errors(field_errors(answer.json()), "experts", sent)
        status = answer.status_code
    # the scenario is read only to show the form again (a saved panel redirects)
    s = await _get(request, seen, f"/scenarios/{scenario_id}")
    if not s:
        return render(request, "not_found.html", seen, status=404)
    return await _panel_page(request, seen, s, values, errors, rows, status=status)


# -- the expert's sheet: conflicts and scores -------------------------------------------


async def _sheet(request: Request, seen: Any, scenario_id: str, **data: Any) -> HTMLResponse:
    s = await _get(request, seen, f"/scenarios/{scenario_id}")
    if not s:
        return render(request, "not_found.html", seen, status=404)
    found = await _get(request, seen, f"/scenarios/{scenario_id}/proposals", limit=100)
    proposals = [p for p in (found or {}).get("items", []) if p.get("state") == "submitted"]
    panel = await _get(request, seen, f"/scenarios/{scenario_id}/panel") or {}
    me = seen.caller.user_id
    cards = {c["proposal_id"]: c.get("scores", {})
             for c in panel.get("cards", []) if c.get("user_id") == me}  # fmt: skip
    conflicts = {c["enterprise_org_id"] for c in panel.get("conflicts", []) if c["user_id"] == me}
    names = await org_names(request, seen, (p["enterprise_org_id"] for p in proposals))
    values = data.pop("values", None) or {
        f"score.{pid}.{code}": str(v) for pid, scores in cards.items() for code, v in scores.items()
    }
    return render(request, "scenarios/sheet.html", seen, s=s, proposals=proposals, cards=cards,
                  conflicts=conflicts, names=names, values=values,
                  on_panel=bool(panel), open=panel.get("state", "open") == "open",
                  saved=request.query_params.get("saved", ""),
                  declared=request.query_params.get("declared") == "1", **data)  # fmt: skip


@router.get("/m/scenarios/{scenario_id}/score")
async def scoring_sheet(request: Request, scenario_id: str, seen: User) -> HTMLResponse:
    return await _sheet(request, seen, scenario_id)


def sheet_scores(form: Any) -> dict[str, dict[str, Any]]:
    """``score.<proposal>.<criterion>`` inputs as each filled-in proposal's scores (a
    proposal left blank is not sent; a blank criterion is left out, the service names it)."""
    out: dict[str, dict[str, Any]] = {}
    for key in form:
        parts = str(key).split(".")
        if len(parts) != 3 or parts[0] != "score":
            continue
        raw = str(form.get(key, "")).strip()
        if raw:
            out.setdefault(parts[1], {})[parts[2]] = int(raw) if INTEGER.fullmatch(raw) else raw
    return out


@router.post("/m/scenarios/{scenario_id}/score")
async def score_all(request: Request, scenario_id: str, seen: User) -> Response:
    form = await request.form()
    check_csrf(request, form)
    backend, errors, saved = request.app.state.backend, {}, 0
    for pid, scores in sheet_scores(form).items():
        answer = await backend.call(
            "scenarios", "POST", f"/scenarios/{scenario_id}/scores", token=seen.token,
            lang=seen.lang, json={"proposal_id": pid, "scores": scores},
        )  # fmt: skip
        if answer.status_code == 200:
            saved += 1
            continue
        for key, message in field_errors(answer.json()).items():
            code = key.removeprefix("scores.")  # beside the criterion's input, else the proposal
            errors[f"score.{pid}.{code}" if key.startswith("scores.") else f"p.{pid}"] = message
    if not errors:
        return redirect(request, f"/m/scenarios/{scenario_id}/score?saved={saved}", seen)
    values = {k: str(form.get(k, "")) for k in form}
    return await _sheet(request, seen, scenario_id, values=values, errors=errors,
                        status=422, partly=saved)  # fmt: skip


@router.post("/m/scenarios/{scenario_id}/conflicts")
async def declare_conflict(request: Request, scenario_id: str, seen: User) -> Response:
    form = await request.form()
    check_csrf(request, form)
    answer = await request.app.state.backend.call(
        "scenarios", "POST", f"/scenarios/{scenario_id}/conflicts", token=seen.token,
        lang=seen.lang, json={"enterprise_org_id": str(form.get("enterprise_org_id", ""))},
    )  # fmt: skip
    if answer.status_code == 200:
        return redirect(request, f"/m/scenarios/{scenario_id}/score?declared=1", seen)
    errors = {f"conflict.{k}": v for k, v in field_errors(answer.json()).items()}
    return await _sheet(request, seen, scenario_id, errors=errors, status=answer.status_code)
