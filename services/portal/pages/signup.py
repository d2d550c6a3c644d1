"""Self-sign-up (public pages): an organisation registers with its credit code and first
admin, then confirms the admin's e-mail from the mailed link.

The link opens a page with a button rather than confirming on GET, so a mail scanner
that follows links cannot spend the single-use token. Identity throttles sign-ups per
client address: the visitor's address goes along as ``X-Forwarded-For`` (uvicorn trusts
it from the portal's own address only).
"""

from __future__ import annotations

from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse

from services.portal.pages.render import render
from services.portal.session import Visitor, check_csrf, visitor
from shared.auth import PUBLIC
from shared.events.contracts._market import DISTRICTS

router = APIRouter(include_in_schema=False)
Seen = Annotated[Visitor, Depends(visitor)]
# code -> Chinese label (the catalogue's source text; en.po translates it)
TYPES = {
    "enterprise": "企业", "university": "高校院所", "soe": "市属国有企业",
    "investor": "投资机构", "headhunter": "猎头机构",
}  # fmt: skip
KINDS = {
    "university": "高校", "research_institute": "科研院所", "new_rnd_institution": "新型研发机构"
}  # fmt: skip
FUNDS = {"government": "政府投资基金", "vc": "创业投资机构"}
CHOICES = {"types": TYPES, "districts": DISTRICTS, "kinds": KINDS, "funds": FUNDS}
# which profile fields each type sends (besides type, name and credit code)
TYPE_FIELDS = {
    "enterprise": ("district", "founding_date"),
    "university": ("kind",),
    "soe": (),
    "investor": ("fund_type",),
    "headhunter": ("licence_number",),
}
Text = Annotated[str, Form(max_length=200)]


async def _identity(request: Request, path: str, body: dict[str, Any], lang: str) -> httpx.Response:
    """POST to identity with the visitor's address and language (no token: public)."""
    extra = {"X-Forwarded-For": request.client.host} if request.client else {}
    backend = request.app.state.backend
    return await backend.call(
        "identity", "POST", path, token=None, lang=lang, json=body, headers=extra
    )


def _problems(response: httpx.Response) -> list[dict[str, str]]:
    try:
        return list(response.json().get("errors", []))
    except ValueError:
        return [{"field": "", "message": response.text[:200]}]


@router.get("/sign-up", dependencies=[PUBLIC])
async def sign_up_page(request: Request, seen: Seen) -> HTMLResponse:
    return render(request, "signup.html", seen, form={"type": "enterprise"}, **CHOICES)


@router.post("/sign-up", dependencies=[PUBLIC])
async def sign_up(
    request: Request,
    seen: Seen,
    type: Text,
    name: Text,
    credit_code: Text,
    admin_name: Text,
    email: Text,
    password: Annotated[str, Form(max_length=256)],
    district: Text = "",
    founding_date: Text = "",
    kind: Text = "",
    fund_type: Text = "",
    licence_number: Text = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> HTMLResponse:
    check_csrf(request, {"csrf": csrf})
    form = {
        "type": type, "name": name, "credit_code": credit_code, "district": district,
        "founding_date": founding_date, "kind": kind, "fund_type": fund_type,
        "licence_number": licence_number, "admin_name": admin_name, "email": email,
    }  # fmt: skip
    organisation = {"type": type, "name": name.strip(), "credit_code": credit_code.strip()}
    for field in TYPE_FIELDS.get(type, ()):
        if form[field].strip():
            organisation[field] = form[field].strip()
    body = {
        "organisation": organisation,
        "admin": {"name": admin_name.strip(), "email": email.strip(), "password": password},
    }
    answer = await _identity(request, "/sign-up", body, seen.lang)
    if answer.status_code == 201:
        sent = answer.json().get("email_sent", False)
        return render(request, "signup_done.html", seen, status=201, email=email, sent=sent)
    wait = answer.headers.get("retry-after", "") if answer.status_code == 429 else ""
    status = answer.status_code if answer.status_code in (409, 422, 429) else 400
    return render(request, "signup.html", seen, status=status, form=form, **CHOICES,
                  problems=_problems(answer), wait=wait)  # fmt: skip


@router.get("/sign-up/confirm", dependencies=[PUBLIC])
async def confirm_page(request: Request, seen: Seen, token: str = "") -> HTMLResponse:
    return render(request, "signup_confirm.html", seen, token=token[:200])


@router.post("/sign-up/confirm", dependencies=[PUBLIC])
async def confirm(
    request: Request,
    seen: Seen,
    token: Annotated[str, Form(max_length=200)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> HTMLResponse:
    check_csrf(request, {"csrf": csrf})
    answer = await _identity(request, "/sign-up/confirm", {"token": token}, seen.lang)
    if answer.status_code == 200:
        return render(request, "signup_confirm.html", seen, confirmed=True)
    return render(request, "signup_confirm.html", seen, status=answer.status_code,
                  token=token, problems=_problems(answer))  # fmt: skip


@router.post("/sign-up/resend", dependencies=[PUBLIC])
async def resend(
    request: Request,
    seen: Seen,
    email: Text,
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> HTMLResponse:
    check_csrf(request, {"csrf": csrf})
    answer = await _identity(request, "/sign-up/resend", {"email": email.strip()}, seen.lang)
    wait = answer.headers.get("retry-after", "") if answer.status_code == 429 else ""
    return render(request, "signup_done.html", seen, email=email, sent=answer.status_code == 202,
                  resent=True, wait=wait)  # fmt: skip
