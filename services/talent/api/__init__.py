"""Talent's HTTP routers, one module per resource. Every route declares who may call it
with ``require_org_types``; ownership and visibility are decided in the use cases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict

from services.talent.domain.text import Why
from services.talent.usecases import Deps
from shared.auth import Caller, OrgType, require_org_types


def get_deps(request: Request) -> Deps:
    return request.app.state.deps


def operation_id(route: APIRoute) -> str:
    """Operation ids ``{tag}-{name}``, stable for generated clients."""
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


DepsDep = Annotated[Deps, Depends(get_deps)]
E, H, OP = OrgType.enterprise, OrgType.headhunter, OrgType.operator
Enterprise = Annotated[Caller, Depends(require_org_types(E))]
Headhunter = Annotated[Caller, Depends(require_org_types(H))]
Operator = Annotated[Caller, Depends(require_org_types(OP))]
Market = Annotated[Caller, Depends(require_org_types(E, H, OP))]  # the market's three parties
EnterpriseOrAgency = Annotated[Caller, Depends(require_org_types(E, H))]
AgencyOrOperator = Annotated[Caller, Depends(require_org_types(H, OP))]
Organiser = Annotated[Caller, Depends(require_org_types(E, OP))]
AnySignedIn = Annotated[Caller, Depends(require_org_types(*OrgType))]


class Reason(BaseModel):
    """Why (revocations, rejections, withdrawals, suspensions, leaver reports)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: Why
