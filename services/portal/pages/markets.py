"""The four new markets, one generic page set: lists (the services' one paging
convention), details, create forms built from each service's OpenAPI schema, and the
actions each role takes — all through the services' APIs with the reader's token.

A section is a row of :data:`SECTIONS`: which service and path list it, what the create
endpoint is, which fields to show, and which actions (button -> service call) a role
sees. Whether a caller may act is the service's rule; the portal only shows what fits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from services.portal.forms import request_fields, to_json
from services.portal.pages.common import User, field_errors
from services.portal.pages.render import redirect, render
from services.portal.session import check_csrf
from shared.auth import OrgType as O

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Action:
    label: str  # source text (Chinese) of the button
    path: str  # service path, ``{id}`` is the item's id
    who: frozenset[O]
    needs_reason: bool = False
    after: str = ""  # where the browser goes next (``{id}``); default: the list


@dataclass(frozen=True)
class Section:
    service: str
    path: str  # list (GET) and create (POST) path
    title: str
    shown: tuple[str, ...] = ()
    create: frozenset[O] = frozenset()
    actions: tuple[Action, ...] = ()
    params: dict[str, str] = field(default_factory=dict)
    links: tuple[tuple[str, str], ...] = ()  # (label, portal path with ``{id}``) per row

    @property
    def kind(self) -> str:
        """The record kind of its items (``/agencies`` -> ``agency``), for state labels."""
        word = self.path.rsplit("/", 1)[-1]
        for end, singular in (("ies", "y"), ("ches", "ch"), ("s", "")):
            if word.endswith(end):
                return word[: -len(end)] + singular
        return word


def _a(label: str, path: str, *who: O, reason: bool = False, after: str = "") -> Action:
    return Action(label, path, frozenset(who), reason, after)


SECTIONS: dict[str, Section] = {
    "products": Section(
        "catalogue", "/products", "新技术新产品目录", ("domains", "price_band", "first_of_kind")
    ),
    "applications": Section(
        "catalogue",
        "/applications",
        "目录入选申请",
        ("state", "category"),
        create=frozenset({O.enterprise}),
        actions=(_a("提交审核", "/applications/{id}/submit", O.enterprise),),
    ),
    "procurement": Section(
        "catalogue",
        "/needs",
        "国企采购需求",
        ("domains", "budget_cny", "deadline"),
        create=frozenset({O.soe}),
    ),
    "launches": Section(
        "catalogue",
        "/launches",
        "首发活动",
        ("kind", "starts_at", "capacity"),
        actions=(
            _a(
                "报名",
                "/launches/{id}/registrations",
                O.soe,
                O.government,
                O.enterprise,
                O.investor,
                after="/m/launches/{id}/mine",  # shows a seat held or a waitlist place
            ),
        ),
    ),
    "dockings": Section(
        "catalogue",
        "/dockings",
        "专项对接",
        ("state",),
        actions=(_a("接受对接", "/dockings/{id}/accept", O.enterprise),),
    ),
    "talent": Section(
        "talent",
        "/demands",
        "人才选聘项目",
        ("seniority", "count", "claim_mode", "deadline"),
        create=frozenset({O.enterprise}),
        actions=(_a("认领", "/demands/{id}/claims", O.headhunter),),
        links=(("候选人", "/m/talent/{id}/candidates"),),
    ),
    "claims": Section(
        "talent",
        "/claims",
        "认领记录",
        ("state", "expires_at"),
        actions=(
            _a("释放认领", "/claims/{id}/release", O.headhunter),
            _a("撤销认领", "/claims/{id}/revoke", O.enterprise, reason=True),
        ),
    ),
    "fairs": Section(
        "talent",
        "/fairs",
        "专场招聘会",
        ("starts_at", "capacity"),
        create=frozenset({O.operator}),
        actions=(_a("报名", "/fairs/{id}/registrations", O.enterprise, O.headhunter),),
    ),
    "agencies": Section(
        "talent",
        "/agencies",
        "猎头机构",
        ("state", "specialisms"),
        actions=(
            _a("核验通过", "/agencies/{id}/verify", O.operator),
            _a("暂停", "/agencies/{id}/suspend", O.operator, reason=True),
        ),
    ),
    "scenarios": Section(
        "scenarios",
        "/scenarios",
        "应用场景（城市机会清单）",
        ("domain", "deadline", "state"),
        create=frozenset({O.government, O.soe}),
    ),
    "roadshows": Section(
        "roadshows",
        "/roadshows",
        "月度路演日历",
        ("domain", "starts_at", "investor_seats"),
        create=frozenset({O.operator}),
        actions=(
            _a("预订席位", "/roadshows/{id}/seats", O.investor),
            _a("取消席位", "/roadshows/{id}/seats/cancel", O.investor),
        ),
    ),
    "mandates": Section(
        "roadshows",
        "/mandates",
        "投资意向",
        ("domains", "stages", "ticket_cny"),
        create=frozenset({O.investor}),
    ),
    "pitches": Section(
        "roadshows",
        "/pitches",
        "融资路演项目",
        ("stage", "ask_cny", "domains"),
        create=frozenset({O.enterprise}),
    ),
}

LABEL_KEYS = ("title", "name", "role", "topic", "edition", "id")


def _inner(item: dict[str, Any]) -> dict[str, Any]:
    """What the owner entered: ``content`` (scenarios, talent) or ``spec`` (catalogue)."""
    for key in ("content", "spec"):
        if isinstance(item.get(key), dict):
            return item[key]  # type: ignore[no-any-return]
    return {}


def _label(item: dict[str, Any]) -> str:
    inner = _inner(item)
    for key in LABEL_KEYS:
        value = item.get(key) or inner.get(key)
        if value:
            return str(value)
    return "—"


def _value(item: dict[str, Any], key: str) -> Any:
    """A shown field, at the top or inside what the owner entered."""
    return item[key] if key in item else _inner(item).get(key)


def _section(name: str) -> Section | None:
    return SECTIONS.get(name)


@router.get("/m/{name}")
async def listing(
    request: Request, name: str, seen: User, offset: Annotated[int, Query(ge=0, le=10_000)] = 0
) -> HTMLResponse:
    section = _section(name)
    if section is None:
        return render(request, "not_found.html", seen, status=404)
    found = await request.app.state.backend.get_json(
        section.service, section.path, token=seen.token, lang=seen.lang,
        params={"limit": 20, "offset": offset, **section.params},
    )  # fmt: skip
    caller = seen.caller
    assert caller is not None
    actions = [(n, a) for n, a in enumerate(section.actions) if caller.org_type in a.who]
    page = found if isinstance(found, dict) else {"items": found or []}
    items = page.get("items", [])
    return render(request, "market/section.html", seen, name=name, section=section,
                  items=items, total=page.get("total", len(items)), offset=offset,
                  label=_label, value=_value, actions=actions,
                  can_create=caller.org_type in section.create)  # fmt: skip


async def _form_fields(request: Request, section: Section) -> list[Any]:
    doc = await request.app.state.schemas.get(request.app.state.backend, section.service)
    return request_fields(doc, "post", section.path)


@router.get("/m/{name}/new")
async def new_item(request: Request, name: str, seen: User) -> HTMLResponse:
    section = _section(name)
    if section is None:
        return render(request, "not_found.html", seen, status=404)
    fields = await _form_fields(request, section)
    return render(request, "market/section_form.html", seen, name=name, section=section,
                  fields=fields)  # fmt: skip


@router.post("/m/{name}/new")
async def create_item(request: Request, name: str, seen: User) -> Response:
    section = _section(name)
    if section is None:
        return render(request, "not_found.html", seen, status=404)
    form = await request.form()
    check_csrf(request, form)
    fields = await _form_fields(request, section)
    answer = await request.app.state.backend.call(
        section.service, "POST", section.path, token=seen.token, lang=seen.lang,
        json=to_json(fields, form),
    )  # fmt: skip
    if answer.status_code in (200, 201):
        return redirect(request, f"/m/{name}", seen)
    values = {k: form.getlist(k) if len(form.getlist(k)) > 1 else form.get(k) for k in form}
    return render(request, "market/section_form.html", seen, status=answer.status_code,
                  name=name, section=section, fields=fields, values=values,
                  errors=field_errors(answer.json()))  # fmt: skip


@router.get("/m/{name}/{item_id}")
async def detail(request: Request, name: str, item_id: str, seen: User) -> HTMLResponse:
    section = _section(name)
    found = section and await request.app.state.backend.get_json(
        section.service, f"{section.path}/{item_id}", token=seen.token, lang=seen.lang
    )
    if not found:
        return render(request, "not_found.html", seen, status=404)
    return render(request, "market/section_item.html", seen, name=name, section=section,
                  item=found, label=_label)  # fmt: skip


@router.post("/m/{name}/{item_id}/act/{n}")
async def act(request: Request, name: str, item_id: str, n: int, seen: User) -> Response:
    section = _section(name)
    form = await request.form()
    check_csrf(request, form)
    if section is None or not 0 <= n < len(section.actions):
        return render(request, "not_found.html", seen, status=404)
    action = section.actions[n]
    body = {"reason": str(form.get("reason", ""))} if action.needs_reason else {}
    answer = await request.app.state.backend.call(
        section.service, "POST", action.path.format(id=item_id), token=seen.token,
        lang=seen.lang, json=body,
    )  # fmt: skip
    if answer.status_code >= 400:
        return render(request, "market/outcome.html", seen, status=answer.status_code,
                      name=name, errors=field_errors(answer.json()))  # fmt: skip
    return redirect(request, action.after.format(id=item_id) or f"/m/{name}", seen)
