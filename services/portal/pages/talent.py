"""The talent market's candidate pages: a headhunter (whose agency holds a claim on the
demand) submits a candidate with a CV, and the enterprise sees the candidates of its
demand, opens a CV, and moves each one on (shortlist -> interview -> offer -> hire) or
rejects it with a reason.

The CV is bounded here before anything is sent (size and type, checked on the bytes, not
only on the name), then uploaded to talent as the raw body it expects; talent checks again.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.portal.pages.common import User, field_errors, reader
from services.portal.pages.render import redirect, render
from services.portal.session import check_csrf

router = APIRouter(include_in_schema=False)
_get = reader("talent")
CV_MAX_BYTES = 2_000_000  # talent's default cv_max_bytes
PDF, DOCX = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
NEXT = {"submitted": "shortlist", "shortlisted": "interview", "interviewed": "offer",
        "offer": "hire"}  # fmt: skip
PERSON = ("name", "phone", "email", "summary")


def cv_kind(filename: str, data: bytes) -> str | None:
    """The CV's type if it is a PDF or a .docx by both its name and its first bytes."""
    name = filename.lower()
    if name.endswith(".pdf") and data.startswith(b"%PDF-"):
        return PDF
    if name.endswith(".docx") and data.startswith(b"PK\x03\x04"):
        return DOCX
    return None


async def _page(request: Request, seen: Any, demand_id: str, **data: Any) -> HTMLResponse:
    demand = await _get(request, seen, f"/demands/{demand_id}")
    if not demand:
        return render(request, "not_found.html", seen, status=404)
    found = await _get(request, seen, f"/demands/{demand_id}/candidates", limit=100) or {}
    return render(request, "talent/candidates.html", seen, demand=demand,
                  items=found.get("items", []), next_step=NEXT, **data)  # fmt: skip


@router.get("/m/talent/{demand_id}/candidates")
async def candidates(request: Request, demand_id: str, seen: User) -> HTMLResponse:
    return await _page(request, seen, demand_id, done=request.query_params.get("done", ""))


@router.post("/m/talent/{demand_id}/candidates")
async def submit(request: Request, demand_id: str, seen: User) -> Response:
    """Check the CV, create the candidate, then upload its CV."""
    too_big = int(request.headers.get("content-length") or 0) > CV_MAX_BYTES + 64_000
    form = await request.form(max_files=1, max_fields=20, max_part_size=CV_MAX_BYTES + 1)
    check_csrf(request, form)
    values = {k: str(form.get(k, "")) for k in PERSON}
    upload = form.get("cv")
    data = await upload.read(CV_MAX_BYTES + 1) if hasattr(upload, "read") else b""
    name = str(getattr(upload, "filename", "") or "")
    if too_big or len(data) > CV_MAX_BYTES:
        return await _page(request, seen, demand_id, status=413, values=values,
                           errors={"cv": "cv_too_big"})  # fmt: skip
    kind = cv_kind(name, data) if data else None
    if data and kind is None:
        return await _page(request, seen, demand_id, status=415, values=values,
                           errors={"cv": "cv_type"})  # fmt: skip
    backend = request.app.state.backend
    body = {k: v.strip() for k, v in values.items() if v.strip()}
    answer = await backend.call("talent", "POST", f"/demands/{demand_id}/candidates",
                                token=seen.token, lang=seen.lang, json=body)  # fmt: skip
    if answer.status_code != 201:
        return await _page(request, seen, demand_id, status=answer.status_code, values=values,
                           errors=field_errors(answer.json()))  # fmt: skip
    if data and kind:
        candidate_id = answer.json()["id"]
        uploaded = await backend.call(
            "talent", "PUT", f"/candidates/{candidate_id}/cv", token=seen.token,
            lang=seen.lang, content=data, headers={"Content-Type": kind},
        )  # fmt: skip
        if uploaded.status_code != 200:
            return await _page(request, seen, demand_id, status=uploaded.status_code,
                               errors=field_errors(uploaded.json()))  # fmt: skip
    return redirect(request, f"/m/talent/{demand_id}/candidates?done=submitted", seen)


@router.post("/m/candidates/{candidate_id}/{step}")
async def move(request: Request, candidate_id: str, step: str, seen: User) -> Response:
    """The enterprise moves a candidate on, or rejects it with a reason."""
    form = await request.form()
    check_csrf(request, form)
    demand_id = str(form.get("demand_id", ""))
    if step == "reject":
        path, body = "reject", {"reason": str(form.get("reason", ""))}
    elif step in NEXT.values():
        path, body = "advance", {"action": step}
    else:
        return render(request, "not_found.html", seen, status=404)
    answer = await request.app.state.backend.call(
        "talent", "POST", f"/candidates/{candidate_id}/{path}", token=seen.token,
        lang=seen.lang, json=body,
    )  # fmt: skip
    if answer.status_code != 200:
        return await _page(request, seen, demand_id, status=answer.status_code,
                           errors=field_errors(answer.json()))  # fmt: skip
    return redirect(request, f"/m/talent/{demand_id}/candidates?done={step}", seen)


@router.get("/m/candidates/{candidate_id}/cv")
async def cv(request: Request, candidate_id: str, seen: User) -> Response:
    """The CV as a download (never cached: it is personal data)."""
    answer = await request.app.state.backend.call(
        "talent", "GET", f"/candidates/{candidate_id}/cv", token=seen.token, lang=seen.lang
    )
    if answer.status_code != 200:
        return render(request, "not_found.html", seen, status=404)
    kind = answer.headers.get("content-type", PDF).split(";")[0]
    suffix = "pdf" if kind == PDF else "docx"
    return Response(answer.content, media_type=kind, headers={
        "Cache-Control": "no-store",
        "Content-Disposition": f'attachment; filename="cv-{candidate_id}.{suffix}"',
    })  # fmt: skip
