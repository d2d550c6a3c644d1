"""Notifications' HTTP routers, one module per resource, and shared dependencies."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.routing import APIRoute

from services.notifications.usecases import Deps
from shared.auth import Caller, CurrentCaller, Role, ensure_owner


def get_deps(request: Request) -> Deps:
    return request.app.state.deps


DepsDep = Annotated[Deps, Depends(get_deps)]


def operation_id(route: APIRoute) -> str:
    """Operation ids ``{tag}-{name}``, stable for generated clients."""
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


async def require_org_admin(organisation_id: str, caller: CurrentCaller) -> Caller:
    """The admin of the organisation in the path (operators too are refused: secrets)."""
    ensure_owner(caller, organisation_id, roles=[Role.admin], operators=False)
    return caller


OrgAdmin = Annotated[Caller, Depends(require_org_admin)]
