"""The operator fills a catalogue edition in the browser: open one, add approved
applications as its entries (each with an optional expiry date), leave an entry out with
a reason, then freeze and publish it.

The catalogue API adds one entry per call; the form sends one call per ticked
application and shows, beside that application, what the service refused (not
approved, an expiry in the past, an edition already frozen), keeping what it added.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.portal.i18n import gettext
from services.portal.pages.common import User, field_errors, reader
from services.portal.pages.render import redirect, render
from services.portal.session import check_csrf

router = APIRouter(include_in_schema=False)
_get = reader("catalogue")


async def _call(request: Request, seen: Any, path: str, body: Any = None) -> Any:
    return await request.app.state.backend.call(
        "catalogue", "POST", path, token=seen.token, lang=seen.lang, json=body
    )


@router.get("/m/editions/new")
async def open_form(request: Request, seen: User) -> HTMLResponse:
    return render(request, "catalogue/edition_new.html", seen)


@router.post("/m/editions/new")
async def open_edition(request: Request, seen: User) -> Response:
    form = await request.form()
    check_csrf(request, form)
    values = {k: str(form.get(k, "")).strip() for k in ("code", "title")}
    answer = await _call(request, seen, "/editions", values)
    if answer.status_code == 201:
        return redirect(request, f"/m/editions/{answer.json()['id']}/entries", seen)
    return render(request, "catalogue/edition_new.html", seen, status=answer.status_code,
                  values=values, errors=field_errors(answer.json()))  # fmt: skip


async def _entries(request: Request, seen: Any, edition_id: str, **data: Any) -> HTMLResponse:
    edition = await _get(request, seen, f"/editions/{edition_id}")
    if not edition:
        return render(request, "not_found.html", seen, status=404)
    page = await _get(request, seen, "/applications", state="approved", limit=100) or {}
    listed = {e.get("application_id") for e in (edition.get("entries") or {}).values()}
    candidates = [a for a in page.get("items", []) if a["id"] not in listed]
    q = request.query_params
    return render(request, "catalogue/entries.html", seen, e=edition, candidates=candidates,
                  added=q.get("added", ""), done=q.get("done", ""), **data)  # fmt: skip


@router.get("/m/editions/{edition_id}/entries")
async def entries_page(request: Request, edition_id: str, seen: User) -> HTMLResponse:
    return await _entries(request, seen, edition_id)


@router.post("/m/editions/{edition_id}/entries")
async def add_entries(request: Request, edition_id: str, seen: User) -> Response:
    form = await request.form()
    check_csrf(request, form)
    ticked = [str(a) for a in form.getlist("application_id")]
    errors: dict[str, str] = {}
    if not ticked:  # nothing to send: the portal says so itself
        errors["application_id"] = gettext(seen.lang, "请至少勾选一项申请。")
    added = 0
    for app_id in ticked:
        body: dict[str, Any] = {"application_id": app_id}
        day = str(form.get(f"expires.{app_id}", "")).strip()
        if day:  # the day's end in Beijing
            body["expires_at"] = f"{day}T23:59:59+08:00"
        answer = await _call(request, seen, f"/editions/{edition_id}/entries", body)
        if answer.status_code == 200:
            added += 1
            continue
        for key, message in field_errors(answer.json()).items():
            errors[f"expires.{app_id}" if key == "expires_at" else f"app.{app_id}"] = message
    if not errors:
        return redirect(request, f"/m/editions/{edition_id}/entries?added={added}", seen)
    values: dict[str, Any] = {k: str(form.get(k, "")) for k in form if k != "application_id"}
    values["ticked"] = ticked
    return await _entries(request, seen, edition_id, status=422, errors=errors,
                          values=values, partly=added)  # fmt: skip


@router.post("/m/editions/{edition_id}/entries/{product_id}/remove")
async def remove_entry(request: Request, edition_id: str, product_id: str, seen: User) -> Response:
    form = await request.form()
    check_csrf(request, form)
    reason = str(form.get("reason", "")).strip()
    path = f"/editions/{edition_id}/entries/{product_id}/remove"
    answer = await _call(request, seen, path, {"reason": reason})
    if answer.status_code == 200:
        return redirect(request, f"/m/editions/{edition_id}/entries?done=removed", seen)
    errors = {f"{k}.{product_id}" if k == "reason" else k: v
              for k, v in field_errors(answer.json()).items()}  # fmt: skip
    return await _entries(request, seen, edition_id, status=answer.status_code, errors=errors,
                          values={f"reason.{product_id}": reason})  # fmt: skip


@router.post("/m/editions/{edition_id}/{step}")
async def freeze_or_publish(request: Request, edition_id: str, step: str, seen: User) -> Response:
    check_csrf(request, await request.form())
    if step not in ("freeze", "publish"):
        return render(request, "not_found.html", seen, status=404)
    answer = await _call(request, seen, f"/editions/{edition_id}/{step}")
    if answer.status_code == 200:
        return redirect(request, f"/m/editions/{edition_id}/entries?done={step}", seen)
    return await _entries(request, seen, edition_id, status=answer.status_code,
                          errors=field_errors(answer.json()))  # fmt: skip
