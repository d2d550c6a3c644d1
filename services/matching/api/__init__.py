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
from shared.problems import error_response
from shared.web import request_language


def get_deps(request: Request) -> Deps:
    return request.app.state.deps


DepsDep = Annotated[Deps, Depends(get_deps)]


def operation_id(route: APIRoute) -> str:
    """Operation ids ``{tag}-{name}``, stable for generated clients."""
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


async def handle_matching_error(request: Request, exc: Exception) -> JSONResponse:
    """The house problem details (a :class:`MatchingError` is a ``DuijieError``)."""
    assert isinstance(exc, MatchingError)
    return error_response(exc, request_language(request))
