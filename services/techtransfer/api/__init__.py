"""Techtransfer's HTTP routers, one module per resource, and the shapes they share.

Who may call what is decided in the use cases (they know the data); every route depends
on the verified caller, so a request without a valid token is a 401 before anything else.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.routing import APIRoute

from services.techtransfer.usecases import Deps
from shared.paging import Page, Paging

__all__ = ["DepsDep", "Page", "Paging", "get_deps", "operation_id"]


def get_deps(request: Request) -> Deps:
    return request.app.state.deps


DepsDep = Annotated[Deps, Depends(get_deps)]


def operation_id(route: APIRoute) -> str:
    """Operation ids ``{tag}-{name}``, stable for generated clients."""
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name
