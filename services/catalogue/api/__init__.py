"""Catalogue's HTTP routers, one module per resource. Every route declares who may call it
with ``require_org_types``; ownership and visibility are decided in the use cases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.routing import APIRoute
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from services.catalogue.usecases import Deps
from shared.auth import Caller, OrgType, require_org_types
from shared.limits import no_control_chars


def get_deps(request: Request) -> Deps:
    return request.app.state.deps


def operation_id(route: APIRoute) -> str:
    """Operation ids ``{tag}-{name}``, stable for generated clients."""
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


def callers(*types: OrgType) -> object:
    return Annotated[Caller, Depends(require_org_types(*types))]


DepsDep = Annotated[Deps, Depends(get_deps)]
E, SOE, GOV, OP = OrgType.enterprise, OrgType.soe, OrgType.government, OrgType.operator
Enterprise = callers(E)
Soe = callers(SOE)
Operator = callers(OP)
EnterpriseOrOperator = callers(E, OP)
DockingParty = callers(SOE, E, OP)
Overseers = callers(OP, GOV)
AnySignedIn = callers(*OrgType)


class Reason(BaseModel):
    """Why (delistings, removals, declines, withdrawals)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: Annotated[str, Field(min_length=1, max_length=500), AfterValidator(no_control_chars)]
