"""What every signed-in page shares: the visitor dependency, reading a service with the
reader's token, and problem-detail reading."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Request

from services.portal.session import Visitor, signed_in

User = Annotated[Visitor, Depends(signed_in)]
Reader = Callable[..., Awaitable[Any]]


def reader(service: str) -> Reader:
    """``get(request, seen, path, **params)``: a GET on ``service`` with the reader's token
    and language, its JSON or None when the record is not there or not theirs (404/403)."""

    async def get(request: Request, seen: Visitor, path: str, **params: Any) -> Any:
        return await request.app.state.backend.get_json(
            service, path, token=seen.token, lang=seen.lang, params=params or None
        )

    return get


def field_errors(body: Any) -> dict[str, str]:
    """A service's problem details as ``{field: message}`` for a form (already in the
    reader's language: the portal asks with its Accept-Language)."""
    if not isinstance(body, dict):
        return {}
    errors = body.get("errors")
    if isinstance(errors, list):
        return {str(e.get("field", "")): str(e.get("message", "")) for e in errors}
    detail = body.get("detail")
    if isinstance(detail, dict):
        return {str(detail.get("field", "")): str(detail.get("message", ""))}
    return {"": str(detail or "")}
