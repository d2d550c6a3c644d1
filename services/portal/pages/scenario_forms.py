"""Posting a scenario (government, SOE) and publishing a batch of the city opportunity
list (operator), as forms.

A scenario's criteria and timeline are nested in the API, so the generic schema form
cannot build it: this form has repeatable criteria rows (name, weight, scale; "add a
row" is a plain submit button, no script needed) and the timeline's two dates. The
service decides everything (weights summing to 100, a future deadline); its problem
details come back per field and are shown beside the input they name.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.portal.forms import _number, place_errors, rows_shown
from services.portal.pages.common import User, field_errors
from services.portal.pages.render import redirect, render
from services.portal.pages.techtransfer import DOMAINS
from services.portal.session import check_csrf

router = APIRouter(include_in_schema=False)
TIERS = ("cultivation", "small_to_scale", "scale_to_strong")
MIN_ROWS, MAX_ROWS = 3, 10  # the service takes 1..10 criteria
#: every input of the scenario form (criteria rows are added per row)
INPUTS = (
    "title", "problem", "domain", "keywords", "site", "district", "budget_cny.0",
    "budget_cny.1", "timeline.starts_on", "timeline.ends_on", "requirements.qualifications",
    "requirements.tier", "requirements.beijing_registered", "requirements.min_trl",
    "deadline", "award_slots", "shortlist_size",
)  # fmt: skip
GROUPS = ("budget_cny", "timeline", "criteria", "requirements")  # errors about a whole group


def _text(form: Any, key: str) -> str:
    return str(form.get(key, "")).strip()


def _split(raw: str) -> list[str]:
    return [p.strip() for p in raw.replace("，", ",").split(",") if p.strip()]


def beijing(raw: str) -> str:
    """A ``datetime-local`` value (Beijing time, minutes or seconds) as ISO with offset."""
    if len(raw) == 16:
        raw += ":00"
    return f"{raw}+08:00" if len(raw) == 19 else raw  # anything else: the service names it


def criteria_rows(form: Any) -> list[int]:
    """The row numbers of the criteria rows that were filled in (blank rows are left out)."""
    rows = []
    for n in range(MAX_ROWS):
        if any(_text(form, f"criteria.{n}.{k}") for k in ("name", "weight", "scale")):
            rows.append(n)
    return rows


def scenario_body(form: Any) -> tuple[dict[str, Any], list[int]]:
    """The form as ``ScenarioIn`` JSON, and which form row each sent criterion came from."""
    rows = criteria_rows(form)
    criteria = []
    for sent, n in enumerate(rows, start=1):
        row = {"code": f"c{sent}", "name": _text(form, f"criteria.{n}.name"),
               "weight": _number(_text(form, f"criteria.{n}.weight"))}  # fmt: skip
        if _text(form, f"criteria.{n}.scale"):
            row["scale"] = _number(_text(form, f"criteria.{n}.scale"))
        criteria.append(row)
    requirements: dict[str, Any] = {
        "qualifications": [str(q) for q in form.getlist("requirements.qualifications")],
        "beijing_registered": form.get("requirements.beijing_registered") == "1",
    }
    if _text(form, "requirements.tier"):
        requirements["tier"] = _text(form, "requirements.tier")
    if _text(form, "requirements.min_trl"):
        requirements["min_trl"] = _number(_text(form, "requirements.min_trl"))
    body: dict[str, Any] = {
        "title": _text(form, "title"), "problem": _text(form, "problem"),
        "domain": _text(form, "domain"), "keywords": _split(_text(form, "keywords")),
        "site": _text(form, "site"),
        "budget_cny": [_number(_text(form, "budget_cny.0")), _number(_text(form, "budget_cny.1"))],
        "timeline": {"starts_on": _text(form, "timeline.starts_on") or None,
                     "ends_on": _text(form, "timeline.ends_on") or None},
        "requirements": requirements, "criteria": criteria,
        "deadline": beijing(_text(form, "deadline")) or None,
    }  # fmt: skip
    for key in ("district",):
        if _text(form, key):
            body[key] = _text(form, key)
    for key in ("award_slots", "shortlist_size"):
        if _text(form, key):
            body[key] = _number(_text(form, key))
    return body, rows


def _page(request: Request, seen: Any, values: dict[str, Any], errors: dict[str, str],
          rows: int, status: int = 200) -> HTMLResponse:  # fmt: skip
    row_inputs = (f"criteria.{n}.{k}" for n in range(rows) for k in ("name", "weight", "scale"))
    shown = {*INPUTS, *GROUPS, *row_inputs}
    return render(request, "scenarios/post.html", seen, status=status, values=values,
                  errors=errors, others={k: v for k, v in errors.items() if k not in shown},
                  rows=rows, domains=DOMAINS, tiers=TIERS)  # fmt: skip


@router.get("/m/scenarios/new")
async def post_form(request: Request, seen: User) -> HTMLResponse:
    return _page(request, seen, {"award_slots": "1", "shortlist_size": "3"}, {}, MIN_ROWS)


@router.post("/m/scenarios/new")
async def post_scenario(request: Request, seen: User) -> Response:
    form = await request.form()
    check_csrf(request, form)
    values: dict[str, Any] = {k: str(form.get(k, "")) for k in form}
    values["requirements.qualifications"] = form.getlist("requirements.qualifications")
    rows = rows_shown(form, criteria_rows(form), MIN_ROWS, MAX_ROWS)
    if form.get("more") == "1":  # "add a row": show the form again, nothing is sent
        return _page(request, seen, values, {}, min(rows + 1, MAX_ROWS))
    body, sent = scenario_body(form)
    answer = await request.app.state.backend.call(
        "scenarios", "POST", "/scenarios", token=seen.token, lang=seen.lang, json=body
    )
    if answer.status_code == 201:
        return redirect(request, f"/m/scenarios/{answer.json()['id']}", seen)
    errors = place_errors(field_errors(answer.json()), "criteria", sent)
    return _page(request, seen, values, errors, rows, status=answer.status_code)


async def _waiting(request: Request, seen: Any) -> list[dict[str, Any]]:
    """Scenarios waiting for a batch (the operator lists every state)."""
    page = await request.app.state.backend.get_json(
        "scenarios", "/scenarios", token=seen.token, lang=seen.lang, params={"limit": 100}
    ) or {}  # fmt: skip
    return [s for s in page.get("items", []) if s.get("state") == "submitted"]


def _batch_page(request: Request, seen: Any, waiting: list[dict[str, Any]], values: Any,
                errors: dict[str, str], status: int = 200) -> HTMLResponse:  # fmt: skip
    return render(request, "scenarios/batch.html", seen, status=status, waiting=waiting,
                  values=values, errors=errors)  # fmt: skip


@router.get("/m/scenarios/batch")
async def batch_form(request: Request, seen: User) -> HTMLResponse:
    year = dt.datetime.now(dt.UTC).year
    values = {"year": str(year), "scenario_ids": []}
    return _batch_page(request, seen, await _waiting(request, seen), values, {})


@router.post("/m/scenarios/batch")
async def publish_batch(request: Request, seen: User) -> Response:
    form = await request.form()
    check_csrf(request, form)
    ids = [str(i) for i in form.getlist("scenario_ids")]
    body = {"year": _number(_text(form, "year")), "number": _number(_text(form, "number")),
            "title": _text(form, "title"), "scenario_ids": ids}  # fmt: skip
    answer = await request.app.state.backend.call(
        "scenarios", "POST", "/batches", token=seen.token, lang=seen.lang, json=body
    )
    if answer.status_code == 201:
        return redirect(request, f"/m/scenarios?batch={answer.json()['id']}", seen)
    errors = {}
    for key, message in field_errors(answer.json()).items():
        parts = key.split(".")  # scenario_ids.<i>: beside that scenario's checkbox
        if parts[0] == "scenario_ids" and len(parts) == 2 and parts[1].isdigit():
            key = f"scenario:{ids[int(parts[1])]}" if int(parts[1]) < len(ids) else parts[0]
        errors[key] = message
    values = {"year": _text(form, "year"), "number": _text(form, "number"),
              "title": _text(form, "title"), "scenario_ids": ids}  # fmt: skip
    return _batch_page(request, seen, await _waiting(request, seen), values, errors,
                       status=answer.status_code)  # fmt: skip
