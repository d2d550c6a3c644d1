"""Reporting's HTTP routers, one module per resource, and shared aliases.

Who may call what (every route declares its caller):
- enterprise profile: the enterprise itself, operators, the district government of the
  enterprise's district (403 for anyone else);
- funnels, durations, annual reports: operators (any scope) and district governments
  (their own district only; the city or another district is 403);
- alerts: operators all, a district government its district's, an organisation its own;
- status: operators.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.routing import APIRoute

from services.reporting.domain.access import AccessDenied, Viewer
from services.reporting.usecases.queries import Deps
from shared.auth import Caller
from shared.errors import ForbiddenError

MESSAGES = {
    "not_your_enterprise": ("只能查看本企业、本区企业的画像", "not your enterprise"),
    "other_district": ("区级用户只能查看本区数据", "district officials see their own district"),
    "reports_for_operators_and_districts": ("仅运营方和区政府可查看统计报告",
                                             "reports are for operators and district governments"),
    "operators_only": ("仅运营方可执行此操作", "operators only"),
}  # fmt: skip


def get_deps(request: Request) -> Deps:
    return request.app.state.deps


DepsDep = Annotated[Deps, Depends(get_deps)]


def viewer_of(caller: Caller) -> Viewer:
    return Viewer(caller.organisation_id, caller.org_type.value, caller.district,
                  caller.government_kind)  # fmt: skip


def forbidden(denied: AccessDenied, field: str = "caller") -> ForbiddenError:
    zh, en = MESSAGES.get(denied.code, (denied.code, denied.code))
    return ForbiddenError(field, denied.code, zh=zh, en=en)


def operation_id(route: APIRoute) -> str:
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name
