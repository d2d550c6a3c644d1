"""Roadshows' HTTP routers, one module per resource. Every route declares who may call it
(organisation types); ownership is decided in the use cases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict

from services.roadshows.usecases import Deps
from shared.auth import Caller, OrgType, require_org_types
from shared.limits import ShortText


def get_deps(request: Request) -> Deps:
    return request.app.state.deps


def operation_id(route: APIRoute) -> str:
    """Operation ids ``{tag}-{name}``, stable for generated clients."""
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


DepsDep = Annotated[Deps, Depends(get_deps)]
ENT, INV, OP, GOV = OrgType.enterprise, OrgType.investor, OrgType.operator, OrgType.government
# acts for itself only (publishes, applies, books, confirms)
Enterprise = Annotated[Caller, Depends(require_org_types(ENT))]
Investor = Annotated[Caller, Depends(require_org_types(INV))]
# the owner, or an operator moderating
EnterpriseOrOp = Annotated[Caller, Depends(require_org_types(ENT, OP))]
InvestorOrOp = Annotated[Caller, Depends(require_org_types(INV, OP))]
Operator = Annotated[Caller, Depends(require_org_types(OP))]
# the three parties of the roadshow market
Market = Annotated[Caller, Depends(require_org_types(ENT, INV, OP))]
# compliance: operators and government departments
Watchers = Annotated[Caller, Depends(require_org_types(OP, GOV))]
AnySignedIn = Annotated[Caller, Depends(require_org_types(*OrgType))]


class Reason(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: ShortText = ""  # type: ignore[valid-type]
