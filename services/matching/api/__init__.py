"""Matching's HTTP routers, one module per resource, the error handler and shared aliases.

Who may call what (every route declares it through its caller dependency):
any signed-in caller browses and keeps saved searches; a caller sees only pairs
whose demand or supply its organisation owns (operators see all); only the
demander gives feedback.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from services.matching.domain.errors import MatchingError
from services.matching.usecases import Deps


def get_deps(request: Request) -> Deps:
    return request.app.state.deps


DepsDep = Annotated[Deps, Depends(get_deps)]


def operation_id(route: APIRoute) -> str:
    """Operation ids ``{tag}-{name}``, stable for generated clients."""
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


async def handle_matching_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, MatchingError)
    body = {"field": exc.field, "reason": exc.reason, "message": exc.message}
    return JSONResponse({"detail": body}, status_code=exc.status_code)
