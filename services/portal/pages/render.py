"""Rendering a page: Jinja2 templates with the message catalogue, Chinese first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from services.portal.i18n import amount, gettext, when
from services.portal.session import Visitor, keep
from shared.auth import OrgType

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
ENV = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)

#: what each organisation type finds in the navigation (label, path)
NAV: dict[OrgType, list[tuple[str, str]]] = {
    OrgType.enterprise: [("工作台", "/"), ("技术成果", "/offers"), ("技术需求", "/needs"),
                         ("匹配推荐", "/matches"), ("合作意向", "/interests"), ("消息", "/inbox")],
    OrgType.university: [("工作台", "/"), ("技术成果", "/offers"), ("技术需求", "/needs"),
                         ("匹配推荐", "/matches"), ("合作意向", "/interests"), ("消息", "/inbox")],
    OrgType.soe: [("工作台", "/"), ("技术成果", "/offers"), ("匹配推荐", "/matches"),
                  ("消息", "/inbox")],
    OrgType.government: [("工作台", "/"), ("技术成果", "/offers"), ("技术需求", "/needs"),
                         ("消息", "/inbox")],
    OrgType.investor: [("工作台", "/"), ("匹配推荐", "/matches"), ("消息", "/inbox")],
    OrgType.headhunter: [("工作台", "/"), ("匹配推荐", "/matches"), ("消息", "/inbox")],
    OrgType.operator: [("工作台", "/"), ("技术成果", "/offers"), ("技术需求", "/needs"),
                       ("消息", "/inbox")],
}  # fmt: skip


def render(
    request: Request, template: str, seen: Visitor, *, status: int = 200, **data: Any
) -> HTMLResponse:
    lang = seen.lang

    def _(text: str, **params: Any) -> str:
        return gettext(lang, text, **params)

    nav = NAV.get(seen.caller.org_type, []) if seen.caller else []
    html = ENV.get_template(template).render(
        _=_, lang=lang, seen=seen, caller=seen.caller, nav=nav, path=request.url.path,
        csrf=seen.csrf, amount=lambda v: amount(v, lang), when=lambda v: when(v, lang),
        **data,
    )  # fmt: skip
    response = HTMLResponse(html, status_code=status)
    return keep(response, seen, secure=request.app.state.settings.secure_cookies)  # type: ignore[return-value]


def redirect(request: Request, to: str, seen: Visitor) -> RedirectResponse:
    response = RedirectResponse(to, status_code=303)
    keep(response, seen, secure=request.app.state.settings.secure_cookies)
    return response
