"""The catalogue's operator and registrant pages: the review queue (approve, reject with
a reason per field, or send back), the editions with the diff between two of them, and
a launch-event registration with its outcome (a seat held, or a waitlist place).

Every call is the catalogue service's API with the reader's token; whether a caller may
review is the service's rule (operators only), the portal just shows its answer.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from services.portal.pages.common import User, field_errors, reader
from services.portal.pages.render import redirect, render
from services.portal.session import check_csrf

router = APIRouter(include_in_schema=False)
_get = reader("catalogue")
Id = Annotated[str | None, Query(max_length=32, pattern=r"^[A-Za-z0-9_-]*$")]
#: the fields of an application (ProductSpec) a reviewer may object to, in form order
SPEC_FIELDS = (
    "title", "description", "category", "domains", "keywords", "parameters",
    "certifications", "price_band", "district", "first_of_kind", "demonstration_evidence",
)  # fmt: skip
DECISIONS = ("approve", "return", "reject")


@router.get("/m/review")
async def review_queue(
    request: Request, seen: User, offset: Annotated[int, Query(ge=0, le=10_000)] = 0
) -> HTMLResponse:
    """Submitted applications waiting for the operator, oldest first as the service
    lists them."""
    page = await _get(request, seen, "/applications", state="submitted", limit=20, offset=offset)
    page = page or {}
    return render(request, "catalogue/queue.html", seen, items=page.get("items", []),
                  total=page.get("total", 0), offset=offset,
                  done=request.query_params.get("done", ""))  # fmt: skip


@router.get("/m/review/{application_id}")
async def review_form(request: Request, application_id: str, seen: User) -> HTMLResponse:
    found = await _get(request, seen, f"/applications/{application_id}")
    if not found:
        return render(request, "not_found.html", seen, status=404)
    return render(request, "catalogue/review.html", seen, a=found, fields=SPEC_FIELDS,
                  decisions=DECISIONS)  # fmt: skip


@router.post("/m/review/{application_id}")
async def review(request: Request, application_id: str, seen: User) -> Response:
    form = await request.form()
    check_csrf(request, form)
    reasons = [
        {"field": f, "reason": str(form.get(f"reason.{f}", "")).strip()}
        for f in SPEC_FIELDS
        if str(form.get(f"reason.{f}", "")).strip()
    ]
    decision = str(form.get("decision", ""))
    answer = await request.app.state.backend.call(
        "catalogue", "POST", f"/applications/{application_id}/review", token=seen.token,
        lang=seen.lang, json={"decision": decision, "reasons": reasons},
    )  # fmt: skip
    if answer.status_code == 200:
        return redirect(request, f"/m/review?done={decision}", seen)
    found = await _get(request, seen, f"/applications/{application_id}") or {
        "id": application_id, "spec": {}, "rounds": []
    }  # fmt: skip
    values = {k: str(form.get(k, "")) for k in form}
    return render(request, "catalogue/review.html", seen, status=answer.status_code, a=found,
                  fields=SPEC_FIELDS, decisions=DECISIONS, values=values,
                  errors=field_errors(answer.json()))  # fmt: skip


@router.get("/m/editions")
async def editions(
    request: Request, seen: User, edition: Id = None, against: Id = None
) -> HTMLResponse:
    """The editions, and what one changed against another (default: its base)."""
    page = await _get(request, seen, "/editions", limit=50) or {}
    items = page.get("items", [])
    diff, titles = None, {}
    if edition:
        diff = await _get(request, seen, f"/editions/{edition}/diff",
                          **({"against": against} if against else {}))  # fmt: skip
        for e in items:  # entries name their products: show titles, not ids
            for pid, entry in (e.get("entries") or {}).items():
                titles.setdefault(pid, ((entry or {}).get("spec") or {}).get("title") or pid)
    return render(request, "catalogue/editions.html", seen, items=items, diff=diff,
                  titles=titles, edition=edition or "", against=against or "")  # fmt: skip


@router.get("/m/launches/{event_id}/mine")
async def my_registration(request: Request, event_id: str, seen: User) -> HTMLResponse:
    event = await _get(request, seen, f"/launches/{event_id}")
    if not event:
        return render(request, "not_found.html", seen, status=404)
    mine = await _get(request, seen, f"/launches/{event_id}/registrations/mine")
    return render(request, "catalogue/registration.html", seen, event=event, mine=mine)
