"""Techtransfer's HTTP routers, one module per resource, and the shapes they share.

Who may call what is decided in the use cases (they know the data); every route depends
on the verified caller, so a request without a valid token is a 401 before anything else.
"""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query, Request
from fastapi.routing import APIRoute
from pydantic import BaseModel

from services.techtransfer.usecases import Deps

T = TypeVar("T")


def get_deps(request: Request) -> Deps:
    return request.app.state.deps


DepsDep = Annotated[Deps, Depends(get_deps)]
Limit = Annotated[int, Query(ge=1, le=200, description="page size")]
Offset = Annotated[int, Query(ge=0, description="items to skip")]


def operation_id(route: APIRoute) -> str:
    """Operation ids ``{tag}-{name}``, stable for generated clients."""
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


class Page(BaseModel, Generic[T]):
    """One page of a listing."""

    items: list[T]
    total: int
    limit: int
    offset: int
