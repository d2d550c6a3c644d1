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


def callers(*types: OrgType) -> object:
    return Annotated[Caller, Depends(require_org_types(*types))]


DepsDep = Annotated[Deps, Depends(get_deps)]
ENT, INV, OP, GOV = OrgType.enterprise, OrgType.investor, OrgType.operator, OrgType.government
Enterprise = callers(ENT)  # acts for itself only (publishes, applies, confirms)
Investor = callers(INV)
EnterpriseOrOp = callers(ENT, OP)  # the owner, or an operator moderating
InvestorOrOp = callers(INV, OP)
Operator = callers(OP)
Market = callers(ENT, INV, OP)  # the three parties of the roadshow market
Watchers = callers(OP, GOV)  # compliance: operators and government departments
AnySignedIn = callers(*OrgType)


class Reason(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: ShortText = ""  # type: ignore[valid-type]
