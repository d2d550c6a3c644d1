"""Rendering a page: Jinja2 templates with the message catalogue, Chinese first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from services.portal import vocab
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
_TT = [
    ("技术成果", "/offers"),
    ("技术需求", "/needs"),
    ("合作意向", "/interests"),
    ("对接洽谈会", "/sessions"),
]
_HOME, _MATCH, _INBOX = ("工作台", "/"), ("匹配推荐", "/matches"), ("消息", "/inbox")
NAV: dict[OrgType, list[tuple[str, str]]] = {
    OrgType.enterprise: [_HOME, *_TT, ("目录申请", "/m/applications"), ("人才需求", "/m/talent"),
                         ("应用场景", "/m/scenarios"), ("融资路演", "/m/pitches"),
                         ("企业画像", "/reports/profile"), _MATCH, _INBOX],
    OrgType.university: [_HOME, *_TT, _MATCH, _INBOX],
    OrgType.soe: [_HOME, ("产品目录", "/m/products"), ("采购需求", "/m/procurement"),
                  ("专项对接", "/m/dockings"), ("首发活动", "/m/launches"),
                  ("应用场景", "/m/scenarios"), _MATCH, _INBOX],
    OrgType.government: [_HOME, ("产品目录", "/m/products"), ("应用场景", "/m/scenarios"),
                         ("首发活动", "/m/launches"), ("漏斗统计", "/charts"),
                         ("年度报告", "/reports"), _INBOX],
    OrgType.investor: [_HOME, ("投资意向", "/m/mandates"), ("路演日历", "/m/roadshows"),
                       ("融资项目", "/m/pitches"), _MATCH, _INBOX],
    OrgType.headhunter: [_HOME, ("人才需求", "/m/talent"), ("认领记录", "/m/claims"),
                         ("招聘会", "/m/fairs"), _MATCH, _INBOX],
    OrgType.operator: [_HOME, ("待审核机构", "/m/sign-ups"), ("目录审核", "/m/review"),
                       ("目录版本", "/m/editions"), ("猎头机构", "/m/agencies"),
                       ("应用场景", "/m/scenarios"), ("路演日历", "/m/roadshows"),
                       ("路演合规", "/compliance"),
                       ("漏斗统计", "/charts"), ("年度报告", "/reports"), *_TT[:2], _INBOX],
}  # fmt: skip


def render(
    request: Request, template: str, seen: Visitor, *, status: int = 200, **data: Any
) -> HTMLResponse:
    lang = seen.lang

    def _(text: str, **params: Any) -> str:
        return gettext(lang, text, **params)

    nav = NAV.get(seen.caller.org_type, []) if seen.caller else []
    # a form page opens with nothing typed and nothing refused
    data = {"errors": {}, "values": {}, **data}
    html = ENV.get_template(template).render(
        _=_, lang=lang, seen=seen, caller=seen.caller, nav=nav, path=request.url.path,
        csrf=seen.csrf, amount=lambda v: amount(v, lang), when=lambda v: when(v, lang),
        state_label=lambda kind, v: vocab.state_label(kind, v, lang),
        shown=lambda kind, key, v: vocab.shown(kind, key, v, lang),
        field_label=lambda ctx, name: vocab.field_label(ctx, name, lang),
        choices=lambda name: [(v, gettext(lang, m)) for v, m in vocab.choices(name)],
        facts=vocab.facts,
        **data,
    )  # fmt: skip
    response = HTMLResponse(html, status_code=status)
    return keep(response, seen, secure=request.app.state.settings.secure_cookies)  # type: ignore[return-value]


def redirect(request: Request, to: str, seen: Visitor) -> RedirectResponse:
    response = RedirectResponse(to, status_code=303)
    keep(response, seen, secure=request.app.state.settings.secure_cookies)
    return response
