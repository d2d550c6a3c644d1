"""Scenarios' HTTP routers, one module per resource. Every route declares who may call it
(organisation types); ownership, panel membership and deadlines are decided in the use
cases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.routing import APIRoute

from services.scenarios.usecases import Deps
from shared.auth import Caller, OrgType, require_org_types


def get_deps(request: Request) -> Deps:
    return request.app.state.deps


def operation_id(route: APIRoute) -> str:
    """Operation ids ``{tag}-{name}``, stable for generated clients."""
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


def callers(*types: OrgType) -> object:
    return Annotated[Caller, Depends(require_org_types(*types))]


DepsDep = Annotated[Deps, Depends(get_deps)]
ENT, GOV, SOE, OP = OrgType.enterprise, OrgType.government, OrgType.soe, OrgType.operator
Enterprise = callers(ENT)  # applies, publishes capabilities, mutes domains: for itself
EnterpriseOrOp = callers(ENT, OP)
Publisher = callers(GOV, SOE)  # districts, departments and SOEs post scenarios
PublisherOrOp = callers(GOV, SOE, OP)
Operator = callers(OP)  # publishes the city opportunity list's batches
AnySignedIn = callers(*OrgType)  # experts may belong to any organisation
